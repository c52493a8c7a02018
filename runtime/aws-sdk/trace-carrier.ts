import { isSpanContextValid, type SpanContext } from '@opentelemetry/api';
import { spanHeaders } from '../export/trace-state';

/** The message attribute (and EventBridge detail key) Datadog consumers read. */
export const CARRIER_KEY = '_datadog';

/**
 * The `_datadog` carrier for a span: Datadog and W3C headers naming the span as the parent,
 * with the trace's sampling priority and `_dd.p.*` tags, which ride in its tracestate `dd`
 * member. Undefined for an invalid context (no tracing at all): nothing worth sending.
 */
export function carrierFor(spanContext: SpanContext): Record<string, string> | undefined {
  if (!isSpanContextValid(spanContext)) return undefined;
  return spanHeaders(spanContext);
}
