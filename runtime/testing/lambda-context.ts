import type { LambdaContext as Context } from '../lambda-types';

let counter = 0;

/**
 * A Lambda context as the Node.js runtime passes it, for tests and local runs: a fresh
 * request id per call (UUID-shaped, counting up), a function ARN in us-east-1, 1024 MB.
 * Its `functionName` (default 'orders') also names the service of the spans when no `service`
 * option, `DD_SERVICE` or `AWS_LAMBDA_FUNCTION_NAME` does, as the function name does in Lambda.
 *
 * @example
 * await handler(event, createLambdaContext({ functionName: 'orders' }));
 */
export function createLambdaContext(overrides: Partial<Context> = {}): Context {
  counter += 1;
  const functionName = overrides.functionName ?? 'orders';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/25/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}
