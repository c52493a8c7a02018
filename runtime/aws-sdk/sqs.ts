import { SpanKind, type Attributes } from '@opentelemetry/api';
import { parseQueueUrl, partitionOf } from './aws-resource';
import { instrumentClient, type AwsOperation, type AwsSdkClient, type AwsServiceIntegration } from './instrument-client';
import { withCarrierAttribute, type MessageAccess, type MessageAttributes, type MessageAttributeValue } from './message-attributes';

/**
 * SQS: `_datadog` as a `String` message attribute holding the carrier JSON, on the message of
 * `SendMessage` and on every entry of `SendMessageBatch` (each naming the same send span).
 */

type Message = Readonly<Record<string, unknown>>;

const access: MessageAccess<Message> = {
  body: (message) => message.MessageBody,
  attributes: (message) => message.MessageAttributes as MessageAttributes | undefined,
  withAttributes: (message, attributes) => ({ ...message, MessageAttributes: attributes }),
};

function carrierValue(carrier: Readonly<Record<string, string>>): MessageAttributeValue {
  return { DataType: 'String', StringValue: JSON.stringify(carrier) };
}

/** dd-trace's SQS tags: the queue by name and by ARN, `messaging.system`, the region the URL names. */
function queueTags(operation: string, input: Message): Attributes {
  const url = typeof input.QueueUrl === 'string' ? input.QueueUrl : undefined;
  if (!url && typeof input.QueueName === 'string') {
    return { 'resource.name': `${operation} ${input.QueueName}`, 'aws.sqs.queue_name': input.QueueName, queuename: input.QueueName, 'messaging.system': 'aws_sqs' };
  }
  if (!url) return { 'resource.name': operation };
  const { name, account, region } = parseQueueUrl(url);
  const tags: Attributes = {
    'resource.name': `${operation} ${url ?? ''}`.trim(),
    'messaging.system': 'aws_sqs',
  };
  if (url) tags['aws.sqs.queue_name'] = url;
  if (name) {
    tags.queuename = name;
    tags['messaging.destination.name'] = name;
  }
  if (region) tags['aws.region'] = region;
  if (name && account && region) tags['cloud.resource_id'] = `arn:${partitionOf(region)}:sqs:${region}:${account}:${name}`;
  return tags;
}

const sendMessage: AwsOperation = {
  name: 'sendMessage',
  kind: SpanKind.PRODUCER,
  tags: (input) => ({ ...queueTags('sendMessage', input), 'messaging.operation.type': 'send' }),
  inject: (input, carrier) => withCarrierAttribute([input], carrierValue(carrier), access)[0] ?? input,
  outputTags: (output) => (typeof output.MessageId === 'string' ? { 'messaging.message.id': output.MessageId } : {}),
};

const sendMessageBatch: AwsOperation = {
  name: 'sendMessageBatch',
  kind: SpanKind.PRODUCER,
  tags: (input) => ({
    ...queueTags('sendMessageBatch', input),
    'messaging.operation.type': 'send',
    ...(Array.isArray(input.Entries) && { 'messaging.batch.message_count': input.Entries.length }),
  }),
  inject: (input, carrier) => {
    if (!Array.isArray(input.Entries) || input.Entries.length === 0) return input;
    return { ...input, Entries: withCarrierAttribute(input.Entries as Message[], carrierValue(carrier), access) };
  },
};

/** dd-trace tags a receive as a consumer span. */
const receiveMessage: AwsOperation = {
  name: 'receiveMessage',
  kind: SpanKind.CONSUMER,
  tags: (input) => ({ ...queueTags('receiveMessage', input), 'span.type': 'worker' }),
};

/** @internal */
export const SQS_INTEGRATION: AwsServiceIntegration = {
  serviceId: 'SQS',
  suffix: 'sqs',
  endpointPrefix: 'sqs',
  operations: { SendMessageCommand: sendMessage, SendMessageBatchCommand: sendMessageBatch },
  operationTags: queueTags,
};

/** Every SQS operation, for the zero-code integration: the sends, plus receives as consumer spans. */
export const SQS_AUTO_INTEGRATION: AwsServiceIntegration = {
  ...SQS_INTEGRATION,
  operations: { ...SQS_INTEGRATION.operations, ReceiveMessageCommand: receiveMessage },
};

/**
 * Traces `SendMessage` and `SendMessageBatch` on an `@aws-sdk/client-sqs` v3 client, and puts
 * the trace context on every message as the `_datadog` String attribute Datadog consumers
 * read (the extension, datadog-lambda-js/-python, ddtrace, `processBatch`). A message that
 * already has 10 attributes, or its own `_datadog`, goes out unchanged. Instrumenting a
 * client twice is harmless, and no failure of this library ever fails the send.
 *
 * @returns the same client, for chaining.
 *
 * @example
 * import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
 * import { instrumentSqsClient } from 'datadog-lambda-ts/runtime';
 *
 * const sqs = instrumentSqsClient(new SQSClient({}));
 * await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: 'hello' }));
 */
export function instrumentSqsClient<C extends AwsSdkClient>(client: C): C {
  return instrumentClient(client, SQS_INTEGRATION);
}
