import type { DatadogTraceContext } from '../tracing/trace-context';
import { decodeBase64, firstRecord, isObject, MAX_CARRIER_LENGTH, parseJson, type Obj } from './event-fields';
import { extractFromHeaders } from './headers';

/**
 * Finds the upstream trace context carried by a Lambda event, in the extension's order:
 * the trigger's own carrier (SQS/SNS/EventBridge/Kinesis `_datadog`, HTTP headers), then
 * `event.request.headers`, then `event.headers`. Never throws: malformed carriers yield nothing.
 */
export function extractEventContext(event: unknown): DatadogTraceContext | undefined {
  try {
    if (!isObject(event)) return undefined;
    return (
      extractFromRecords(event) ??
      extractFromEventBridge(event) ??
      extractFromHeaders(isObject(event.request) ? event.request.headers : undefined) ??
      extractFromHeaders(event.headers)
    );
  } catch {
    return undefined;
  }
}

function extractFromRecords(event: Obj): DatadogTraceContext | undefined {
  const record = firstRecord(event);
  if (!record) return undefined;
  if (record.eventSource === 'aws:sqs') return extractFromSqsRecord(record);
  if (isObject(record.Sns)) return extractFromSnsMessage(record.Sns);
  if (record.eventSource === 'aws:kinesis' && isObject(record.kinesis)) return extractFromKinesis(record.kinesis);
  return undefined;
}

/** An SQS record: its `_datadog` attribute, else an SNS or EventBridge envelope in the body. */
export function extractFromSqsRecord(record: Obj): DatadogTraceContext | undefined {
  const own = sqsAttributeCarrier(record);
  if (own) return extractFromHeaders(own);
  const body = parseJson(record.body, MAX_ENVELOPE_LENGTH);
  if (isObject(body)) {
    if (body.Type === 'Notification' && isObject(body.MessageAttributes)) return extractFromSnsMessage(body);
    if (isObject(body.detail)) return extractFromEventBridge(body);
  }
  return undefined;
}

/** An SNS message (`Records[i].Sns`, or an SNS envelope delivered through SQS). */
function extractFromSnsMessage(sns: Obj): DatadogTraceContext | undefined {
  const carrier = snsAttributeCarrier(sns);
  if (carrier) return extractFromHeaders(carrier);
  const message = parseJson(sns.Message, MAX_ENVELOPE_LENGTH);
  return isObject(message) ? extractFromEventBridge(message) : undefined;
}

function extractFromEventBridge(event: Obj): DatadogTraceContext | undefined {
  if (!isObject(event.detail) || typeof event['detail-type'] !== 'string') return undefined;
  return extractFromHeaders(event.detail._datadog);
}

function extractFromKinesis(kinesis: Obj): DatadogTraceContext | undefined {
  return extractFromHeaders(kinesisCarrier(kinesis));
}

/**
 * The `_datadog` map of an SQS record's message attributes: `String` → JSON text, `Binary`
 * (SNS raw delivery) → base64 JSON. Undefined when absent or malformed.
 */
export function sqsAttributeCarrier(record: Obj): Obj | undefined {
  const attribute = isObject(record.messageAttributes) ? record.messageAttributes._datadog : undefined;
  if (!isObject(attribute)) return undefined;
  const dataType = typeof attribute.dataType === 'string' ? attribute.dataType : '';
  if (dataType.startsWith('String')) return carrierObject(attribute.stringValue);
  if (dataType.startsWith('Binary')) return carrierObject(decodeBase64(attribute.binaryValue));
  return undefined;
}

/** The `_datadog` map of an SNS message: `Type: String` → JSON, `Type: Binary` → base64 JSON. */
export function snsAttributeCarrier(sns: Obj): Obj | undefined {
  const attribute = isObject(sns.MessageAttributes) ? sns.MessageAttributes._datadog : undefined;
  if (!isObject(attribute)) return undefined;
  if (attribute.Type === 'String') return carrierObject(attribute.Value);
  if (attribute.Type === 'Binary') return carrierObject(decodeBase64(attribute.Value));
  return undefined;
}

/** SQS bodies and SNS messages are at most 1 MiB (plus the envelope's JSON escaping). */
export const MAX_ENVELOPE_LENGTH = 1_200_000;

// Kinesis records are at most 1 MiB (about 1.4 MB as base64); the carrier lives inside the data.
const MAX_KINESIS_DATA_LENGTH = 1_500_000;

/** The `_datadog` map inside a Kinesis record's base64 JSON data, decoded only when it is there. */
export function kinesisCarrier(kinesis: Obj): Obj | undefined {
  const text = decodeBase64(kinesis.data, MAX_KINESIS_DATA_LENGTH);
  if (!text || !text.includes('"_datadog"')) return undefined;
  const data = parseJson(text, MAX_KINESIS_DATA_LENGTH);
  return isObject(data) && isObject(data._datadog) ? data._datadog : undefined;
}

function carrierObject(text: unknown): Obj | undefined {
  if (typeof text !== 'string' || text.length > MAX_CARRIER_LENGTH) return undefined;
  const parsed = parseJson(text);
  return isObject(parsed) ? parsed : undefined;
}
