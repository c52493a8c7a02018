import { CARRIER_KEY } from './trace-carrier';

/**
 * `_datadog` as a message attribute (SQS String, SNS Binary), with the guards both services
 * need: the 10-attribute quota, the user's own `_datadog`, and the message size quota.
 */

/** An SQS/SNS message attribute value, as the SDK input holds it. */
export interface MessageAttributeValue {
  readonly DataType?: string;
  readonly StringValue?: string;
  readonly BinaryValue?: Uint8Array;
}

/** A message's attributes by name. */
export type MessageAttributes = Readonly<Record<string, MessageAttributeValue | undefined>>;

/** SQS and SNS accept at most 10 message attributes: an 11th would fail the send. */
export const MAX_MESSAGE_ATTRIBUTES = 10;

/**
 * The size quota of one request, messages and attributes together (SQS `SendMessage` and
 * `SendMessageBatch`, SNS `Publish` and `PublishBatch`): 256 KiB, the long-standing limit
 * (SQS has since allowed more; the lower bound is the safe one). Past it the carrier is
 * skipped rather than turning a valid send into a rejected one.
 */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** How to read and rewrite one message (or batch entry) of a command input. */
export interface MessageAccess<M> {
  body(message: M): unknown;
  attributes(message: M): MessageAttributes | undefined;
  withAttributes(message: M, attributes: MessageAttributes): M;
}

/**
 * Copies of `messages` carrying `value` as `_datadog`, except a message that already has 10
 * attributes or its own `_datadog` (the user's carrier wins), and any message whose carrier
 * would push the request past `MAX_REQUEST_BYTES`. Messages left alone are returned as is.
 */
export function withCarrierAttribute<M>(messages: readonly M[], value: MessageAttributeValue, access: MessageAccess<M>): M[] {
  const carrierBytes = CARRIER_KEY.length + attributeBytes(value);
  let total = messages.reduce((sum, message) => sum + messageBytes(access.body(message), access.attributes(message)), 0);
  return messages.map((message) => {
    const attributes = access.attributes(message) ?? {};
    // What the SDK will send: it drops attributes whose value is undefined.
    const names = Object.keys(attributes).filter((name) => attributes[name] != null);
    if (names.includes(CARRIER_KEY) || names.length >= MAX_MESSAGE_ATTRIBUTES) return message;
    if (total + carrierBytes > MAX_REQUEST_BYTES) return message;
    total += carrierBytes;
    return access.withAttributes(message, { ...attributes, [CARRIER_KEY]: value });
  });
}

function messageBytes(body: unknown, attributes: MessageAttributes | undefined): number {
  let bytes = typeof body === 'string' ? Buffer.byteLength(body) : 0;
  for (const [name, value] of Object.entries(attributes ?? {})) bytes += Buffer.byteLength(name) + (value ? attributeBytes(value) : 0);
  return bytes;
}

function attributeBytes(value: MessageAttributeValue): number {
  return (
    Buffer.byteLength(value.DataType ?? '') +
    (typeof value.StringValue === 'string' ? Buffer.byteLength(value.StringValue) : 0) +
    (value.BinaryValue instanceof Uint8Array ? value.BinaryValue.byteLength : 0)
  );
}
