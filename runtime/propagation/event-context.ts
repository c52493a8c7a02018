import type { DatadogTraceContext } from '../trace-context';
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

// A `_datadog` carrier is a handful of short headers; anything far larger is not one.
const MAX_CARRIER_LENGTH = 8 * 1024;

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function extractFromRecords(event: Obj): DatadogTraceContext | undefined {
  const records = event.Records;
  if (!Array.isArray(records) || !isObject(records[0])) return undefined;
  const record = records[0];
  if (record.eventSource === 'aws:sqs') return extractFromSqsRecord(record);
  if (isObject(record.Sns)) return extractFromSnsMessage(record.Sns);
  if (record.eventSource === 'aws:kinesis' && isObject(record.kinesis)) return extractFromKinesis(record.kinesis);
  return undefined;
}

/** An SQS record: its `_datadog` attribute, else an SNS or EventBridge envelope in the body. */
export function extractFromSqsRecord(record: Obj): DatadogTraceContext | undefined {
  const attributes = record.messageAttributes;
  const attribute = isObject(attributes) ? attributes._datadog : undefined;
  if (isObject(attribute)) {
    const dataType = typeof attribute.dataType === 'string' ? attribute.dataType : '';
    if (dataType.startsWith('String')) return parseCarrier(attribute.stringValue);
    if (dataType.startsWith('Binary')) return parseCarrier(decodeBase64(attribute.binaryValue));
  }
  const body = parseJson(record.body);
  if (isObject(body)) {
    if (body.Type === 'Notification' && isObject(body.MessageAttributes)) return extractFromSnsMessage(body);
    if (isObject(body.detail)) return extractFromEventBridge(body);
  }
  return undefined;
}

/** An SNS message (`Records[i].Sns`, or an SNS envelope delivered through SQS). */
function extractFromSnsMessage(sns: Obj): DatadogTraceContext | undefined {
  const attributes = sns.MessageAttributes;
  const attribute = isObject(attributes) ? attributes._datadog : undefined;
  if (isObject(attribute)) {
    if (attribute.Type === 'String') return parseCarrier(attribute.Value);
    if (attribute.Type === 'Binary') return parseCarrier(decodeBase64(attribute.Value));
  }
  const message = parseJson(sns.Message);
  return isObject(message) ? extractFromEventBridge(message) : undefined;
}

function extractFromEventBridge(event: Obj): DatadogTraceContext | undefined {
  if (!isObject(event.detail) || typeof event['detail-type'] !== 'string') return undefined;
  return extractFromHeaders(event.detail._datadog);
}

function extractFromKinesis(kinesis: Obj): DatadogTraceContext | undefined {
  const data = parseJson(decodeBase64(kinesis.data));
  return isObject(data) ? extractFromHeaders(data._datadog) : undefined;
}

function parseCarrier(text: unknown): DatadogTraceContext | undefined {
  if (typeof text !== 'string' || text.length > MAX_CARRIER_LENGTH) return undefined;
  return extractFromHeaders(parseJson(text));
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text.length === 0 || (text[0] !== '{' && text[0] !== '[')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function decodeBase64(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_CARRIER_LENGTH * 2) return undefined;
  return Buffer.from(value, 'base64').toString('utf8');
}
