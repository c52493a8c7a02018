import { context as otelContext, trace, TraceFlags, type Span, type Tracer } from '@opentelemetry/api';
import { datadogTraceState } from '../export/trace-state';
import { newSpanId } from '../tracing/ids';
import type { InvocationLifecycle, InvocationOutcome, LifecycleRoot } from '../invocation/lifecycle';
import { log } from '../log';
import { isSampled, type DatadogTraceContext } from '../tracing/trace-context';
import { getTracerProvider } from '../tracing/tracer-provider';
import { LIBRARY_VERSION } from '../version';
import { createColdStartSpan } from './cold-start-span';
import { completeFunctionSpan, createFunctionSpan, functionNameOf } from './function-span';
import { identifyTrigger, triggerEnvOf } from './identify-trigger';
import { extractSyntheticContext } from './synthetic-context';
import { createSyntheticSpans, endSyntheticSpans, type SyntheticSpans } from './synthetic-spans';
import { nowMs } from './time';
import type { Trigger } from './trigger';

/** What `complete` needs again. */
interface LocalState {
  readonly lambdaSpan: Span;
  readonly synthetic: SyntheticSpans;
  readonly trigger?: Trigger;
  readonly startMs: number;
}

export const TRACER_NAME = 'datadog-lambda-ts';

/**
 * Local ("extensionless") span mode, `DD_UNIVERSAL_INSTRUMENTATION=false`: no call to the
 * extension's lifecycle API. Per invocation the runtime itself builds, as OTel spans:
 * the inferred spans for the upstream service (children of the upstream context found in the
 * event), `aws.lambda` under the innermost of them, and on a cold start
 * `aws.lambda.cold_start`. The handler runs with `aws.lambda` active, so its spans are
 * children of it, and everything leaves through the same exporter (the extension's trace
 * intake, or stdout).
 */
export const localLifecycle: InvocationLifecycle = {
  name: 'local',

  start({ event, lambdaContext, config, requestId, startMs, coldStart }) {
    const tracer = localTracer();
    const base = otelContext.active();
    const trigger = identifyTrigger(event, triggerEnvOf(lambdaContext));
    const upstream = extractSyntheticContext(event, lambdaContext, trigger);
    const parent = upstream ? trace.setSpanContext(base, remoteParent(upstream.context)) : base;

    const synthetic = createSyntheticSpans(tracer, trigger?.spans ?? [], parent, { requestId, service: config.service, invocationStartMs: startMs });
    const lambdaSpan = createFunctionSpan(tracer, synthetic.context, { lambdaContext, config, requestId, coldStart, startMs, trigger, parentSource: upstream?.source });
    const handlerContext = trace.setSpan(base, lambdaSpan);
    // Under the innermost inferred span on a cold start (it precedes aws.lambda), as datadog-lambda-js places its load span.
    const coldStartParent = synthetic.spans.length > 0 ? synthetic.context : handlerContext;
    createColdStartSpan(tracer, coldStartParent, { coldStart, invocationStartMs: startMs, functionName: functionNameOf(lambdaContext), service: config.service, requestId });

    const { traceId, spanId } = lambdaSpan.spanContext();
    const state: LocalState = { lambdaSpan, synthetic, trigger, startMs };
    return Promise.resolve({
      traceId,
      spanId,
      samplingPriority: upstream?.context.samplingPriority ?? 1,
      context: handlerContext,
      generatedTraceId: upstream === undefined,
      extensionStarted: false,
      state,
    });
  },

  complete(root: LifecycleRoot, outcome: InvocationOutcome) {
    const state = root.state as LocalState | undefined;
    if (!state) return;
    try {
      const endMs = nowMs();
      const result = completeFunctionSpan(state.lambdaSpan, state.trigger, outcome, endMs);
      endSyntheticSpans(state.synthetic, { invocationStartMs: state.startMs, invocationEndMs: endMs, ...result });
    } catch (error) {
      log.debug('could not end the local spans', error);
    }
  },
};

/** The tracer of the provider flushed each invocation, else the global one. */
function localTracer(): Tracer {
  return (getTracerProvider() ?? trace.getTracerProvider()).getTracer(TRACER_NAME, LIBRARY_VERSION);
}

/**
 * The upstream span as a remote parent. A carrier without a parent id (a trace id alone)
 * still continues that trace: the parent id then names no span and Datadog shows our
 * outermost span as the trace's root.
 */
function remoteParent(upstream: DatadogTraceContext): Parameters<typeof trace.setSpanContext>[1] {
  const priority = upstream.samplingPriority ?? 1;
  return {
    traceId: upstream.traceId,
    spanId: upstream.parentId ?? newSpanId(),
    isRemote: true,
    traceFlags: isSampled(upstream.samplingPriority) ? TraceFlags.SAMPLED : TraceFlags.NONE,
    traceState: datadogTraceState(priority, upstream.propagationTags),
  };
}
