import { isObject, num, str, type Obj } from '../../propagation/event-fields';
import { kafkaTraceHeaders, mskRecords, valuesOf } from '../../propagation/kafka-headers';
import { extractFromHeaders } from '../../propagation/headers';
import { asyncSpan, compactTags, type Trigger } from '../trigger';

/**
 * Amazon MSK (and self-managed Kafka) events (`propagation/kafka-headers.ts` reads them). As
 * the extension does, the span describes the first record that carries trace headers (else
 * the first record), and its headers are the carrier.
 */
export function isMskEvent(event: Obj): boolean {
  const first = valuesOf(valuesOf(event.records)[0])[0];
  return isObject(first) && 'topic' in first;
}

export function mskTrigger(event: Obj): Trigger {
  const arn = str(event.eventSourceArn);
  const records = mskRecords(event);
  let carrier: Record<string, string> | undefined;
  const record = records.find((candidate) => (carrier = kafkaTraceHeaders(candidate.headers))) ?? records[0] ?? {};
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
