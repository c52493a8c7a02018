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

/**
 * `json` (an EventBridge `Detail`, a Step Functions `input`) with `"_datadog": carrier` added
 * as the last key of the object, where dd-trace puts it. The user's bytes are kept as written
 * (no re-serialisation, so no precision loss on large numbers). Undefined when the text is not
 * a JSON object or already has a `_datadog` key.
 */
export function spliceCarrier(json: unknown, carrier: Readonly<Record<string, string>>): string | undefined {
  const text = typeof json === 'string' ? json.trimEnd() : '';
  if (!text.endsWith('}')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || CARRIER_KEY in parsed) return undefined;
  const separator = Object.keys(parsed).length > 0 ? ',' : '';
  return `${text.slice(0, -1)}${separator}"${CARRIER_KEY}":${JSON.stringify(carrier)}}`;
}
