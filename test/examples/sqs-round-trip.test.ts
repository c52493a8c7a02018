import '../../examples/local/quiet-aws-sdk';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { instrumentSqsClient } from '../../runtime/aws-sdk/sqs';
import { LocalSqsQueue, summarizeTrace } from '../../runtime/testing';
import { handler as consumer } from '../../examples/sqs-lambda/consumer';
import { createHandler } from '../../examples/sqs-producer/producer';
import { tracedInvocations } from '../runtime/aws-sdk/traced-invocation';

describe('SQS round trip through the example handlers', () => {
  const invocations = tracedInvocations('orders');

  it('yields one trace in which the consumer’s spans descend from the producer’s send span', async () => {
    const queue = new LocalSqsQueue({ url: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders' });
    const sqs = instrumentSqsClient(new SQSClient({ region: queue.region, credentials: queue.credentials, requestHandler: queue.requestHandler }));
    const producer = createHandler(sqs, () => queue.url);

    // WHEN the producer sends, and Lambda delivers the message to the consumer
    const sent = await invocations.invoke((event) => producer(event as { body: string }, { awsRequestId: 'producer-1' } as never), { body: '{"id":"order-1","quantity":2}' });
    const event: SQSEvent = queue.receiveEvent();
    const response = await invocations.invoke((e) => consumer(e as SQSEvent, { awsRequestId: 'consumer-1' } as never), event);

    // THEN the record arrived as Lambda delivers it, and the trace is one story
    expect(sent.statusCode).toBe(200);
    expect(event.Records[0].messageAttributes._datadog).toMatchObject({ dataType: 'String', stringValue: expect.stringContaining('x-datadog-parent-id') });
    expect(response).toEqual({ batchItemFailures: [] });
    const spans = invocations.spans();
    const [producerLambda, consumerLambda] = invocations.extension.lambdaSpans;
    const send = invocations.span('aws.request');
    const record = invocations.span('aws.sqs.process');
    expect(send.parent_id).toBe(producerLambda.span_id);
    expect(consumerLambda.parent_id).toBe(send.span_id);
    expect(record.parent_id).toBe(consumerLambda.span_id);
    expect(record.meta['order.id']).toBe('order-1');
    expect(summarizeTrace(spans)).toMatchObject({ connected: true, traceIds: [producerLambda.trace_id] });
  });
});
