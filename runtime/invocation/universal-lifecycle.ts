import { context as otelContext, trace, TraceFlags } from '@opentelemetry/api';
import type { DatadogConfig } from '../config';
import { endInvocation, isRouteAvailable, REQUEST_ID_HEADER, startAndEndInvocation, startInvocation, type ExtensionEndpoint, type StartInvocationResult } from '../extension/client';
import { isExtensionInstalled } from '../extension/presence';
import { datadogTraceState } from '../export/trace-state';
import { hexIdToDecimal, newSpanId, newTraceId, splitTraceId, ZERO_HIGH_BITS } from '../tracing/ids';
import { isFailure, type InvocationLifecycle, type InvocationOutcome, type LifecycleRoot } from './lifecycle';
import { errorHeaders, eventBody, resultBody } from './payload';
import { formatDatadogTags } from '../propagation/datadog-tags';
import { HEADER } from '../propagation/headers';
import { isSampled, type DatadogTraceContext } from '../tracing/trace-context';
import { extensionContextOf } from '../propagation/extension-context';
import { correctTrace } from '../export/trace-corrections';
import { preconnect } from '../transport/loopback-http';
import { log } from '../log';
import { getGlobalSlot, setGlobalSlot } from '../global-state';

/**
 * Universal instrumentation: the extension extracts the upstream context at
 * start-invocation and builds `aws.lambda` with the span id S we send at end-invocation.
 * Our spans hang under a non-recording remote parent S.
 *
 * One awaited round trip per invocation: start-invocation is not waited for; the handler runs
 * in the context our own copy of the extension's extraction finds (`extensionContextOf`).
 * Start is written at the next turn of the event loop, or, when the handler ends before that
 * (no I/O of its own), together with end-invocation in one write on one connection: one
 * syscall and one wake-up of the extension fewer, and its server still handles start first.
 * At the end, start's answer is checked against our context: where the extension named
 * another trace, the spans are exported with its trace id and priority, so they still join
 * `aws.lambda`. Only propagation headers and log ids written during the handler would then
 * carry ours.
 *
 * Without the extension (or while it is backing off) the same root is built from ids of our
 * own and no call is made.
 */
export const universalLifecycle: InvocationLifecycle = {
  name: 'universal',

  start({ event, config, requestId }) {
    const endpoint = extensionEndpoint(config);
    const useExtension = isExtensionInstalled(config.extensionPath) && isRouteAvailable(endpoint, 'start-invocation');
    const upstream = extensionContextOf(event);

    const traceId = upstream?.traceId ?? newTraceId();
    const samplingPriority = upstream?.samplingPriority ?? 1;
    const spanId = newSpanId();
    const context = trace.setSpanContext(otelContext.active(), {
      traceId,
      spanId,
      isRemote: true,
      traceFlags: isSampled(samplingPriority) ? TraceFlags.SAMPLED : TraceFlags.NONE,
      traceState: datadogTraceState(samplingPriority, upstream ? upstream.propagationTags : { '_dd.p.dm': '-0' }),
    });
    const state: UniversalState = { upstream };
    if (useExtension) state.unsent = { endpoint, requestId, eventJson: eventBody(event), immediate: setImmediate(() => sendStart(state)) };
    return Promise.resolve({ traceId, spanId, samplingPriority, context, generatedTraceId: upstream === undefined, extensionStarted: useExtension, state });
  },

  async report(root, outcome) {
    const state = root.state as UniversalState | undefined;
    if (!root.extensionStarted || !state) return;
    const endpoint = extensionEndpoint(root.config);
    // end-invocation has a health of its own: while it backs off, skip it rather than pay its
    // deadline again. Start still goes out: it is what tells the extension a tracer is here.
    if (!isRouteAvailable(endpoint, 'end-invocation')) {
      sendStart(state);
      return;
    }
    const headers = endInvocationHeaders(root, outcome);
    const resultJson = isFailure(outcome) ? '{}' : resultBody(outcome.result);
    const unsent = takeUnsent(state);
    if (unsent) {
      const sent = startAndEndInvocation(endpoint, unsent, { headers, resultJson });
      awaitAnswer(state, sent.start);
      await sent.end;
      return;
    }
    // A start already known to have failed leaves nothing for end-invocation to close; one still
    // in flight may yet be handled, and the extension pairs the two by request id in any order.
    if (state.answered === false) return;
    await endInvocation(endpoint, headers, resultJson);
  },

  async beforeFlush(root) {
    const state = root.state as UniversalState | undefined;
    if (!state?.answer) return;
    // An answer already in (start went out a loop turn or more before the end) is used. One still
    // in flight (start went out with end) is not waited for: our extraction is the extension's,
    // and waiting would put a round trip before the trace request. It is checked on arrival; once
    // the extension has disagreed, this process waits for every answer.
    if (state.answered === undefined && !getGlobalSlot<boolean>(WAIT_FOR_START_SLOT)) {
      void state.answer.then((answer) => {
        if (answer.answered && disagreement(root, state.upstream, answer.context)) learnDisagreement(answer.context);
      });
      return;
    }
    const answer = await state.answer;
    const theirs = answer.answered ? disagreement(root, state.upstream, answer.context) : undefined;
    if (theirs) {
      log.debug('the extension found another trace context; spans take its ids', theirs);
      correctTrace(root.traceId, { traceId: theirs.traceId, samplingPriority: theirs.samplingPriority });
    }
  },
};

const WAIT_FOR_START_SLOT = 'universal:wait-for-start';

/** What the end of the invocation needs of its start. */
interface UniversalState {
  /** start-invocation while it waits for the next turn of the event loop or for end-invocation. */
  unsent?: UnsentStart;
  /** start-invocation's answer, once it was sent. */
  answer?: Promise<StartInvocationResult>;
  /** Set once that answer is in: whether the extension took the start. */
  answered?: boolean;
  /** The context the handler ran in, from our copy of the extension's extraction. */
  readonly upstream?: DatadogTraceContext;
}

interface UnsentStart {
  readonly endpoint: ExtensionEndpoint;
  readonly requestId: string;
  readonly eventJson: string;
  readonly immediate: NodeJS.Immediate;
}

function takeUnsent(state: UniversalState): UnsentStart | undefined {
  const unsent = state.unsent;
  if (unsent) clearImmediate(unsent.immediate);
  state.unsent = undefined;
  return unsent;
}

/** Writes start-invocation alone, if it is still unsent: the handler outlived a turn of the event loop. */
function sendStart(state: UniversalState): void {
  const unsent = takeUnsent(state);
  if (!unsent) return;
  awaitAnswer(state, startInvocation(unsent.endpoint, unsent.requestId, unsent.eventJson));
  // end-invocation may go out before start's answer is read: a second connection, opened now.
  preconnect(`${unsent.endpoint.url}/lambda/end-invocation`);
}

function awaitAnswer(state: UniversalState, answer: Promise<StartInvocationResult>): void {
  state.answer = answer;
  void answer.then((result) => (state.answered = result.answered));
}

/**
 * The extension's context when it names another trace (or priority) than ours: exported spans
 * must then take its ids. Where it extracted nothing, it adopts the trace id end-invocation
 * sends: no disagreement.
 */
function disagreement(root: LifecycleRoot, ours: DatadogTraceContext | undefined, theirs: DatadogTraceContext | undefined): DatadogTraceContext | undefined {
  const priority = theirs?.samplingPriority;
  if (!theirs || (ours?.traceId === theirs.traceId && (priority === undefined || priority === root.samplingPriority))) return undefined;
  return theirs;
}

/** Seen too late for this invocation's spans: from now on, wait for start's answer before exporting. */
function learnDisagreement(theirs: DatadogTraceContext | undefined): void {
  if (getGlobalSlot<boolean>(WAIT_FOR_START_SLOT)) return;
  setGlobalSlot(WAIT_FOR_START_SLOT, true);
  log.warn("the extension found another trace context than ours: this invocation's spans may miss aws.lambda; later ones wait for its answer", theirs);
}

/** Headers of end-invocation: S, the trace, the sampling decision and, on failure, the error. */
export function endInvocationHeaders(root: LifecycleRoot, outcome: InvocationOutcome): Record<string, string> {
  const { high, low } = splitTraceId(root.traceId);
  const headers: Record<string, string> = {
    [REQUEST_ID_HEADER]: root.requestId,
    'x-datadog-span-id': hexIdToDecimal(root.spanId),
    [HEADER.TRACE_ID]: hexIdToDecimal(low),
    [HEADER.SAMPLING_PRIORITY]: String(root.samplingPriority),
  };
  // The extension reads the trace id and these tags only when it found no upstream context: our
  // generated trace, or one only our extraction found (a style set by option, not variable).
  if (high !== ZERO_HIGH_BITS) {
    const upstream = (root.state as UniversalState | undefined)?.upstream;
    const tags = formatDatadogTags(high, upstream ? upstream.propagationTags : { '_dd.p.dm': '-0' });
    if (tags) headers[HEADER.TAGS] = tags;
  }
  if (isFailure(outcome)) Object.assign(headers, errorHeaders(outcome.error));
  return headers;
}

function extensionEndpoint(config: DatadogConfig): ExtensionEndpoint {
  return { url: config.extensionUrl, timeoutMs: config.extensionTimeoutMs };
}
