/**
 * A Datadog trace context as read from a carrier (headers, message attributes, the
 * extension's start-invocation reply), in OTel's hex id form.
 */
export interface DatadogTraceContext {
  /** 32 lowercase hex chars; the high half is zero for 64-bit upstream ids. */
  readonly traceId: string;
  /** The upstream span id (16 hex chars), when the carrier had one. */
  readonly parentId?: string;
  /** Datadog sampling priority (-1 user reject, 0 auto reject, 1 auto keep, 2 user keep). */
  readonly samplingPriority?: number;
  /** `x-datadog-origin`, e.g. `lambda` or `synthetics`. */
  readonly origin?: string;
  /** `_dd.p.*` propagation tags other than `_dd.p.tid` (folded into `traceId`), e.g. `_dd.p.dm`. */
  readonly propagationTags: Readonly<Record<string, string>>;
}

/** Sampling decision for OTel: sampled unless the priority says drop. */
export function isSampled(priority: number | undefined): boolean {
  return priority === undefined || priority > 0;
}
