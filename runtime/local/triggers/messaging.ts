import { kinesisCarrier, MAX_ENVELOPE_LENGTH, snsAttributeCarrier, sqsAttributeCarrier } from '../../propagation/event-context';
import { isObject, isoToMs, num, parseJson, str, type Obj } from '../../propagation/event-fields';
import { extractFromHeaders } from '../../propagation/headers';
import { extractStepFunctionsContext } from '../../propagation/step-functions';
import { datadogContextFromXrayHeader } from '../../propagation/xray';
import type { DatadogTraceContext } from '../../tracing/trace-context';
import { asyncSpan, compactTags, lastSegment, type InferredSpanSpec, type Trigger } from '../trigger';

/**
 * Messaging triggers: SQS (with SNS→SQS and EventBridge→SQS envelopes), SNS, EventBridge and
 * Kinesis. Only the first record of a batch is read, as every Datadog library does.
 */
export function sqsTrigger(record: Obj): Trigger {
  const queueArn = str(record.eventSourceARN);
  const queueName = lastSegment(queueArn) ?? 'sqs';
  const attributes = isObject(record.attributes) ? record.attributes : {};
  // The extension's names (datadog-lambda-js says `event_source_arn`); the same tags go on aws.lambda.
  const sqsTags = compactTags({
    retry_count: str(attributes.ApproximateReceiveCount),
    sender_id: str(attributes.SenderId),
    source_arn: queueArn,
    aws_region: str(record.awsRegion),
  });
  const sqs = asyncSpan({
    source: 'sqs',
    resource: queueName,
    specific: queueName,
    startMs: num(attributes.SentTimestamp),
    tags: { ...compactTags({ queuename: queueName, receipt_handle: str(record.receiptHandle) }), ...sqsTags },
  });
  const envelope = wrappedEvent(record.body);
  // The extension's order: the message's own `_datadog`, the envelope's, then a Datadog-padded AWSTraceHeader.
  const attributeContext = carrierContext(sqsAttributeCarrier(record));
  const xrayContext = () => datadogContextFromXrayHeader(attributes.AWSTraceHeader);
  const trigger = (spans: InferredSpanSpec[]) => ({ ...messagingTrigger('sqs', queueArn, spans), tags: sqsTags });
  if (envelope?.kind === 'sns') {
    // The SNS hop ends where SQS took the message over.
    return { ...trigger([wrapping(snsSpec(envelope.body), sqs), sqs]), context: attributeContext ?? carrierContext(snsAttributeCarrier(envelope.body)) ?? xrayContext() };
  }
  if (envelope?.kind === 'eventbridge') {
    const eventBridge = eventBridgeSpec(envelope.body);
    return { ...trigger([wrapping(eventBridge.spec, sqs), sqs]), context: attributeContext ?? eventBridge.context ?? xrayContext() };
  }
  return { ...trigger([sqs]), context: attributeContext ?? xrayContext() };
}

/** An SNS record; an EventBridge event published to the topic becomes the outer span. */
export function snsTrigger(record: Obj): Trigger {
  const sns = isObject(record.Sns) ? record.Sns : {};
  const spec = snsSpec(sns, str(record.EventSubscriptionArn));
  const own = carrierContext(snsAttributeCarrier(sns));
  const inner = wrappedEvent(sns.Message);
  const eventBridge = inner?.kind === 'eventbridge' ? inner.body : undefined;
  if (!eventBridge) return { ...messagingTrigger('sns', str(sns.TopicArn), [spec]), context: own };
  const wrapped = eventBridgeSpec(eventBridge);
  return { ...messagingTrigger('sns', str(sns.TopicArn), [wrapping(wrapped.spec, spec), spec]), context: own ?? wrapped.context };
}

/** The outer span of a wrapped event: its peer is the inner span's service, as the extension tags it. */
function wrapping(outer: InferredSpanSpec, inner: InferredSpanSpec): InferredSpanSpec {
  return { ...outer, tags: { ...outer.tags, 'peer.service': inner.service } };
}

/** An EventBridge event (not a scheduled `aws.events` one). */
export function eventBridgeTrigger(event: Obj): Trigger {
  const { spec, context } = eventBridgeSpec(event);
  return { ...messagingTrigger('eventbridge', str(event.source), [spec]), context };
}

export function kinesisTrigger(record: Obj): Trigger {
  const kinesis = isObject(record.kinesis) ? record.kinesis : {};
  const streamArn = str(record.eventSourceARN);
  const streamName = lastSegment(streamArn, '/') ?? 'kinesis';
  const eventId = str(record.eventID);
  const arrival = num(kinesis.approximateArrivalTimestamp);
  const spec = asyncSpan({
    source: 'kinesis',
    resource: streamName,
    specific: streamName,
    startMs: arrival === undefined ? undefined : arrival * 1000,
    tags: compactTags({
      stream_name: streamName,
      shard_id: eventId?.split(':')[0],
      partition_key: str(kinesis.partitionKey),
      event_id: eventId,
      event_name: str(record.eventName),
      event_source_arn: streamArn,
      event_version: str(record.eventVersion),
    }),
  });
  return { ...messagingTrigger('kinesis', streamArn, [spec]), context: carrierContext(kinesisCarrier(kinesis)) };
}

function messagingTrigger(eventSource: 'sqs' | 'sns' | 'eventbridge' | 'kinesis', arn: string | undefined, spans: InferredSpanSpec[]): Trigger {
  return { eventSource, eventSourceArn: arn, tags: {}, http: false, spans };
}

function snsSpec(sns: Obj, subscriptionArn?: string): InferredSpanSpec {
  const topicArn = str(sns.TopicArn);
  const topicName = lastSegment(topicArn) ?? 'sns';
  // An empty subject is still a subject (the extension keeps it); a null one is none.
  const subject: Record<string, string> = typeof sns.Subject === 'string' ? { subject: sns.Subject } : {};
  return asyncSpan({
    source: 'sns',
    resource: topicName,
    specific: topicName,
    startMs: isoToMs(sns.Timestamp),
    tags: {
      ...compactTags({ topicname: topicName, topic_arn: topicArn, message_id: str(sns.MessageId), type: str(sns.Type), event_subscription_arn: subscriptionArn }),
      ...subject,
    },
  });
}

function eventBridgeSpec(event: Obj): { spec: InferredSpanSpec; context?: DatadogTraceContext } {
  const carrier = isObject(event.detail) && isObject(event.detail._datadog) ? event.detail._datadog : undefined;
  const source = str(event.source) ?? 'eventbridge';
  // Producers may name the bus and give the millisecond send time; `time` has second precision.
  const resource = str(carrier?.['x-datadog-resource-name']) ?? source;
  const startMs = num(carrier?.['x-datadog-start-time']) ?? isoToMs(event.time);
  const spec = asyncSpan({
    source: 'eventbridge',
    resource,
    specific: resource,
    startMs,
    tags: compactTags({ detail_type: str(event['detail-type']), source }),
  });
  return { spec, context: carrierContext(carrier) };
}

type Envelope = { kind: 'sns'; body: Obj } | { kind: 'eventbridge'; body: Obj };

/**
 * An SNS notification or EventBridge event delivered inside an SQS body or an SNS message. The
 * text is parsed only when it looks like one (a cheap substring test first), and only up to
 * SQS's size limit.
 */
function wrappedEvent(body: unknown): Envelope | undefined {
  if (typeof body !== 'string' || body.length > MAX_ENVELOPE_LENGTH || body[0] !== '{') return undefined;
  const maybeSns = body.includes('"TopicArn"');
  if (!maybeSns && !body.includes('"detail-type"')) return undefined;
  const parsed = parseJson(body, MAX_ENVELOPE_LENGTH);
  if (!isObject(parsed)) return undefined;
  if (maybeSns && parsed.Type === 'Notification' && str(parsed.TopicArn)) return { kind: 'sns', body: parsed };
  if (str(parsed['detail-type']) && isObject(parsed.detail)) return { kind: 'eventbridge', body: parsed };
  return undefined;
}

/** A `_datadog` map: Datadog or W3C headers, else a Step Functions context (Step Functions → SQS/SNS/EventBridge). */
function carrierContext(carrier: Obj | undefined): DatadogTraceContext | undefined {
  if (!carrier) return undefined;
  return extractFromHeaders(carrier) ?? extractStepFunctionsContext(carrier)?.context;
}
