import { resetColdStart } from '../../../runtime/invocation/cold-start';
import type { DatadogSpan } from '../../../runtime/export/datadog-span';
import { apiGatewayAuthorizerEvent, AUTHORIZER } from '../../fixtures/events/api-gateway-authorizer';
import { apiGatewayV1Event } from '../../fixtures/events/api-gateway-v1';
import { apiGatewayV2Event } from '../../fixtures/events/api-gateway-v2';
import { webSocketEvent } from '../../fixtures/events/api-gateway-websocket';
import { albEvent } from '../../fixtures/events/alb';
import { UPSTREAM } from '../../fixtures/events/carrier';
import { dynamoDbEvent } from '../../fixtures/events/dynamodb';
import { eventBridgeEvent } from '../../fixtures/events/eventbridge';
import { eventBridgeSqsEvent } from '../../fixtures/events/eventbridge-sqs';
import { functionUrlEvent } from '../../fixtures/events/function-url';
import { kinesisEvent } from '../../fixtures/events/kinesis';
import { cloudFrontEvent, cloudWatchLogsEvent, scheduledEvent } from '../../fixtures/events/others';
import { s3Event } from '../../fixtures/events/s3';
import { snsEvent } from '../../fixtures/events/sns';
import { snsSqsEvent } from '../../fixtures/events/sns-sqs';
import { sqsEvent } from '../../fixtures/events/sqs';
import { stepFunctionsEvent } from '../../fixtures/events/step-functions';
import { preserveEnv } from '../../helpers/env';
import { hex, LocalHarness, ns, only } from './local-harness';

const UPSTREAM_LOW = BigInt(`0x${UPSTREAM.traceId.slice(16)}`);
const UPSTREAM_PARENT = BigInt(`0x${UPSTREAM.parentId}`);

describe('local span mode triggers', () => {
  const harness = new LocalHarness();
  preserveEnv();
  beforeAll(() => harness.install());
  beforeEach(() => {
    resetColdStart(Date.now() - 500);
    delete process.env.DD_SERVICE_MAPPING;
  });

  /** Inferred chain: each span's parent is the previous one; the first's is the upstream span. */
  function expectChain(spans: DatadogSpan[], names: string[], upstreamParent: bigint = UPSTREAM_PARENT): DatadogSpan[] {
    const chain = names.map((name) => only(spans, name));
    chain.forEach((span, i) => expect(hex(span.parent_id)).toBe(hex(i === 0 ? upstreamParent : chain[i - 1].span_id)));
    for (const span of spans) expect(span.trace_id).toBe(chain[0].trace_id);
    return chain;
  }

  it('makes SQS an async aws.sqs span from the _datadog String attribute', async () => {
    const { spans, started } = await harness.invoke(sqsEvent);
    const [sqs, lambda] = expectChain(spans, ['aws.sqs', 'aws.lambda']);
    expect(started.traceId).toBe(UPSTREAM.traceId);
    expect(sqs.trace_id).toBe(UPSTREAM_LOW);
    expect(sqs).toMatchObject({ service: 'orders-queue', resource: 'orders-queue', type: 'web', start: ns(1732536000123) });
    expect(sqs.meta).toMatchObject({
      queuename: 'orders-queue',
      source_arn: 'arn:aws:sqs:us-east-1:123456789012:orders-queue',
      sender_id: 'AROAQ6CEXAMPLE:orders-producer',
      retry_count: '2',
      '_inferred_span.synchronicity': 'async',
      '_inferred_span.tag_source': 'self',
      'peer.service': 'orders-api',
      '_dd.base_service': 'orders-api',
    });
    // Async: the queue's span ends where the function starts.
    expect(sqs.start + sqs.duration).toBe(lambda.start);
    expect(lambda.meta).toMatchObject({
      'function_trigger.event_source': 'sqs',
      'function_trigger.event_source_arn': 'arn:aws:sqs:us-east-1:123456789012:orders-queue',
      source_arn: 'arn:aws:sqs:us-east-1:123456789012:orders-queue',
      retry_count: '2',
    });
  });

  it('honours DD_SERVICE_MAPPING for the specific resource, then the trigger type', async () => {
    process.env.DD_SERVICE_MAPPING = 'orders-queue:queue-svc,lambda_sns:topics';
    const sqs = only((await harness.invoke(sqsEvent)).spans, 'aws.sqs');
    const sns = only((await harness.invoke(snsEvent)).spans, 'aws.sns');
    expect(sqs.service).toBe('queue-svc');
    expect(sns.service).toBe('topics');
  });

  it('uses the generic service name when DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED=false', async () => {
    process.env.DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED = 'false';
    expect(only((await harness.invoke(sqsEvent)).spans, 'aws.sqs').service).toBe('sqs');
  });

  it('makes SNS an aws.sns span from the base64 Binary attribute, keeping the milliseconds of Timestamp', async () => {
    const { spans } = await harness.invoke(snsEvent);
    const [sns, lambda] = expectChain(spans, ['aws.sns', 'aws.lambda']);
    expect(sns).toMatchObject({ service: 'order-events', resource: 'order-events', type: 'web', start: ns(Date.parse('2024-11-25T12:00:00.456Z')) });
    expect(sns.meta).toMatchObject({
      topicname: 'order-events',
      topic_arn: 'arn:aws:sns:us-east-1:123456789012:order-events',
      message_id: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
      subject: 'OrderPlaced',
      type: 'Notification',
    });
    expect(lambda.meta['function_trigger.event_source']).toBe('sns');
  });

  it('makes SNS→SQS an aws.sns span wrapping aws.sqs, the SNS hop ending when SQS took the message', async () => {
    const { spans } = await harness.invoke(snsSqsEvent);
    const [sns, sqs, lambda] = expectChain(spans, ['aws.sns', 'aws.sqs', 'aws.lambda']);
    expect(sns.start).toBe(ns(Date.parse('2024-11-25T12:00:00.100Z')));
    expect(sns.start + sns.duration).toBe(sqs.start);
    expect(sqs.start).toBe(ns(1732536000123));
    expect(lambda.meta['function_trigger.event_source']).toBe('sqs');
  });

  it('makes EventBridge→SQS an aws.eventbridge span wrapping aws.sqs', async () => {
    const { spans } = await harness.invoke(eventBridgeSqsEvent);
    const [eventBridge, sqs] = expectChain(spans, ['aws.eventbridge', 'aws.sqs', 'aws.lambda']);
    expect(eventBridge).toMatchObject({ resource: 'com.shop.orders', start: ns(Date.parse('2024-11-25T12:00:00Z')) });
    expect(eventBridge.start + eventBridge.duration).toBe(sqs.start);
  });

  it('makes EventBridge an aws.eventbridge span, with the exact start and bus name when the producer sent them', async () => {
    const plain = only((await harness.invoke(eventBridgeEvent())).spans, 'aws.eventbridge');
    expect(plain).toMatchObject({ service: 'com.shop.orders', resource: 'com.shop.orders', start: ns(Date.parse('2024-11-25T12:00:00Z')) });
    expect(plain.meta.detail_type).toBe('OrderPlaced');
    expect(hex(plain.parent_id)).toBe(UPSTREAM.parentId);

    const carrier = { 'x-datadog-trace-id': UPSTREAM.traceIdDecimal, 'x-datadog-parent-id': UPSTREAM.parentIdDecimal, 'x-datadog-start-time': '1732536000987', 'x-datadog-resource-name': 'orders-bus' };
    const exact = only((await harness.invoke(eventBridgeEvent(carrier))).spans, 'aws.eventbridge');
    expect(exact).toMatchObject({ resource: 'orders-bus', service: 'orders-bus', start: ns(1732536000987) });
  });

  it('makes Kinesis an aws.kinesis span from _datadog in the record data', async () => {
    const { spans } = await harness.invoke(kinesisEvent());
    const [kinesis, lambda] = expectChain(spans, ['aws.kinesis', 'aws.lambda']);
    expect(kinesis).toMatchObject({ service: 'order-stream', resource: 'order-stream', start: ns(1732536000789) });
    expect(kinesis.meta).toMatchObject({ stream_name: 'order-stream', shard_id: 'shardId-000000000006', partition_key: 'o-1001', event_name: 'aws:kinesis:record' });
    expect(lambda.meta['function_trigger.event_source_arn']).toBe('arn:aws:kinesis:us-east-1:123456789012:stream/order-stream');
  });

  it('makes DynamoDB Streams an aws.dynamodb span without upstream context', async () => {
    const { spans, started } = await harness.invoke(dynamoDbEvent);
    const dynamo = only(spans, 'aws.dynamodb');
    expect(dynamo).toMatchObject({ service: 'Orders', resource: 'INSERT Orders', start: ns(1732536000000) });
    expect(dynamo.parent_id).toBe(0n);
    expect(dynamo.meta).toMatchObject({ table_name: 'Orders', event_name: 'INSERT', stream_view_type: 'NEW_AND_OLD_IMAGES', size_bytes: '26' });
    expect(started.generatedTraceId).toBe(true);
    expect(only(spans, 'aws.lambda').parent_id).toBe(dynamo.span_id);
  });

  it('makes S3 an aws.s3 span', async () => {
    const s3 = only((await harness.invoke(s3Event)).spans, 'aws.s3');
    expect(s3).toMatchObject({ service: 'order-uploads', resource: 'order-uploads', start: ns(Date.parse('2024-11-25T12:00:00.321Z')) });
    expect(s3.meta).toMatchObject({ bucketname: 'order-uploads', bucket_arn: 'arn:aws:s3:::order-uploads', object_key: 'invoices/o-1001.pdf', event_name: 'ObjectCreated:Put', object_size: '1305107' });
  });

  it('makes a REST API request a sync aws.apigateway span ending with aws.lambda, from capitalized Datadog headers', async () => {
    const { spans } = await harness.invoke(apiGatewayV1Event(), { outcome: { result: { statusCode: 201 } } });
    const [api, lambda] = expectChain(spans, ['aws.apigateway', 'aws.lambda']);
    expect(api).toMatchObject({ service: 'abc123.execute-api.us-east-1.amazonaws.com', resource: 'GET /prod/orders/o-1001', type: 'web', start: ns(1732536000250) });
    expect(api.meta).toMatchObject({
      'http.url': 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/orders/o-1001',
      'http.method': 'GET',
      'http.route': '/orders/{id}',
      endpoint: '/prod/orders/o-1001',
      stage: 'prod',
      apiid: 'abc123',
      dd_resource_key: 'arn:aws:apigateway:us-east-1::/restapis/abc123',
      '_inferred_span.synchronicity': 'sync',
      'http.status_code': '201',
    });
    expect(api.start + api.duration).toBe(lambda.start + lambda.duration);
    expect(lambda.meta).toMatchObject({
      'function_trigger.event_source': 'api-gateway',
      'function_trigger.event_source_arn': 'arn:aws:apigateway:us-east-1::/restapis/abc123/stages/prod',
      'http.url': 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/orders/o-1001',
      'http.url_details.path': '/prod/orders/o-1001',
      'http.method': 'GET',
      'http.route': '/orders/{id}',
      'http.referer': 'https://shop.example.com/',
      'http.status_code': '201',
    });
  });

  it('makes a REST API request async when X-Amz-Invocation-Type is Event', async () => {
    const api = only((await harness.invoke(apiGatewayV1Event({}, { 'X-Amz-Invocation-Type': 'Event' }))).spans, 'aws.apigateway');
    expect(api.meta['_inferred_span.synchronicity']).toBe('async');
  });

  it('adds an aws.apigateway.authorizer span when a traced authorizer ran for this request', async () => {
    const { spans } = await harness.invoke(apiGatewayAuthorizerEvent());
    const [authorizer, api] = expectChain(spans, ['aws.apigateway.authorizer', 'aws.apigateway', 'aws.lambda'], BigInt(`0x${AUTHORIZER.spanId}`));
    expect(authorizer.start).toBe(ns(1732536000200));
    // Ends when API Gateway called the function: request time + integration latency.
    expect(authorizer.start + authorizer.duration).toBe(ns(1732536000150 + 80));
    expect(api.start).toBe(authorizer.start + authorizer.duration);
  });

  it('ignores a cached authorizer context (integrationLatency 0, another request id)', async () => {
    const event = apiGatewayAuthorizerEvent(0);
    event.requestContext.requestId = 'a-later-request';
    const { spans, started } = await harness.invoke(event);
    expect(spans.map((s) => s.name)).not.toContain('aws.apigateway.authorizer');
    expect(started.generatedTraceId).toBe(true);
  });

  it('makes an HTTP API request an aws.httpapi span from W3C headers alone', async () => {
    const { spans, started } = await harness.invoke(apiGatewayV2Event(), { outcome: { result: { statusCode: 200 } } });
    const [api, lambda] = expectChain(spans, ['aws.httpapi', 'aws.lambda']);
    expect(started.traceId).toBe(UPSTREAM.traceId);
    expect(started.samplingPriority).toBe(2);
    expect(api).toMatchObject({ service: 'xyz789.execute-api.us-east-1.amazonaws.com', resource: 'POST /orders/o-1001', start: ns(1732536000400) });
    expect(api.meta).toMatchObject({ dd_resource_key: 'arn:aws:apigateway:us-east-1::/apis/xyz789', 'http.method': 'POST' });
    expect(api.metrics._sampling_priority_v1).toBe(2);
    expect(lambda.meta).toMatchObject({ 'http.route': '/orders/{id}', 'http.status_code': '200', 'http.referer': 'https://shop.example.com/cart' });
  });

  it('makes a WebSocket message an async aws.apigateway span named by its route', async () => {
    const { spans } = await harness.invoke(webSocketEvent);
    const api = only(spans, 'aws.apigateway');
    expect(api).toMatchObject({ resource: '$default', start: ns(1732536000500) });
    expect(api.meta).toMatchObject({
      message_direction: 'IN',
      connection_id: 'GXLKAfX1FiACG1w=',
      event_type: 'MESSAGE',
      'http.url': 'https://ws123.execute-api.us-east-1.amazonaws.com/$default',
      '_inferred_span.synchronicity': 'async',
    });
    expect(api.start + api.duration).toBe(only(spans, 'aws.lambda').start);
    expect(only(spans, 'aws.lambda').meta['function_trigger.event_source_arn']).toBe('arn:aws:apigateway:us-east-1::/apis/ws123/stages/prod');
  });

  it('makes a Function URL request an aws.lambda.url span of type http', async () => {
    const { spans } = await harness.invoke(functionUrlEvent);
    const [url, lambda] = expectChain(spans, ['aws.lambda.url', 'aws.lambda']);
    expect(url).toMatchObject({ service: 'a1b2c3.lambda-url.us-east-1.on.aws', resource: 'POST /checkout', type: 'http', start: ns(1732536000600) });
    expect(lambda.meta['function_trigger.event_source']).toBe('lambda-function-url');
  });

  it('gives an ALB request trigger tags and context but no inferred span', async () => {
    const { spans } = await harness.invoke(albEvent);
    expect(spans.filter((s) => s.name !== 'aws.lambda.cold_start').map((s) => s.name)).toEqual(['aws.lambda']);
    const lambda = only(spans, 'aws.lambda');
    expect(hex(lambda.parent_id)).toBe(UPSTREAM.parentId);
    expect(lambda.meta).toMatchObject({
      'function_trigger.event_source': 'application-load-balancer',
      'function_trigger.event_source_arn': 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/orders-tg/6d0ecf831eec9f09',
      'http.method': 'GET',
    });
  });

  it('joins a Step Functions execution through the hashed context, without an inferred span', async () => {
    const { spans, started } = await harness.invoke(stepFunctionsEvent);
    const lambda = only(spans, 'aws.lambda');
    expect(spans.filter((s) => s.name !== 'aws.lambda.cold_start').map((s) => s.name)).toEqual(['aws.lambda']);
    expect(started.generatedTraceId).toBe(false);
    expect(lambda.parent_id).not.toBe(0n);
    expect(lambda.meta).toMatchObject({
      'function_trigger.event_source': 'states',
      'function_trigger.event_source_arn': 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderFlow',
      state_name: 'ChargeCard',
      '_dd.parent_source': 'event',
    });
  });

  it.each([
    ['a scheduled event', scheduledEvent, 'cloudwatch-events', 'arn:aws:events:us-east-1:123456789012:rule/nightly-report'],
    ['CloudWatch Logs (not inflated for an ARN)', cloudWatchLogsEvent, 'cloudwatch-logs', undefined],
    ['CloudFront', cloudFrontEvent, 'cloudfront', 'arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE'],
  ])('tags %s with its event source and no inferred span', async (_name, event, source, arn) => {
    const { spans } = await harness.invoke(event);
    const lambda = only(spans, 'aws.lambda');
    expect(spans.filter((s) => s.name !== 'aws.lambda.cold_start')).toHaveLength(1);
    expect(lambda.meta['function_trigger.event_source']).toBe(source);
    expect(lambda.meta['function_trigger.event_source_arn']).toBe(arn);
  });
});
