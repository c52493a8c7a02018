import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { instrumentSnsClient } from '../../../runtime/aws-sdk/sns';
import { extractEventContext } from '../../../runtime/propagation/event-context';
import { captureRequests, credentials } from './capture-requests';
import { parseCarrier, tracedInvocations } from './traced-invocation';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders-topic';
const ns = 'xmlns="http://sns.amazonaws.com/doc/2010-03-31/"';
const meta = '<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>';

function snsClient() {
  const capture = captureRequests((body) => ({
    contentType: 'text/xml',
    body: body.startsWith('Action=PublishBatch')
      ? `<PublishBatchResponse ${ns}><PublishBatchResult><Successful><member><Id>a</Id><MessageId>m-a</MessageId></member><member><Id>b</Id><MessageId>m-b</MessageId></member></Successful><Failed/></PublishBatchResult>${meta}</PublishBatchResponse>`
      : `<PublishResponse ${ns}><PublishResult><MessageId>m-1</MessageId></PublishResult>${meta}</PublishResponse>`,
  }));
  const client = instrumentSnsClient(new SNSClient({ region: 'us-east-1', credentials, requestHandler: capture.requestHandler, maxAttempts: 1 }));
  return { client, bodies: capture.bodies };
}

/** `MessageAttributes.entry.N.*` of an awsQuery form body (optionally under a batch entry prefix), by attribute name. */
function formAttributes(body: string, prefix = ''): Record<string, Record<string, string>> {
  const form = new URLSearchParams(body);
  const attributes: Record<string, Record<string, string>> = {};
  for (const [key, value] of form) {
    const match = new RegExp(`^${prefix.replace(/\./g, '\\.')}MessageAttributes\\.entry\\.(\\d+)\\.(.+)$`).exec(key);
    if (!match) continue;
    (attributes[match[1]] ??= {})[match[2]] = value;
  }
  return Object.fromEntries(Object.values(attributes).map((entry) => [entry.Name, entry]));
}

describe('instrumentSnsClient', () => {
  const invocations = tracedInvocations('orders');

  it('traces Publish and carries _datadog as a Binary attribute the consumers decode', async () => {
    const { client, bodies } = snsClient();

    await invocations.invoke(() => client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'hello' })));

    const publish = invocations.span('aws.request');
    expect(publish).toMatchObject({ service: 'orders-aws-sns', resource: `publish ${TOPIC}`, parent_id: invocations.span('aws.lambda').span_id });
    expect(publish.meta).toMatchObject({ 'span.kind': 'client', 'aws.operation': 'publish', 'aws.service': 'SNS', topicname: 'orders-topic', 'aws.sns.topic_arn': TOPIC, 'messaging.system': 'aws.sns', 'messaging.message.id': 'm-1' });
    const attribute = formAttributes(bodies[0])._datadog;
    expect(attribute['Value.DataType']).toBe('Binary');
    const carrier = parseCarrier(Buffer.from(attribute['Value.BinaryValue'], 'base64').toString('utf8'));
    expect(carrier['x-datadog-parent-id']).toBe(publish.span_id.toString());
    // As Lambda delivers it to an SNS-triggered function: Type Binary, Value base64.
    const upstream = extractEventContext({ Records: [{ Sns: { MessageAttributes: { _datadog: { Type: 'Binary', Value: attribute['Value.BinaryValue'] } } } }] });
    expect(upstream?.parentId).toBe(publish.span_id.toString(16).padStart(16, '0'));
  });

  it('injects every PublishBatch entry, except one that already has 10 attributes', async () => {
    const { client, bodies } = snsClient();
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: String(i) }]));

    await invocations.invoke(() =>
      client.send(new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: [{ Id: 'a', Message: 'one' }, { Id: 'b', Message: 'two', MessageAttributes: ten }] })),
    );

    const first = formAttributes(bodies[0], 'PublishBatchRequestEntries.member.1.');
    const second = formAttributes(bodies[0], 'PublishBatchRequestEntries.member.2.');
    expect(first._datadog?.['Value.DataType']).toBe('Binary');
    expect(Object.keys(second)).toEqual(Object.keys(ten));
    expect(invocations.span('aws.request').resource).toBe(`publishBatch ${TOPIC}`);
  });
});
