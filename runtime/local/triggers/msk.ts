import { isObject, MAX_CARRIER_LENGTH, num, str, type Obj } from '../../propagation/event-fields';
import { extractFromHeaders } from '../../propagation/headers';
import { asyncSpan, compactTags, type Trigger } from '../trigger';

/**
 * Amazon MSK (and self-managed Kafka): `records` maps `<topic>-<partition>` to the records
 * of that partition. Kafka record headers arrive as byte arrays (`[49, 50]`, or an object
 * keyed by index). As the extension does, the span describes the first record that carries
 * trace headers (else the first record), and its headers are the carrier.
 */
export function isMskEvent(event: Obj): boolean {
  const first = valuesOf(valuesOf(event.records)[0])[0];
  return isObject(first) && 'topic' in first;
}

export function mskTrigger(event: Obj): Trigger {
  const arn = str(event.eventSourceArn);
  const records = valuesOf(event.records).flatMap(valuesOf).filter(isObject);
  let carrier: Record<string, string> | undefined;
  const record = records.find((candidate) => (carrier = traceHeaders(candidate.headers))) ?? records[0] ?? {};
  const topic = str(record.topic) ?? 'msk';
  // arn:aws:kafka:<region>:<account>:cluster/<cluster name>/<uuid>
  const cluster = arn?.split('/')[1] || 'msk';
  const spec = asyncSpan({
    source: 'msk',
    resource: topic,
    specific: cluster,
    startMs: num(record.timestamp),
    tags: compactTags({ topic, partition: num(record.partition)?.toString(), event_source: str(event.eventSource), event_source_arn: arn }),
  });
  return { eventSource: 'msk', eventSourceArn: arn, tags: {}, http: false, spans: [spec], context: extractFromHeaders(carrier) };
}

function valuesOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
}

/** A record's Datadog and W3C headers, decoded from their bytes; undefined without a trace id. */
function traceHeaders(headers: unknown): Record<string, string> | undefined {
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
