/** One span of the v0.4 trace intake, with the exact wire types the extension's decoder accepts. */
export interface DatadogSpan {
  service: string;
  name: string;
  resource: string;
  type?: string;
  /** uint64: the low 64 bits of the trace id. */
  trace_id: bigint;
  span_id: bigint;
  /** 0 for a root. */
  parent_id: bigint;
  /** Nanoseconds since the epoch. A JS number here would be float64 on the wire and rejected. */
  start: bigint;
  /** Nanoseconds; a float would silently become 0. */
  duration: bigint;
  error: 0 | 1;
  meta: Record<string, string>;
  metrics: Record<string, number>;
}

/** One trace chunk: the spans of a single trace id. */
export type DatadogTrace = DatadogSpan[];

/** Limits the Datadog tracers enforce (the extension does not truncate meta). */
export const LIMITS = {
  name: 100,
  service: 100,
  type: 100,
  resource: 5_000,
  metaKey: 200,
  metaValue: 25_000,
} as const;

/** Cuts `value` to `max` chars; free text gets a visible `...`, identifiers are just cut. */
export function truncate(value: string, max: number, ellipsis = true): string {
  if (value.length <= max) return value;
  return ellipsis ? `${value.slice(0, max - 3)}...` : value.slice(0, max);
}
