import { TraceFlags, type SpanContext, type TraceState } from '@opentelemetry/api';
import { injectHeaders, type PropagationStyle } from '../propagation/headers';
import { formatDdMember, parseDdMember } from '../propagation/tracestate-dd';
import { MemberTraceState } from '../tracing/member-trace-state';

/**
 * The Datadog sampling decision travels with the OTel span context in the W3C `tracestate`
 * `dd` member (`s:<priority>;t.dm:-0`), so every child span inherits it and the exporter can
 * write the exact priority the extension decided, not just the sampled bit.
 */
export interface DatadogTraceStateFields {
  readonly samplingPriority?: number;
  /** `_dd.p.*` tags, e.g. `{ '_dd.p.dm': '-0' }`. */
  readonly propagationTags: Readonly<Record<string, string>>;
}

export function datadogTraceState(samplingPriority: number, propagationTags: Readonly<Record<string, string>>): TraceState {
  return new MemberTraceState(new Map([['dd', formatDdMember({ samplingPriority, propagationTags })]]));
}

export function readDatadogTraceState(traceState: TraceState | undefined): DatadogTraceStateFields {
  const { samplingPriority, propagationTags } = parseDdMember(traceState?.get('dd'));
  return { samplingPriority, propagationTags };
}

/** The span's Datadog priority: the one its trace carries, else 1 or 0 from the sampled bit. */
export function samplingPriorityOf(spanContext: SpanContext): number {
  return readDatadogTraceState(spanContext.traceState).samplingPriority ?? (spanContext.traceFlags & TraceFlags.SAMPLED ? 1 : 0);
}

/**
 * The headers that make `spanContext` the parent of the receiver's spans, with the trace's
 * sampling priority and `_dd.p.*` tags (from its tracestate `dd` member), limited to `styles`.
 */
export function spanHeaders(spanContext: SpanContext, styles?: readonly PropagationStyle[]): Record<string, string> {
  const { propagationTags } = readDatadogTraceState(spanContext.traceState);
  return injectHeaders({ traceId: spanContext.traceId, spanId: spanContext.spanId, samplingPriority: samplingPriorityOf(spanContext), propagationTags }, styles);
}
