import { log } from '../log';
import { extractFromHeaders } from '../propagation/headers';
import type { DatadogTraceContext } from '../tracing/trace-context';
import { EndpointHealth } from './endpoint-health';
import { loopbackRequest, type LoopbackResponse } from '../transport/loopback-http';
import { globalSlot } from '../global-state';

/**
 * The extension's universal-instrumentation API (port 8124):
 * `POST /lambda/start-invocation` and `POST /lambda/end-invocation`.
 */
export interface ExtensionEndpoint {
  readonly url: string;
  readonly timeoutMs: number;
}

export const REQUEST_ID_HEADER = 'lambda-runtime-aws-request-id';

export const ERROR_HEADER = {
  ERROR: 'x-datadog-invocation-error',
  MESSAGE: 'x-datadog-invocation-error-msg',
  TYPE: 'x-datadog-invocation-error-type',
  STACK: 'x-datadog-invocation-error-stack',
} as const;

/** One health record per extension URL, shared by every copy of the library in the process. */
function healthOf(url: string): EndpointHealth {
  return globalSlot(`health:${url}`, () => new EndpointHealth());
}

/** True while the lifecycle API is not backing off after a failure. */
export function isExtensionAvailable(endpoint: ExtensionEndpoint): boolean {
  return healthOf(endpoint.url).isAvailable();
}

/** What start-invocation gave: whether the extension answered, and the context it extracted. */
export interface StartInvocationResult {
  /** True when the extension answered 2xx: end-invocation is then due. */
  readonly answered: boolean;
  readonly context?: DatadogTraceContext;
}

/**
 * Announces the invocation and returns the trace context the extension extracted from the
 * event, if any. Never rejects.
 */
export async function startInvocation(endpoint: ExtensionEndpoint, requestId: string, eventJson: string): Promise<StartInvocationResult> {
  const response = await callLifecycle(endpoint, 'start-invocation', { [REQUEST_ID_HEADER]: requestId }, eventJson);
  return response ? { answered: true, context: readTraceContext(response.headers) } : { answered: false };
}

/** Reports the end of the invocation. Resolves on any outcome; never rejects. */
export async function endInvocation(endpoint: ExtensionEndpoint, headers: Record<string, string>, resultJson: string): Promise<void> {
  await callLifecycle(endpoint, 'end-invocation', headers, resultJson);
}

/** One lifecycle call with its health bookkeeping: the 2xx response, or undefined on any failure. */
async function callLifecycle(
  endpoint: ExtensionEndpoint,
  route: 'start-invocation' | 'end-invocation',
  headers: Record<string, string>,
  body: string,
): Promise<LoopbackResponse | undefined> {
  const health = healthOf(endpoint.url);
  try {
    const response = await loopbackRequest({
      url: `${endpoint.url}/lambda/${route}`,
      headers: { 'content-type': 'application/json', ...headers },
      body,
      timeoutMs: health.timeoutFor(endpoint.timeoutMs),
    });
    if (response.status >= 400) throw new Error(`${route} answered ${response.status}`);
    health.succeeded();
    return response;
  } catch (error) {
    health.failed();
    log.debug(`${route} failed`, error);
    return undefined;
  }
}

/** The extension answers with the extracted context in Datadog headers: decimal low 64 bits, `_dd.p.tid`, priority. */
export function readTraceContext(headers: Readonly<Record<string, string | string[] | undefined>>): DatadogTraceContext | undefined {
  return extractFromHeaders(headers);
}
