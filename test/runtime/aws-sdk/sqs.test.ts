import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { instrumentSqsClient } from '../../../runtime/aws-sdk/sqs';
import { LocalSqsQueue } from '../../../runtime/testing';
import { hex, parseCarrier, tracedInvocations } from './traced-invocation';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

function sqsClient(queue: LocalSqsQueue): SQSClient {
  return new SQSClient({ region: queue.region, credentials: queue.credentials, requestHandler: queue.requestHandler, maxAttempts: 1 });
}

function attributesOf(request: { body: Readonly<Record<string, unknown>> }, entry?: number): Record<string, { DataType: string; StringValue?: string }> {
  const message = entry === undefined ? request.body : (request.body.Entries as Array<Record<string, unknown>>)[entry];
  return (message.MessageAttributes ?? {}) as Record<string, { DataType: string; StringValue?: string }>;
}

const tenAttributes = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: String(i) }]));

describe('instrumentSqsClient', () => {
  const invocations = tracedInvocations('orders');
  let queue: LocalSqsQueue;
  beforeEach(() => {
    queue = new LocalSqsQueue({ url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders' });
  });

  it('traces SendMessage as dd-trace names an SQS send, under the invocation', async () => {
    const sqs = instrumentSqsClient(sqsClient(queue));

    const output = await invocations.invoke(() => sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'hello' })));

    const lambda = invocations.span('aws.lambda');
    const send = invocations.span('aws.request');
    expect(send).toMatchObject({
      service: 'orders-aws-sqs',
      resource: `sendMessage ${queue.url}`,
      trace_id: lambda.trace_id,
      parent_id: lambda.span_id,
      error: 0,
    });
    expect(send.meta).toMatchObject({
      'span.kind': 'producer',
      component: 'aws-sdk',
      'aws.operation': 'sendMessage',
      'aws.service': 'SQS',
      aws_service: 'SQS',
      queuename: 'orders',
      'aws.sqs.queue_name': queue.url,
      'aws.region': 'eu-west-1',
      region: 'eu-west-1',
      'aws.partition': 'aws',
      'cloud.resource_id': 'arn:aws:sqs:eu-west-1:123456789012:orders',
      'messaging.system': 'aws_sqs',
      'messaging.message.id': output.MessageId,
      'aws.response.request_id': output.$metadata.requestId,
      'aws.request_id': output.$metadata.requestId,
      '_dd.base_service': 'orders',
    });
    expect(send.metrics['http.status_code']).toBe(200);
  });

  it('puts a _datadog String attribute naming the send span on the message', async () => {
    const sqs = instrumentSqsClient(sqsClient(queue));

    await invocations.invoke(() => sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'hello' })));

    const send = invocations.span('aws.request');
    const attribute = attributesOf(queue.requests[0])._datadog;
    expect(attribute.DataType).toBe('String');
    const carrier = parseCarrier(attribute.StringValue);
    expect(carrier).toEqual({
      'x-datadog-trace-id': send.trace_id.toString(),
      'x-datadog-parent-id': send.span_id.toString(),
      'x-datadog-sampling-priority': '1',
      'x-datadog-tags': expect.stringContaining('_dd.p.dm=-0') as string,
      traceparent: expect.stringMatching(new RegExp(`^00-[0-9a-f]{16}${hex(send.trace_id)}-${hex(send.span_id)}-01$`)) as string,
      tracestate: expect.stringContaining(`p:${hex(send.span_id)}`) as string,
    });
    // The 128-bit trace id survives: the high half as _dd.p.tid and in traceparent.
    const high = /_dd\.p\.tid=([0-9a-f]{16})/.exec(carrier['x-datadog-tags'])?.[1];
    expect(high).toBeDefined();
    expect(carrier.traceparent.slice(3, 19)).toBe(high);
    expect(high).toBe(invocations.span('aws.lambda').meta['_dd.p.tid']);
  });

  it('carries the upstream trace and sampling priority', async () => {
    const sqs = instrumentSqsClient(sqsClient(queue));
    // GIVEN an HTTP request that arrives with a user-kept trace
    const event = { headers: { 'x-datadog-trace-id': '1234', 'x-datadog-parent-id': '5678', 'x-datadog-sampling-priority': '2' } };

    await invocations.invoke(() => sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'hello' })), event);

    const carrier = parseCarrier(attributesOf(queue.requests[0])._datadog.StringValue);
    expect(carrier['x-datadog-trace-id']).toBe('1234');
    expect(carrier['x-datadog-sampling-priority']).toBe('2');
    expect(carrier.traceparent).toMatch(/^00-0{16}0{13}4d2-[0-9a-f]{16}-01$/);
    expect(carrier.tracestate).toMatch(/^dd=s:2;p:[0-9a-f]{16}/);
  });

  it('injects every SendMessageBatch entry with the batch span as parent', async () => {
    const sqs = instrumentSqsClient(sqsClient(queue));
    const Entries = [1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: `message ${i}` }));

    await invocations.invoke(() => sqs.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries })));

    const send = invocations.span('aws.request');
    expect(send.resource).toBe(`sendMessageBatch ${queue.url}`);
    expect(send.metrics['messaging.batch.message_count']).toBe(3);
    for (const entry of [0, 1, 2]) {
      expect(parseCarrier(attributesOf(queue.requests[0], entry)._datadog.StringValue)['x-datadog-parent-id']).toBe(send.span_id.toString());
    }
  });

  it('leaves a message that already has 10 attributes unchanged, and injects its batch neighbours', async () => {
    const sqs = instrumentSqsClient(sqsClient(queue));

    await invocations.invoke(async () => {
      await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'full', MessageAttributes: tenAttributes }));
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: [
            { Id: 'full', MessageBody: 'full', MessageAttributes: tenAttributes },
            // Eight attributes really sent: the SDK drops those whose value is undefined.
            { Id: 'eight', MessageBody: 'eight', MessageAttributes: { ...tenAttributes, a9: undefined, a8: undefined } as unknown as typeof tenAttributes },
          ],
        }),
      );
    });

    expect(Object.keys(attributesOf(queue.requests[0]))).toEqual(Object.keys(tenAttributes));
    expect(Object.keys(attributesOf(queue.requests[1], 0))).toEqual(Object.keys(tenAttributes));
    expect(Object.keys(attributesOf(queue.requests[1], 1))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', '_datadog']);
    expect(attributesOf(queue.requests[1], 1)._datadog).toBeDefined();
  });

  it('never overwrites the user’s own _datadog, nor mutates the caller’s input', async () => {
    const sqs = instrumentSqsClient(sqsClient(queue));
    const own = { DataType: 'String', StringValue: '{"x-datadog-trace-id":"42","x-datadog-parent-id":"43"}' };
    const mine = new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'mine', MessageAttributes: { _datadog: own } });
    const plainInput = { QueueUrl: queue.url, MessageBody: 'plain', MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } } };

    await invocations.invoke(async () => {
      await sqs.send(mine);
      await sqs.send(new SendMessageCommand(plainInput));
      await sqs.send(new SendMessageCommand(plainInput));
    });

    expect(attributesOf(queue.requests[0])._datadog).toEqual(own);
    expect(Object.keys(plainInput.MessageAttributes)).toEqual(['kind']);
    // Reusing the input gets a fresh carrier each time, each naming its own send span.
    const parents = [1, 2].map((i) => parseCarrier(attributesOf(queue.requests[i])._datadog.StringValue)['x-datadog-parent-id']);
    expect(new Set(parents).size).toBe(2);
  });

  it('is harmless when the same client is instrumented twice', async () => {
    const client = sqsClient(queue);
    const sqs = instrumentSqsClient(instrumentSqsClient(client));
    expect(sqs).toBe(client);

    await invocations.invoke(() => sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'hello' })));

    expect(invocations.spans().filter((span) => span.name === 'aws.request')).toHaveLength(1);
  });

  it('marks a failed send as an error and hands the SDK error to the caller unchanged', async () => {
    const sqs = instrumentSqsClient(sqsClient(queue));
    // GIVEN a middleware inside ours that sees the SDK's own error object
    let inner: unknown;
    sqs.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          inner = error;
          throw error;
        }
      },
      { step: 'initialize', name: 'spy', priority: 'low' },
    );
    queue.fail('QueueDoesNotExist');

    const caught = await invocations
      .invoke(() => sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'hello' })))
      .catch((error: unknown) => error);

    expect(caught).toBe(inner);
    expect(caught).toMatchObject({ name: 'QueueDoesNotExist', $metadata: { httpStatusCode: 400 } });
    const send = invocations.span('aws.request');
    expect(send.error).toBe(1);
    expect(send.meta).toMatchObject({ 'error.type': 'QueueDoesNotExist', 'error.message': 'emulated QueueDoesNotExist' });
    expect(send.meta['error.stack']).toContain('QueueDoesNotExist');
    expect(send.meta['aws.response.request_id']).toBe((caught as { $metadata: { requestId: string } }).$metadata.requestId);
  });

  it('sends untraced when the instrumentation itself fails', async () => {
    // GIVEN a client config whose region provider throws (our code reads it; the SDK does not need it here)
    const client = sqsClient(queue);
    const sqs = instrumentSqsClient({ middlewareStack: client.middlewareStack, config: { region: () => Promise.reject(new Error('boom')) } });
    expect(sqs.middlewareStack).toBe(client.middlewareStack);

    const output = await invocations.invoke(() => client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'hello' })));

    expect(output.MessageId).toBe(queue.messages[0].messageId);
    expect(attributesOf(queue.requests[0])._datadog).toBeUndefined();
    expect(invocations.spans().map((span) => span.name)).toEqual(['aws.lambda']);
  });
});
