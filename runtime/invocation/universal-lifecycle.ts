import { context as otelContext, trace, TraceFlags } from '@opentelemetry/api';
import type { DatadogConfig } from '../config';
import { endInvocation, isRouteAvailable, REQUEST_ID_HEADER, startInvocation, type ExtensionEndpoint } from '../extension/client';
import { isExtensionInstalled } from '../extension/presence';
import { datadogTraceState } from '../export/trace-state';
import { hexIdToDecimal, newSpanId, newTraceId, splitTraceId, ZERO_HIGH_BITS } from '../tracing/ids';
import { isFailure, type InvocationLifecycle, type InvocationOutcome, type LifecycleRoot } from './lifecycle';
import { errorHeaders, eventBody, resultBody } from './payload';
import { formatDatadogTags } from '../propagation/datadog-tags';
import { HEADER } from '../propagation/headers';
import { isSampled } from '../tracing/trace-context';

/**
 * Universal instrumentation: the extension extracts the upstream context at
 * start-invocation and builds `aws.lambda` with the span id S we send at end-invocation.
 * Our spans hang under a non-recording remote parent S.
 *
 * Without the extension (or while it is backing off) the same root is built from ids of our
 * own and no call is made.
 */
export const universalLifecycle: InvocationLifecycle = {
  name: 'universal',
  startsWithoutProvider: true,

  async start({ event, config, requestId }) {
    const endpoint = extensionEndpoint(config);
    const useExtension = isExtensionInstalled(config.extensionPath) && isRouteAvailable(endpoint, 'start-invocation');
    const started = useExtension ? await startInvocation(endpoint, requestId, eventBody(event)) : undefined;
    const upstream = started?.context;
    // Only a start that was answered makes end-invocation due.
    const extensionStarted = started?.answered ?? false;

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
    return { traceId, spanId, samplingPriority, context, generatedTraceId: upstream === undefined, extensionStarted };
  },

  async report(root, outcome) {
    if (!root.extensionStarted) return;
    const endpoint = extensionEndpoint(root.config);
    // end-invocation has a health of its own: while it backs off, skip it rather than pay its deadline again.
    if (!isRouteAvailable(endpoint, 'end-invocation')) return;
    const body = isFailure(outcome) ? '{}' : resultBody(outcome.result);
    await endInvocation(endpoint, endInvocationHeaders(root, outcome), body);
  },
};

/** Headers of end-invocation: S, the trace, the sampling decision and, on failure, the error. */
export function endInvocationHeaders(root: LifecycleRoot, outcome: InvocationOutcome): Record<string, string> {
  const { high, low } = splitTraceId(root.traceId);
  const headers: Record<string, string> = {
    [REQUEST_ID_HEADER]: root.requestId,
    'x-datadog-span-id': hexIdToDecimal(root.spanId),
    [HEADER.TRACE_ID]: hexIdToDecimal(low),
    [HEADER.SAMPLING_PRIORITY]: String(root.samplingPriority),
  };
  // The extension reads these only when it found no upstream context: exactly our generated case.
  // No x-datadog-parent-id: we have no upstream parent, and the trace id is never one.
  if (root.generatedTraceId && high !== ZERO_HIGH_BITS) {
    const tags = formatDatadogTags(high, { '_dd.p.dm': '-0' });
    if (tags) headers[HEADER.TAGS] = tags;
  }
  if (isFailure(outcome)) Object.assign(headers, errorHeaders(outcome.error));
  return headers;
}

function extensionEndpoint(config: DatadogConfig): ExtensionEndpoint {
  return { url: config.extensionUrl, timeoutMs: config.extensionTimeoutMs };
}
