import { resetColdStart } from '../../../runtime/invocation/cold-start';
import { LIBRARY_VERSION } from '../../../runtime/version';
import { apiGatewayV1Event } from '../../fixtures/events/api-gateway-v1';
import { functionUrlEvent } from '../../fixtures/events/function-url';
import { albEvent } from '../../fixtures/events/alb';
import { lambdaContext } from '../../helpers/lambda-context';
import { LocalHarness, only } from './local-harness';

describe('aws.lambda span', () => {
  const harness = new LocalHarness();
  beforeAll(() => harness.install());
  beforeEach(() => resetColdStart(Date.now() - 100));

  it('carries the function span fields and Datadog Lambda tags', async () => {
    const { spans } = await harness.invoke({ anything: true });
    const lambda = only(spans, 'aws.lambda');
    expect(lambda).toMatchObject({ name: 'aws.lambda', type: 'serverless', resource: 'Orders-Handler', service: 'orders-api', parent_id: 0n, error: 0 });
    expect(lambda.meta).toMatchObject({
      'span.kind': 'server',
      cold_start: 'true',
      function_arn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-handler',
      function_version: 'live',
      functionname: 'orders-handler',
      resource_names: 'Orders-Handler',
      datadog_lambda: LIBRARY_VERSION,
      '_dd.origin': 'lambda',
    });
    expect(lambda.meta.request_id).toMatch(/^00000000-0000-4000-8000-/);
    expect(lambda.meta['function_trigger.event_source']).toBeUndefined();
    expect(lambda.metrics._sampling_priority_v1).toBe(1);
  });

  it('uses $LATEST when the ARN has no qualifier', async () => {
    const { spans } = await harness.invoke({}, { context: lambdaContext() });
    expect(only(spans, 'aws.lambda').meta.function_version).toBe('$LATEST');
  });

  it('records what the handler threw', async () => {
    const error = new TypeError('card declined');
    const { spans } = await harness.invoke(apiGatewayV1Event(), { outcome: { error } });
    const lambda = only(spans, 'aws.lambda');
    expect(lambda.error).toBe(1);
    expect(lambda.meta).toMatchObject({ 'error.type': 'TypeError', 'error.message': 'card declined' });
    expect(lambda.meta['error.stack']).toContain('card declined');
    expect(lambda.meta['http.status_code']).toBeUndefined();
    // The sync inferred span shares the failure.
    expect(only(spans, 'aws.apigateway').error).toBe(1);
  });

  it('records a thrown non-Error value', async () => {
    const { spans } = await harness.invoke({}, { outcome: { error: { code: 42 } } });
    expect(only(spans, 'aws.lambda').meta).toMatchObject({ 'error.type': 'object', 'error.message': '{"code":42}' });
  });

  it('marks a 5xx answer as an error, on aws.lambda and the sync inferred span', async () => {
    const { spans } = await harness.invoke(functionUrlEvent, { outcome: { result: { statusCode: 503, body: 'down' } } });
    const lambda = only(spans, 'aws.lambda');
    expect(lambda.error).toBe(1);
    expect(lambda.meta['http.status_code']).toBe('503');
    expect(only(spans, 'aws.lambda.url')).toMatchObject({ error: 1, meta: expect.objectContaining({ 'http.status_code': '503' }) });
  });

  it('marks a 5xx answer as an error even without an inferred span (ALB)', async () => {
    const { spans } = await harness.invoke(albEvent, { outcome: { result: { statusCode: 500 } } });
    expect(spans.filter((s) => s.name !== 'aws.lambda.cold_start').map((s) => s.name)).toEqual(['aws.lambda']);
    expect(only(spans, 'aws.lambda')).toMatchObject({ error: 1, meta: expect.objectContaining({ 'http.status_code': '500' }) });
  });

  it('takes a string status code, and 200 for a result without one', async () => {
    expect(only((await harness.invoke(functionUrlEvent, { outcome: { result: { statusCode: '404' } } })).spans, 'aws.lambda').meta['http.status_code']).toBe('404');
    expect(only((await harness.invoke(functionUrlEvent, { outcome: { result: 'plain body' } })).spans, 'aws.lambda').meta['http.status_code']).toBe('200');
    expect(only((await harness.invoke(functionUrlEvent, { outcome: { result: undefined } })).spans, 'aws.lambda').meta['http.status_code']).toBeUndefined();
  });

  it('sets no status code for non-HTTP triggers', async () => {
    const { spans } = await harness.invoke({}, { outcome: { result: { statusCode: 500 } } });
    expect(only(spans, 'aws.lambda')).toMatchObject({ error: 0 });
    expect(only(spans, 'aws.lambda').meta['http.status_code']).toBeUndefined();
  });

  it('parents the handler spans to aws.lambda', async () => {
    const { spans, started } = await harness.invoke({}, { userSpan: true });
    const lambda = only(spans, 'aws.lambda');
    // The Agent's V2 mapping names an internal span `internal`, its resource is the OTel name.
    expect(spans.find((s) => s.resource === 'load-order')?.parent_id).toBe(lambda.span_id);
    expect(started.spanId).toBe(lambda.span_id.toString(16).padStart(16, '0'));
    expect(started.extensionStarted).toBe(false);
  });
});
