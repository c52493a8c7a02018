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
  const first = firstOf(firstOf(event.records));
  return isObject(first) && 'topic' in first;
}

export function mskTrigger(event: Obj): Trigger {
  const arn = str(event.eventSourceArn);
  // arn:aws:kafka:<region>:<account>:cluster/<cluster name>/<uuid>
  const cluster = arn?.split('/')[1] || 'msk';
  const record = recordWithTraceHeaders(event.records) ?? firstOf(firstOf(event.records));
  const kafka = isObject(record) ? record : {};
  const topic = str(kafka.topic) ?? 'msk';
  const partition = num(kafka.partition);
  const spec = asyncSpan({
    name: 'aws.msk',
    resource: topic,
    specific: cluster,
    mappingKey: 'lambda_msk',
    genericService: 'msk',
    startMs: num(kafka.timestamp),
    tags: compactTags({ topic, partition: partition === undefined ? undefined : String(partition), event_source: str(event.eventSource), event_source_arn: arn }),
  });
  return { eventSource: 'msk', eventSourceArn: arn, tags: {}, http: false, spans: [spec], context: extractFromHeaders(headerCarrier(kafka.headers)) };
}

/** The first value of an array, or of an object's values. */
function firstOf(value: unknown): unknown {
  if (Array.isArray(value)) return value[0];
  if (!isObject(value)) return undefined;
  for (const key in value) return value[key];
  return undefined;
}

function valuesOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
}

const TRACE_HEADER = /^(x-datadog-|traceparent$|tracestate$)/i;

function recordWithTraceHeaders(records: unknown): Obj | undefined {
  for (const group of valuesOf(records)) {
    for (const record of valuesOf(group)) {
      if (isObject(record) && valuesOf(record.headers).some((entry) => isObject(entry) && Object.keys(entry).some((key) => /^(x-datadog-trace-id|traceparent)$/i.test(key)))) return record;
    }
  }
  return undefined;
}

/** The trace headers of a Kafka record, decoded from their bytes; other headers are left alone. */
function headerCarrier(headers: unknown): Record<string, string> {
  const carrier: Record<string, string> = {};
  for (const entry of valuesOf(headers)) {
    if (!isObject(entry)) continue;
    for (const key in entry) {
      if (!TRACE_HEADER.test(key)) continue;
      const text = bytesToText(entry[key]);
      if (text !== undefined) carrier[key.toLowerCase()] = text;
    }
  }
  return carrier;
}

/** `[49, "50"]` or `{"0": "49", "1": "50"}` → `"12"`; undefined unless every element is a byte. */
function bytesToText(value: unknown): string | undefined {
  const elements = Array.isArray(value)
    ? value
    : isObject(value)
      ? Object.keys(value)
          .sort((a, b) => Number(a) - Number(b))
          .map((key) => value[key])
      : undefined;
  if (!elements || elements.length > MAX_CARRIER_LENGTH) return undefined;
  const bytes: number[] = [];
  for (const element of elements) {
    const byte = num(element);
    if (byte === undefined || !Number.isInteger(byte) || byte < 0 || byte > 255) return undefined;
    bytes.push(byte);
  }
  return Buffer.from(bytes).toString('utf8');
}
