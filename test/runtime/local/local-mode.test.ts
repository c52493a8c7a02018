import { trace } from '@opentelemetry/api';
import { wrapHandler } from '../../../runtime';
import { resetColdStart } from '../../../runtime/invocation/cold-start';
import { setTraceExtractor } from '../../../runtime/local/synthetic-context';
import { ExtensionEmulator, flushTraces, summarizeTrace, type DecodedSpan } from '../../../runtime/testing';
import { apiGatewayV2Event } from '../../fixtures/events/api-gateway-v2';
import { UPSTREAM } from '../../fixtures/events/carrier';
import { sqsEvent } from '../../fixtures/events/sqs';
import { lambdaContext } from '../../helpers/lambda-context';

describe('local span mode end to end', () => {
  let extension: ExtensionEmulator;
  beforeAll(async () => {
    extension = await ExtensionEmulator.start({ service: 'orders' });
  });
  afterAll(() => extension.close());
  beforeEach(() => extension.reset());

  const byName = (spans: DecodedSpan[], name: string) => spans.filter((span) => span.name === name);

  it('sends inferred span → aws.lambda → user spans (+ the cold start) through the trace intake, without lifecycle calls', async () => {
    resetColdStart(Date.now() - 250);
    const handler = wrapHandler(
      async (event: typeof sqsEvent, _context: unknown) => {
        await trace.getTracer('orders').startActiveSpan('process-message', async (span) => {
          span.setAttribute('records', event.Records.length);
          await new Promise((resolve) => setTimeout(resolve, 2));
          span.end();
        });
        return { batchItemFailures: [] };
      },
      { ...extension.config(), universalInstrumentation: false, service: 'orders' },
    );
    const context = lambdaContext({ functionName: 'orders-consumer', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-consumer' });
    await expect(handler(sqsEvent, context)).resolves.toEqual({ batchItemFailures: [] });
    await flushTraces();

    expect(extension.starts).toEqual([]);
    expect(extension.ends).toEqual([]);
    const spans = extension.receivedSpans();
    const [sqs] = byName(spans, 'aws.sqs');
    const [lambda] = byName(spans, 'aws.lambda');
    const [coldStart] = byName(spans, 'aws.lambda.cold_start');
    const user = spans.find((span) => span.resource === 'process-message');
    expect([sqs, lambda, coldStart, user].every(Boolean)).toBe(true);
    expect(spans).toHaveLength(4);
    expect(sqs.parent_id).toBe(BigInt(`0x${UPSTREAM.parentId}`));
    expect(lambda.parent_id).toBe(sqs.span_id);
    expect(user!.parent_id).toBe(lambda.span_id);
    expect(coldStart.parent_id).toBe(sqs.span_id);
    // One trace continuing the producer's; its only root is the upstream producer span.
    const summary = summarizeTrace(spans);
    expect(summary.traceIds).toEqual([BigInt(`0x${UPSTREAM.traceId.slice(16)}`)]);
    expect(summary.roots).toEqual([sqs]);
    expect(lambda).toMatchObject({ service: 'orders', type: 'serverless', resource: 'orders-consumer', error: 0 });
    expect(lambda.meta).toMatchObject({ cold_start: 'true', 'function_trigger.event_source': 'sqs', function_arn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-consumer' });

    extension.reset();
    await handler(sqsEvent, context);
    await flushTraces();
    const warm = extension.receivedSpans();
    expect(byName(warm, 'aws.lambda.cold_start')).toEqual([]);
    expect(byName(warm, 'aws.lambda')[0].meta.cold_start).toBe('false');
  });

  it('reports a thrown error on aws.lambda and the sync inferred span, and rethrows it untouched', async () => {
    const failure = new RangeError('quantity must be positive');
    const handler = wrapHandler(
      (_event: unknown, _context: unknown) => Promise.reject(failure),
      { ...extension.config(), universalInstrumentation: false, service: 'orders' },
    );
    await expect(handler(apiGatewayV2Event(), lambdaContext())).rejects.toBe(failure);
    await flushTraces();
    const spans = extension.receivedSpans();
    const [lambda] = byName(spans, 'aws.lambda');
    expect(lambda).toMatchObject({ error: 1, meta: expect.objectContaining({ 'error.type': 'RangeError', 'error.message': 'quantity must be positive' }) });
    expect(byName(spans, 'aws.httpapi')[0].error).toBe(1);
    expect(extension.starts).toEqual([]);
  });

  it('continues the trace a traceExtractor option reads from a custom event shape', async () => {
    // GIVEN an event of the user's own shape, carrying Datadog headers under `meta`
    const handler = wrapHandler(async (_event: unknown, _context: unknown) => 'ok', {
      ...extension.config(),
      universalInstrumentation: false,
      traceExtractor: (event) => (event as { meta?: Record<string, string> }).meta,
    });
    try {
      // WHEN it is invoked
      await handler({ meta: { 'x-datadog-trace-id': '4242', 'x-datadog-parent-id': '77', 'x-datadog-sampling-priority': '2' } }, lambdaContext());
      await flushTraces();

      // THEN aws.lambda continues that trace under that parent
      const [lambda] = byName(extension.receivedSpans(), 'aws.lambda');
      expect(lambda).toMatchObject({ trace_id: 4242n, parent_id: 77n });
      expect(lambda.metrics._sampling_priority_v1).toBe(2);
    } finally {
      setTraceExtractor(undefined);
    }
  });
});
