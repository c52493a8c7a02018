/**
 * What the Lambda runtime hands a handler, for the benchmark's child processes: an API Gateway
 * v2 event (a realistic size for start-invocation's body and Datadog's trigger parsing) and a
 * context. No work at import time: the cold harness starts its clock before anything runs.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** A Lambda handler as the runtime calls it. */
export type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** An HTTP API (API Gateway v2) request without upstream trace headers. */
export function apiGatewayEvent(): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /orders/{id}',
    rawPath: '/orders/42',
    rawQueryString: 'expand=items',
    headers: {
      accept: 'application/json',
      'content-length': '0',
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      'user-agent': 'curl/8.5.0',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    queryStringParameters: { expand: 'items' },
    pathParameters: { id: '42' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: 'GET', path: '/orders/42', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: 'GET /orders/{id}',
      stage: '$default',
      time: '25/Nov/2026:12:00:00 +0000',
      timeEpoch: 1795608000000,
    },
    isBase64Encoded: false,
  };
}

/** A context with the request id given; the ARN and names match `AWS_LAMBDA_FUNCTION_NAME=bench`. */
export function lambdaContext(awsRequestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: '/aws/lambda/bench',
    logStreamName: '2026/11/25/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A request id unique within the process, shaped like Lambda's. */
export function requestId(index: number): string {
  return `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
}

/**
 * Loads the handler the way the Lambda Node runtime (itself an ES module) does: `import()` for
 * `.mjs`, `require` for CommonJS. Uses `process.getBuiltinModule` so no static import runs
 * before the caller's clock starts.
 */
export async function loadHandler(entry: string): Promise<Handler> {
  const { createRequire } = process.getBuiltinModule('node:module');
  const { pathToFileURL } = process.getBuiltinModule('node:url');
  const loaded = (entry.endsWith('.mjs') ? await import(pathToFileURL(entry).href) : createRequire(entry)(entry)) as { handler?: Handler };
  if (typeof loaded.handler !== 'function') throw new Error(`${entry} exports no handler function`);
  return loaded.handler;
}

/** Writes the child's result as one marked line, so library output on stdout cannot be mistaken for it. */
export function reportResult(result: unknown): void {
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
}

/** Prefix of the result line on a child's stdout. */
export const RESULT_MARK = '@@bench-result ';
