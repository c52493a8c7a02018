import { resetColdStart } from '../../../runtime/invocation/cold-start';
import { batchItemFailureCount, lambdaTags } from '../../../runtime/metrics/enhanced-metrics';
import { LIBRARY_VERSION } from '../../../runtime/version';
import { wrapHandler, type WrapHandlerOptions } from '../../../runtime/invocation/wrap-handler';
import { preserveEnv } from '../../helpers/env';
import { lambdaContext } from '../../helpers/lambda-context';
import { useUdpListener } from './udp-listener';

describe('lambdaTags', () => {
  it('reads function, region, account, alias, memory, runtime and the cold start', () => {
    const context = lambdaContext({ invokedFunctionArn: 'arn:aws:lambda:eu-west-1:210987654321:function:Orders:live', memoryLimitInMB: '512' });
    const env = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };
    expect(lambdaTags(context, true, env).sort()).toEqual(
      [
        'cold_start:true',
        `datadog_lambda:v${LIBRARY_VERSION}`,
        'functionname:Orders',
        'resource:Orders:live',
        'region:eu-west-1',
        'account_id:210987654321',
        'memorysize:512',
        'runtime:nodejs22.x',
      ].sort(),
    );
    expect(lambdaTags(context, false, env)).toContain('cold_start:false');
  });

  it('falls back to the function name when there is no ARN', () => {
    expect(lambdaTags({ functionName: 'orders' }, true, {})).toEqual(['cold_start:true', `datadog_lambda:v${LIBRARY_VERSION}`, 'functionname:orders', 'resource:orders']);
  });
});

describe('batchItemFailureCount', () => {
  it('counts the batchItemFailures array and ignores results without one', () => {
    expect(batchItemFailureCount({ batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }] })).toBe(2);
    expect(batchItemFailureCount({ batchItemFailures: [] })).toBe(0);
    expect(batchItemFailureCount({ batchItemFailures: 'none' })).toBeUndefined();
    expect(batchItemFailureCount({ statusCode: 200 })).toBeUndefined();
    expect(batchItemFailureCount(null)).toBeUndefined();
    expect(batchItemFailureCount('text')).toBeUndefined();
  });
});

describe('enhanced metrics of a wrapped handler', () => {
  preserveEnv();
  const listener = useUdpListener();
  beforeEach(() => {
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
  });

  /** No extension installed, metrics explicitly to our listener. */
  function options(overrides: WrapHandlerOptions = {}): WrapHandlerOptions {
    return { extensionPath: '/nonexistent/datadog-agent', metricsExporter: 'dogstatsd', dogstatsdPort: listener().port, service: 'orders', env: 'prod', ...overrides };
  }

  const names = (lines: string[]) => lines.map((line) => line.split(':')[0]);

  it('sends batch_item_failures as a distribution with Lambda and global tags when an SQS handler reports failures', async () => {
    const handler = wrapHandler(async () => ({ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] }), options());
    await handler({ Records: [] }, lambdaContext());
    const [line] = (await listener().waitForLines(1)).map((raw) => raw);
    expect(listener().lines()).toHaveLength(1);
    const [head, type, tags, timestamp] = line.split('|');
    expect([head, type]).toEqual(['aws.lambda.enhanced.batch_item_failures:2', 'd']);
    expect(tags.slice(1).split(',')).toEqual(
      expect.arrayContaining([
        'service:orders',
        'env:prod',
        'functionname:orders',
        'region:us-east-1',
        'account_id:123456789012',
        'resource:orders',
        'memorysize:1024',
        'runtime:nodejs22.x',
        `datadog_lambda:v${LIBRARY_VERSION}`,
        expect.stringMatching(/^cold_start:(true|false)$/),
      ]),
    );
    expect(timestamp).toMatch(/^T\d{10}$/);
  });

  it('tags cold_start:true on the first invocation of the sandbox only', async () => {
    resetColdStart(Date.now());
    const handler = wrapHandler(async () => ({ batchItemFailures: [] }), options());
    await handler({ Records: [] }, lambdaContext());
    await handler({ Records: [] }, lambdaContext());
    const coldStarts = (await listener().waitForLines(2)).map((line) => /cold_start:(true|false)/.exec(line)?.[1]);
    expect(coldStarts).toEqual(['true', 'false']);
  });

  it('sends nothing for a result without batchItemFailures, or with DD_ENHANCED_METRICS off', async () => {
    await wrapHandler(async () => ({ statusCode: 200 }), options())({}, lambdaContext());
    await wrapHandler(async () => ({ batchItemFailures: [{ itemIdentifier: 'm-1' }] }), options({ enhancedMetrics: false }))({}, lambdaContext());
    expect(await listener().settle()).toEqual([]);
  });

  it('counts invocations and errors in local span mode without the extension', async () => {
    const failure = new Error('boom');
    const handler = wrapHandler(async (event: { fail: boolean }) => {
      if (event.fail) throw failure;
      return 'ok';
    }, options({ universalInstrumentation: false }));
    await handler({ fail: false }, lambdaContext());
    await expect(handler({ fail: true }, lambdaContext())).rejects.toBe(failure);
    const lines = await listener().waitForLines(3);
    expect(names(lines)).toEqual(['aws.lambda.enhanced.invocations', 'aws.lambda.enhanced.invocations', 'aws.lambda.enhanced.errors']);
    for (const line of lines) expect(line).toMatch(/^[a-z.]+:1\|d\|#.*functionname:orders.*\|T\d+$/);
  });

  it('leaves invocations and errors to the extension in universal mode', async () => {
    const handler = wrapHandler(async () => {
      throw new Error('boom');
    }, options({ universalInstrumentation: true }));
    await expect(handler({}, lambdaContext())).rejects.toThrow('boom');
    expect(await listener().settle()).toEqual([]);
  });
});
