import { resetColdStart, takeColdStart } from '../../../runtime/invocation/cold-start';
import { lambdaContext } from '../../helpers/lambda-context';
import { preserveEnv } from '../../helpers/env';
import { LocalHarness, ns, only } from './local-harness';

describe('takeColdStart', () => {
  preserveEnv();
  beforeEach(() => {
    resetColdStart();
    delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
  });

  it('is a cold start on the first invocation only', () => {
    const now = Date.now();
    expect(takeColdStart(now, now - 300)).toEqual({ coldStart: true, proactiveInitialization: false, initStartMs: now - 300 });
    expect(takeColdStart(now + 50, now - 300)).toEqual({ coldStart: false, proactiveInitialization: false });
  });

  it('is no cold start under provisioned concurrency', () => {
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'provisioned-concurrency';
    expect(takeColdStart(Date.now(), Date.now() - 100)).toEqual({ coldStart: false, proactiveInitialization: false });
  });

  it('flags proactive initialization when init was over 10 s before the first invoke', () => {
    const now = Date.now();
    expect(takeColdStart(now, now - 10_001)).toEqual({ coldStart: false, proactiveInitialization: true });
    expect(takeColdStart(now + 1, now - 10_001).proactiveInitialization).toBe(false);
  });
});

describe('cold-start span', () => {
  const harness = new LocalHarness();
  preserveEnv();
  beforeAll(() => harness.install());
  beforeEach(() => delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE);

  it('covers process start to first invocation under aws.lambda, then disappears', async () => {
    const initStart = Date.now() - 420;
    resetColdStart(initStart);
    const first = await harness.invoke({});
    const coldStart = only(first.spans, 'aws.lambda.cold_start');
    const lambda = only(first.spans, 'aws.lambda');
    expect(coldStart).toMatchObject({ resource: 'Orders-Handler', service: 'orders-api', start: ns(initStart), parent_id: lambda.span_id, trace_id: lambda.trace_id });
    expect(coldStart.start + coldStart.duration).toBe(lambda.start);
    expect(lambda.meta.cold_start).toBe('true');

    const second = await harness.invoke({});
    expect(second.spans.map((s) => s.name)).toEqual(['aws.lambda']);
    expect(only(second.spans, 'aws.lambda').meta.cold_start).toBe('false');
  });

  it('hangs under the inferred span when there is one', async () => {
    resetColdStart(Date.now() - 100);
    const { spans } = await harness.invoke({ Records: [{ eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q', attributes: {} }] });
    expect(only(spans, 'aws.lambda.cold_start').parent_id).toBe(only(spans, 'aws.sqs').span_id);
  });

  it('is not created under provisioned concurrency', async () => {
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'provisioned-concurrency';
    resetColdStart(Date.now() - 100);
    const { spans } = await harness.invoke({});
    expect(spans.map((s) => s.name)).toEqual(['aws.lambda']);
    expect(only(spans, 'aws.lambda').meta.cold_start).toBe('false');
  });

  it('is not created for proactive initialization, which is tagged instead', async () => {
    // A sandbox initialized 45 minutes before its first request (datadog-lambda-js#657).
    resetColdStart(Date.now() - 45 * 60_000);
    const { spans } = await harness.invoke({}, { context: lambdaContext() });
    expect(spans.map((s) => s.name)).toEqual(['aws.lambda']);
    expect(only(spans, 'aws.lambda').meta).toMatchObject({ cold_start: 'false', proactive_initialization: 'true' });
  });
});
