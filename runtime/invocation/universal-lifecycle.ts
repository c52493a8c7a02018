import { context as otelContext, trace, TraceFlags } from '@opentelemetry/api';
import type { DatadogConfig } from '../config';
import { endInvocation, isRouteAvailable, REQUEST_ID_HEADER, startInvocation, type ExtensionEndpoint, type StartInvocationResult } from '../extension/client';
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

/**
 * Universal instrumentation: the extension extracts the upstream context at
 * start-invocation and builds `aws.lambda` with the span id S we send at end-invocation.
 * Our spans hang under a non-recording remote parent S.
 *
 * One awaited round trip per invocation: start-invocation is written and not waited for; the
 * handler runs in the context our own copy of the extension's extraction finds
 * (`extensionContextOf`). At the end, end-invocation is written first, then start's answer
 * (long arrived) is checked against that context: where the extension named another trace,
 * the spans are exported with its trace id and priority, so they still join `aws.lambda`.
 * Only propagation headers and log ids written during the handler would then carry ours.
 *
 * Without the extension (or while it is backing off) the same root is built from ids of our
 * own and no call is made.
 */
export const universalLifecycle: InvocationLifecycle = {
  name: 'universal',
  startsWithoutProvider: true,

  start({ event, config, requestId }) {
    const endpoint = extensionEndpoint(config);
    const useExtension = isExtensionInstalled(config.extensionPath) && isRouteAvailable(endpoint, 'start-invocation');
    const answer = useExtension ? startInvocation(endpoint, requestId, eventBody(event)) : undefined;
    // end-invocation goes out before start's answer is read: a second connection, opened now.
    if (answer) preconnect(`${endpoint.url}/lambda/end-invocation`);
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
    const state: UniversalState = { answer, upstream };
    void answer?.then((result) => (state.answered = result.answered));
    return Promise.resolve({ traceId, spanId, samplingPriority, context, generatedTraceId: upstream === undefined, extensionStarted: answer !== undefined, state });
  },

  async report(root, outcome) {
    // A start already known to have failed leaves nothing for end-invocation to close; one still
    // in flight may yet be handled, and the extension pairs the two by request id in any order.
    if (!root.extensionStarted || (root.state as UniversalState | undefined)?.answered === false) return;
    const endpoint = extensionEndpoint(root.config);
    // end-invocation has a health of its own: while it backs off, skip it rather than pay its deadline again.
    if (!isRouteAvailable(endpoint, 'end-invocation')) return;
    const body = isFailure(outcome) ? '{}' : resultBody(outcome.result);
    await endInvocation(endpoint, endInvocationHeaders(root, outcome), body);
  },

  async beforeFlush(root) {
    const state = root.state as UniversalState | undefined;
    if (!state?.answer) return;
    const answer = await state.answer;
    if (answer.answered) checkAnswer(root, state.upstream, answer.context);
  },
};

/** What the end of the invocation needs of its start. */
interface UniversalState {
  /** start-invocation's answer, when it was sent. */
  readonly answer?: Promise<StartInvocationResult>;
  /** Set once that answer is in: whether the extension took the start. */
  answered?: boolean;
  /** The context the handler ran in, from our copy of the extension's extraction. */
  readonly upstream?: DatadogTraceContext;
}

/**
 * Where the extension extracted another trace (or priority) than ours, exported spans take
 * its. Where it extracted nothing, it adopts the trace id end-invocation sends: nothing to do.
 */
function checkAnswer(root: LifecycleRoot, ours: DatadogTraceContext | undefined, theirs: DatadogTraceContext | undefined): void {
  const priority = theirs?.samplingPriority;
  if (!theirs || (ours?.traceId === theirs.traceId && (priority === undefined || priority === root.samplingPriority))) return;
  log.debug('the extension found another trace context; spans take its ids', theirs);
  correctTrace(root.traceId, { traceId: theirs.traceId, samplingPriority: priority });
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
