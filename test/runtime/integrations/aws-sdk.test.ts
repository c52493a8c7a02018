import { context as otelContext, trace } from '@opentelemetry/api';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { KinesisClient, PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Client } from '@smithy/core/client';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { instrumentSqsClient } from '../../../runtime/aws-sdk/sqs';
import { clientRegistry } from '../../../runtime/integrations/aws-sdk/client-registry';
import { AWS_SDK_CALL_KEY } from '../../../runtime/integrations/integration';
import type { DecodedSpan } from '../../../runtime/testing';
import { parseCarrier, tracedInvocations } from '../aws-sdk/traced-invocation';
import { useAwsStandIn } from './aws-stand-in';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// What the esbuild plugin appends to a bundled smithy-client (jest loads modules itself, so the
// run-time loader hook does not see them; the child-process tests cover that route).
clientRegistry().push(Client);

const region = 'eu-west-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders';

describe('the aws-sdk integration (zero code)', () => {
  const invocations = tracedInvocations('orders');
  const aws = useAwsStandIn();

  const options = () => ({ endpoint: aws.current().endpoint, region, credentials, maxAttempts: 1 });
  const awsSpans = () => invocations.spans().filter((span) => span.name === 'aws.request');
  const onlyAwsSpan = (): DecodedSpan => {
    const spans = awsSpans();
    expect(spans).toHaveLength(1);
    return spans[0]!;
  };

  it('traces DynamoDB GetItem as dd-trace tags it, as a child of the invocation, one span per call', async () => {
    const dynamo = new DynamoDBClient(options());

    const output = await invocations.invoke(() => dynamo.send(new GetItemCommand({ TableName: 'orders-table', Key: { id: { S: '1' } } })));

    const lambda = invocations.span('aws.lambda');
    const span = onlyAwsSpan();
    expect(span).toMatchObject({
      service: 'orders-aws-dynamodb',
      resource: 'getItem orders-table',
      type: 'dynamodb',
      trace_id: lambda.trace_id,
      parent_id: lambda.span_id,
      error: 0,
    });
    expect(span.meta).toMatchObject({
      'span.kind': 'client',
      component: 'aws-sdk',
      '_dd.integration': 'aws-sdk',
      '_dd.svc_src': 'dynamodb',
      '_dd.base_service': 'orders',
      'aws.operation': 'getItem',
      'aws.service': 'DynamoDB',
      aws_service: 'DynamoDB',
      tablename: 'orders-table',
      'aws.dynamodb.table_name': 'orders-table',
      'db.system': 'aws.dynamodb',
      region,
      'aws.region': region,
      'aws.partition': 'aws',
      'peer.service': 'dynamodb.eu-west-1.amazonaws.com',
      'aws.request_id': output.$metadata.requestId,
      'aws.response.request_id': output.$metadata.requestId,
    });
    expect(span.metrics['http.status_code']).toBe(200);
    expect(output.Item).toEqual({ id: { S: '1' } });
  });

  it('traces any operation of a service, named by the command', async () => {
    const dynamo = new DynamoDBClient(options());

    await invocations.invoke(() => dynamo.send(new DescribeTableCommand({ TableName: 'orders-table' })));

    expect(onlyAwsSpan()).toMatchObject({ resource: 'describeTable orders-table', meta: expect.objectContaining({ 'aws.operation': 'describeTable' }) as object });
  });

  it('tags S3 calls with the bucket', async () => {
    const s3 = new S3Client({ ...options(), forcePathStyle: true });

    const body = await invocations.invoke(async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'invoices', Key: 'a.txt', Body: 'hello' }));
      const object = await s3.send(new GetObjectCommand({ Bucket: 'invoices', Key: 'a.txt' }));
      return object.Body!.transformToString();
    });

    expect(body).toBe('hello');
    const [put, get] = awsSpans().sort((a, b) => Number(a.start - b.start));
    expect(put).toMatchObject({ service: 'orders-aws-s3', resource: 'putObject invoices' });
    expect(put!.meta).toMatchObject({ bucketname: 'invoices', 'aws.s3.bucket_name': 'invoices', 'aws.service': 'S3', 'peer.service': 'invoices.s3.eu-west-1.amazonaws.com' });
    expect(get).toMatchObject({ resource: 'getObject invoices' });
    expect(get!.metrics['http.status_code']).toBe(200);
  });

  it('puts _datadog on an SQS message, naming the send span', async () => {
    const sqs = new SQSClient(options());

    await invocations.invoke(() => sqs.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: 'hello' })));

    const span = onlyAwsSpan();
    expect(span).toMatchObject({ service: 'orders-aws-sqs', resource: `sendMessage ${QUEUE_URL}` });
    expect(span.meta).toMatchObject({ 'span.kind': 'producer', queuename: 'orders' });
    const sent = JSON.parse(aws.current().requests[0]!.body) as { MessageAttributes: { _datadog: { StringValue: string } } };
    expect(parseCarrier(sent.MessageAttributes._datadog.StringValue)).toMatchObject({
      'x-datadog-trace-id': span.trace_id.toString(),
      'x-datadog-parent-id': span.span_id.toString(),
    });
  });

  it('puts _datadog into the JSON Data of a Kinesis record (PutRecord, and the first record of PutRecords)', async () => {
    // Kinesis defaults to HTTP/2 (for SubscribeToShard); the stand-in speaks HTTP/1.1.
    const kinesis = new KinesisClient({ ...options(), requestHandler: new NodeHttpHandler() });

    await invocations.invoke(async () => {
      await kinesis.send(new PutRecordCommand({ StreamName: 'clicks', PartitionKey: 'p', Data: Buffer.from('{"id":1}') }));
      await kinesis.send(
        new PutRecordsCommand({
          StreamName: 'clicks',
          Records: [
            { PartitionKey: 'p', Data: Buffer.from('{"id":2}') },
            { PartitionKey: 'p', Data: Buffer.from('{"id":3}') },
            { PartitionKey: 'p', Data: Buffer.from('not json') },
          ],
        }),
      );
    });

    const [putRecord, putRecords] = awsSpans().sort((a, b) => Number(a.start - b.start));
    expect(putRecord).toMatchObject({ service: 'orders-aws-kinesis', resource: 'putRecord clicks' });
    expect(putRecord!.meta).toMatchObject({ streamname: 'clicks', 'aws.kinesis.stream_name': 'clicks', 'messaging.system': 'aws_kinesis' });
    const decode = (data: string) => JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id: number; _datadog?: Record<string, string> };
    const single = decode((JSON.parse(aws.current().requests[0]!.body) as { Data: string }).Data);
    expect(single.id).toBe(1);
    expect(single._datadog).toMatchObject({ 'x-datadog-parent-id': putRecord!.span_id.toString() });
    const batch = (JSON.parse(aws.current().requests[1]!.body) as { Records: Array<{ Data: string }> }).Records;
    expect(decode(batch[0]!.Data)._datadog).toMatchObject({ 'x-datadog-parent-id': putRecords!.span_id.toString() });
    expect(decode(batch[1]!.Data)).toEqual({ id: 3 });
    expect(Buffer.from(batch[2]!.Data, 'base64').toString()).toBe('not json');
  });

  it("puts the trace context into a synchronous Lambda Invoke's client context, keeping the user's custom keys", async () => {
    const lambdaClient = new LambdaClient(options());
    const userContext = Buffer.from(JSON.stringify({ custom: { tenant: 'a' }, env: { x: '1' } })).toString('base64');

    await invocations.invoke(async () => {
      await lambdaClient.send(new InvokeCommand({ FunctionName: 'billing', Payload: Buffer.from('{}'), ClientContext: userContext }));
      await lambdaClient.send(new InvokeCommand({ FunctionName: 'billing', Payload: Buffer.from('{}'), InvocationType: 'Event' }));
    });

    const [sync, async_] = awsSpans().sort((a, b) => Number(a.start - b.start));
    expect(sync).toMatchObject({ service: 'orders-aws-lambda', resource: 'invoke billing' });
    expect(sync!.meta).toMatchObject({ functionname: 'billing', 'aws.operation': 'invoke' });
    const header = aws.current().requests[0]!.headers['x-amz-client-context'] as string;
    const clientContext = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { custom: Record<string, string>; env: object };
    expect(clientContext.env).toEqual({ x: '1' });
    expect(clientContext.custom).toMatchObject({ tenant: 'a', 'x-datadog-parent-id': sync!.span_id.toString(), 'x-datadog-trace-id': sync!.trace_id.toString() });
    expect(async_).toBeDefined();
    expect(aws.current().requests[1]!.headers['x-amz-client-context']).toBeUndefined();
  });

  it('tags errors, and the SDK error and result objects reach the caller unchanged', async () => {
    const dynamo = new DynamoDBClient(options());
    // A user middleware inside ours records what the SDK produced.
    const seen: { error?: unknown; output?: unknown } = {};
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        try {
          const result = await next(args);
          seen.output = result.output;
          return result;
        } catch (error) {
          seen.error = error;
          throw error;
        }
      },
      { step: 'initialize', priority: 'low', name: 'userSpy' },
    );

    const caught = await invocations.invoke(async () => {
      const output = await dynamo.send(new GetItemCommand({ TableName: 'orders-table', Key: { id: { S: '1' } } }));
      expect(output).toBe(seen.output);
      return dynamo.send(new GetItemCommand({ TableName: 'missing', Key: { id: { S: '1' } } })).catch((error: unknown) => error);
    });

    expect(caught).toBe(seen.error);
    expect(caught).toBeInstanceOf(ResourceNotFoundException);
    const failed = awsSpans().find((span) => span.resource === 'getItem missing')!;
    expect(failed.error).toBe(1);
    expect(failed.meta).toMatchObject({ 'error.type': 'ResourceNotFoundException', 'error.message': 'Requested resource not found' });
    expect(failed.meta['aws.request_id']).toBe((caught as ResourceNotFoundException).$metadata.requestId);
    expect(failed.metrics['http.status_code']).toBe(400);
  });

  it('tags an S3 404 as an error and rethrows NoSuchKey', async () => {
    const s3 = new S3Client({ ...options(), forcePathStyle: true });

    const caught = await invocations.invoke(() => s3.send(new GetObjectCommand({ Bucket: 'invoices', Key: 'missing' })).catch((error: unknown) => error));

    expect(caught).toBeInstanceOf(NoSuchKey);
    expect(onlyAwsSpan()).toMatchObject({ error: 1, resource: 'getObject invoices', metrics: expect.objectContaining({ 'http.status_code': 404 }) as object });
  });

  it('runs the HTTP request under the AWS span with AWS_SDK_CALL_KEY set, so the HTTP integrations skip it', async () => {
    const dynamo = new DynamoDBClient(options());
    const seen: { key?: unknown; spanId?: string } = {};
    dynamo.middlewareStack.add(
      (next) => (args) => {
        seen.key = otelContext.active().getValue(AWS_SDK_CALL_KEY);
        seen.spanId = trace.getActiveSpan()?.spanContext().spanId;
        return next(args);
      },
      { step: 'finalizeRequest', name: 'contextSpy' },
    );

    await invocations.invoke(() => dynamo.send(new GetItemCommand({ TableName: 'orders-table', Key: { id: { S: '1' } } })));

    expect(seen.key).toBe(true);
    expect(BigInt(`0x${seen.spanId}`)).toBe(onlyAwsSpan().span_id);
  });

  it('keeps ten concurrent invocations apart: each AWS span is a child of its own invocation', async () => {
    const dynamo = new DynamoDBClient(options());

    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        invocations.invoke(async () => {
          await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
          return dynamo.send(new GetItemCommand({ TableName: `table-${i}`, Key: { id: { S: String(i) } } }));
        }),
      ),
    );

    const lambdas = invocations.spans().filter((span) => span.name === 'aws.lambda');
    const spans = awsSpans();
    expect(lambdas).toHaveLength(10);
    expect(spans).toHaveLength(10);
    expect(new Set(spans.map((span) => span.trace_id)).size).toBe(10);
    for (const span of spans) {
      const parent = lambdas.find((lambda) => lambda.span_id === span.parent_id);
      expect(parent?.trace_id).toBe(span.trace_id);
    }
  });

  it('with instrumentSqsClient as well: one span and one carrier, whichever comes first', async () => {
    const before = instrumentSqsClient(new SQSClient(options()));
    const after = new SQSClient(options());

    await invocations.invoke(async () => {
      await before.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: 'one' }));
      await after.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: 'two' }));
      instrumentSqsClient(after);
      await after.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: 'three' }));
    });

    const spans = awsSpans();
    expect(spans).toHaveLength(3);
    for (const request of aws.current().requests) {
      const sent = JSON.parse(request.body) as { MessageAttributes: Record<string, { StringValue: string }> };
      expect(Object.keys(sent.MessageAttributes)).toEqual(['_datadog']);
      const parent = parseCarrier(sent.MessageAttributes._datadog!.StringValue)['x-datadog-parent-id'];
      expect(spans.map((span) => span.span_id.toString())).toContain(parent);
    }
  });

  it('creates no span outside an invocation, and the call still succeeds', async () => {
    const dynamo = new DynamoDBClient(options());

    const output = await dynamo.send(new GetItemCommand({ TableName: 'orders-table', Key: { id: { S: '1' } } }));

    expect(output.Item).toBeDefined();
    expect(invocations.extension.receivedSpans()).toHaveLength(0);
  });
});
