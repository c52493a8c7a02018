import { context as otelContext, createContextKey, type Context } from '@opentelemetry/api';
import type { LambdaContext } from '../lambda-types';
import { takeColdStart } from './cold-start';
import { processConfig, type DatadogConfig } from '../config';
import { nowMs } from '../local/time';
import { participants } from './participants';
import type { InvocationLifecycle, InvocationOutcome, LifecycleRoot } from './lifecycle';
import { log } from '../log';
import { ensureTracerProvider, type BoundedFlush } from '../tracing/tracer-provider';
import { localLifecycle } from '../local/local-lifecycle';
import { universalLifecycle } from './universal-lifecycle';
import { setExtractStyles } from '../propagation/headers';

export type { InvocationOutcome } from './lifecycle';

/**
 * The invocation's root: the span id under which the handler's spans belong (in universal
 * mode, S: the id the extension's `aws.lambda` span takes) and the OTel context to run in.
 */
export interface RootSpan extends LifecycleRoot {
  /** 32 hex chars: the upstream trace id, or one we generated. */
  readonly traceId: string;
  /** 16 hex chars: the parent of the handler's spans. */
  readonly spanId: string;
  readonly samplingPriority: number;
  /** `context.awsRequestId`. */
  readonly requestId: string;
  /** Run the handler with this context active (`context.with(root.context, …)`). */
  readonly context: Context;
  /**
   * True when start-invocation goes to the extension, so end-invocation is due. It is written
   * at the next turn of the event loop, or with end-invocation when the handler ends first.
   * The handler does not wait for its answer: the root is built from the same extraction the
   * extension runs, and the answer is checked when it arrives.
   */
  readonly extensionStarted: boolean;
  /** True when no upstream context was found and the trace id is ours. */
  readonly generatedTraceId: boolean;
  /** False when tracing is disabled or could not start; then `endRootSpan` only flushes buffered metrics. */
  readonly enabled: boolean;
  /** @internal */
  readonly lifecycle?: InvocationLifecycle;
  /** @internal flushes the tracer provider within a budget (ms). */
  readonly flush: BoundedFlush;
}

const ROOT_SPAN_KEY = createContextKey('datadog-lambda-ts.root-span');

/** The root of the invocation running in the current async context, if any. */
export function currentRootSpan(ctx: Context = otelContext.active()): RootSpan | undefined {
  return ctx.getValue(ROOT_SPAN_KEY) as RootSpan | undefined;
}

/** The span mode selected by `DD_UNIVERSAL_INSTRUMENTATION`. */
function selectLifecycle(config: DatadogConfig): InvocationLifecycle {
  return config.universalInstrumentation === false ? localLifecycle : universalLifecycle;
}

/**
 * Starts the invocation and returns the root under which the handler's spans belong. In
 * universal mode this sends start-invocation without waiting for its answer: the root takes
 * the upstream context from the same extraction the extension runs, and `endRootSpan`
 * checks the answer. Never rejects: on any failure the trace continues with ids of our own,
 * or the invocation runs untraced.
 *
 * @example
 * const root = await createRootSpan(event, context);
 * try {
 *   const result = await otelContext.with(root.context, () => handle(event));
 *   await endRootSpan(root, { result });
 *   return result;
 * } catch (error) {
 *   await endRootSpan(root, { error });
 *   throw error;
 * }
 */
export async function createRootSpan(
  event: unknown,
  lambdaContext: Partial<LambdaContext> | undefined,
  config: DatadogConfig = processConfig(),
): Promise<RootSpan> {
  const requestId = typeof lambdaContext?.awsRequestId === 'string' ? lambdaContext.awsRequestId : '';
  if (!config.traceEnabled) return disabledRoot(requestId, config);
  try {
    // The event's carriers are read in the styles the extension reads them in.
    setExtractStyles(config.propagationStyleExtract);
    const lifecycle = selectLifecycle(config);
    const startMs = nowMs();
    const coldStart = takeColdStart(startMs);
    // Local mode makes its spans in `start`, so the provider is ready first. Universal mode
    // writes nothing there (start-invocation waits for the next loop turn or for end), so
    // the order costs it nothing.
    const flush = providerFlush(config);
    const started = await lifecycle.start({ event, lambdaContext, config, requestId, startMs, coldStart });
    const root: { -readonly [K in keyof RootSpan]: RootSpan[K] } = {
      ...started,
      requestId,
      config,
      coldStart: coldStart.coldStart,
      enabled: true,
      lifecycle,
      flush,
    };
    // The context carries the root itself, so currentRootSpan() and the participants see one object.
    root.context = started.context.setValue(ROOT_SPAN_KEY, root);
    for (const participant of participants) participant.onStart?.(root, event, lambdaContext);
    return root;
  } catch (error) {
    log.debug('could not start the invocation; running untraced', error);
    return disabledRoot(requestId, config);
  }
}

/**
 * Ends the invocation: the lifecycle's report (end-invocation, with the error headers when
 * the handler threw), the span flush and the participants run together, and all finish
 * before this resolves: the extension sends `aws.lambda` when the runtime reports the
 * invocation done. Never rejects.
 */
export async function endRootSpan(root: RootSpan, outcome: InvocationOutcome): Promise<void> {
  try {
    const pending: Array<Promise<void>> = [];
    // Untraced invocations still flush what participants buffered (custom metrics, for one).
    if (root.enabled) {
      root.lifecycle?.complete?.(root, outcome);
      // The report (end-invocation) goes out first: it is small and the extension waits on it,
      // while the flush first maps and encodes the spans.
      if (root.lifecycle?.report) pending.push(root.lifecycle.report(root, outcome));
      pending.push(flushAfter(root.lifecycle?.beforeFlush?.(root), root));
    }
    for (const participant of participants) if (participant.onEnd) pending.push(Promise.resolve(participant.onEnd(root, outcome)));
    await Promise.all(pending);
  } catch (error) {
    log.debug('could not end the invocation cleanly', error);
  }
}

/**
 * The registered provider's flush. A provider that cannot be built leaves the invocation
 * traced by the extension (its start is already sent, so its end is due) with nothing to flush.
 */
function providerFlush(config: DatadogConfig): BoundedFlush {
  try {
    return ensureTracerProvider(config);
  } catch (error) {
    log.debug('could not set up the tracer provider; no spans will be flushed', error);
    return () => Promise.resolve();
  }
}

/** The flush, once the lifecycle's pre-flush step (if any) is done. */
async function flushAfter(step: Promise<void> | undefined, root: RootSpan): Promise<void> {
  if (step) await step;
  await safeFlush(root);
}

/** Flushes the provider within `flushTimeoutMs`; a failure is logged, never thrown. */
async function safeFlush(root: RootSpan): Promise<void> {
  try {
    await root.flush(root.config.flushTimeoutMs);
  } catch (error) {
    log.debug('tracer provider flush failed', error);
  }
}

function disabledRoot(requestId: string, config: DatadogConfig): RootSpan {
  return {
    traceId: '',
    spanId: '',
    samplingPriority: 0,
    requestId,
    context: otelContext.active(),
    extensionStarted: false,
    generatedTraceId: false,
    coldStart: false,
    enabled: false,
    config,
    flush: () => Promise.resolve(),
  };
}
