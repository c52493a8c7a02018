import { SpanKind, type Attributes } from '@opentelemetry/api';
import { arnResourceName } from './aws-resource';
import { instrumentClient, type AwsOperation, type AwsSdkClient, type AwsServiceIntegration } from './instrument-client';
import { withCarrierAttribute, type MessageAccess, type MessageAttributes, type MessageAttributeValue } from './message-attributes';

/**
 * SNS: `_datadog` as a `Binary` message attribute (the carrier JSON as bytes), on `Publish`
 * and every `PublishBatch` entry. Binary because SNS subscription filter policies fail
 * silently on JSON-looking String attributes; consumers decode the base64 either way, and it
 * survives raw delivery into SQS (the record's `binaryValue`).
 */

type Message = Readonly<Record<string, unknown>>;

const access: MessageAccess<Message> = {
  body: (message) => message.Message,
  attributes: (message) => message.MessageAttributes as MessageAttributes | undefined,
  withAttributes: (message, attributes) => ({ ...message, MessageAttributes: attributes }),
};

function carrierValue(carrier: Readonly<Record<string, string>>): MessageAttributeValue {
  return { DataType: 'Binary', BinaryValue: Buffer.from(JSON.stringify(carrier)) };
}

/** dd-trace's SNS tags: the topic by ARN and name (or the direct-publish target). */
function topicTags(operation: string, input: Message): Attributes {
  const topicArn = typeof input.TopicArn === 'string' ? input.TopicArn : undefined;
  const targetArn = typeof input.TargetArn === 'string' ? input.TargetArn : undefined;
  const tags: Attributes = { 'resource.name': `${operation} ${topicArn ?? targetArn ?? ''}`.trim(), 'messaging.system': 'aws.sns' };
  if (topicArn) {
    tags['aws.sns.topic_arn'] = topicArn;
    const name = arnResourceName(topicArn);
    if (name) {
      tags.topicname = name;
      tags['messaging.destination.name'] = name;
    }
  } else if (targetArn) {
    const name = arnResourceName(targetArn);
    if (name) tags.targetname = name;
  }
  return tags;
}

const publish: AwsOperation = {
  name: 'publish',
  kind: SpanKind.CLIENT,
  tags: (input) => topicTags('publish', input),
  inject: (input, carrier) => withCarrierAttribute([input], carrierValue(carrier), access)[0] ?? input,
  outputTags: (output) => (typeof output.MessageId === 'string' ? { 'messaging.message.id': output.MessageId } : {}),
};

const publishBatch: AwsOperation = {
  name: 'publishBatch',
  kind: SpanKind.CLIENT,
  tags: (input) => ({
    ...topicTags('publishBatch', input),
    ...(Array.isArray(input.PublishBatchRequestEntries) && { 'messaging.batch.message_count': input.PublishBatchRequestEntries.length }),
  }),
  inject: (input, carrier) => {
    const entries = input.PublishBatchRequestEntries;
    if (!Array.isArray(entries) || entries.length === 0) return input;
    return { ...input, PublishBatchRequestEntries: withCarrierAttribute(entries as Message[], carrierValue(carrier), access) };
  },
};

/** @internal */
export const SNS_INTEGRATION: AwsServiceIntegration = {
  serviceId: 'SNS',
  suffix: 'sns',
  endpointPrefix: 'sns',
  operations: { PublishCommand: publish, PublishBatchCommand: publishBatch },
  operationTags: (operation, input) => (typeof input.TopicArn === 'string' ? topicTags(operation, input) : { 'resource.name': operation }),
};

/**
 * Traces `Publish` and `PublishBatch` on an `@aws-sdk/client-sns` v3 client and puts the
 * trace context on every message as the `_datadog` Binary attribute, with the same guards as
 * `instrumentSqsClient` (10 attributes, the user's own `_datadog`, size).
 *
 * @returns the same client, for chaining.
 *
 * @example
 * const sns = instrumentSnsClient(new SNSClient({}));
 * await sns.send(new PublishCommand({ TopicArn: process.env.TOPIC_ARN, Message: 'hello' }));
 */
export function instrumentSnsClient<C extends AwsSdkClient>(client: C): C {
  return instrumentClient(client, SNS_INTEGRATION);
}
