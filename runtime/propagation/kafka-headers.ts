import { isObject, MAX_CARRIER_LENGTH, num, type Obj } from './event-fields';
import { extractFromHeaders } from './headers';
import type { DatadogTraceContext } from '../tracing/trace-context';

/**
 * Trace headers on Kafka records (MSK and self-managed Kafka events): `records` maps
 * `<topic>-<partition>` to that partition's records, and record headers arrive as byte arrays
 * (`[49, 50]`, or an object keyed by index).
 */
export function mskRecords(event: Obj): Obj[] {
  return valuesOf(event.records).flatMap(valuesOf).filter(isObject);
}

/** The context of the first record that carries trace headers. */
export function mskEventContext(event: Obj): DatadogTraceContext | undefined {
  for (const record of mskRecords(event)) {
    const carrier = kafkaTraceHeaders(record.headers);
    if (carrier) return extractFromHeaders(carrier);
  }
  return undefined;
}

export function valuesOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
}

/** A record's Datadog and W3C headers, decoded from their bytes; undefined without a trace id. */
export function kafkaTraceHeaders(headers: unknown): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  for (const entry of valuesOf(headers)) {
    if (!isObject(entry)) continue;
    for (const key in entry) {
      const name = key.toLowerCase();
      if (!/^(x-datadog-|traceparent$|tracestate$)/.test(name)) continue;
      const text = bytesToText(entry[key]);
      if (text !== undefined) carrier[name] = text;
    }
  }
  return (carrier['x-datadog-trace-id'] ?? carrier.traceparent) ? carrier : undefined;
}

/** `[49, "50"]` or `{"0": "49", "1": "50"}` → `"12"`; undefined unless every element is a byte. */
function bytesToText(value: unknown): string | undefined {
  // Index-keyed objects list their integer keys in ascending order.
  const elements = valuesOf(value);
  if (elements.length > MAX_CARRIER_LENGTH) return undefined;
  const bytes = elements.map(num);
  return bytes.every((byte) => byte !== undefined && Number.isInteger(byte) && byte >= 0 && byte < 256) ? Buffer.from(bytes as number[]).toString() : undefined;
}
