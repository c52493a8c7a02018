import type { IncomingHttpHeaders } from 'node:http';
import { decimalIdToHex, ZERO_HIGH_BITS } from './ids';
import { log } from './log';
import { HEADER } from './propagation/headers';
import { parseDatadogTags } from './propagation/datadog-tags';
import type { DatadogTraceContext } from './trace-context';
import { EndpointHealth } from './transport/endpoint-health';
import { loopbackRequest } from './transport/loopback-http';
import { globalSlot } from './global-state';

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
  const health = healthOf(endpoint.url);
  try {
    const response = await loopbackRequest({
      url: `${endpoint.url}/lambda/start-invocation`,
      headers: { 'content-type': 'application/json', [REQUEST_ID_HEADER]: requestId },
      body: eventJson,
      timeoutMs: health.timeoutFor(endpoint.timeoutMs),
    });
    if (response.status >= 400) throw new Error(`start-invocation answered ${response.status}`);
    health.succeeded();
    return { answered: true, context: readTraceContext(response.headers) };
  } catch (error) {
    health.failed();
    log.debug('start-invocation failed', error);
    return { answered: false };
  }
}

/** Reports the end of the invocation. Resolves on any outcome; never rejects. */
export async function endInvocation(
  endpoint: ExtensionEndpoint,
  headers: Record<string, string>,
  resultJson: string,
): Promise<void> {
  const health = healthOf(endpoint.url);
  try {
    const response = await loopbackRequest({
      url: `${endpoint.url}/lambda/end-invocation`,
      headers: { 'content-type': 'application/json', ...headers },
      body: resultJson,
      timeoutMs: health.timeoutFor(endpoint.timeoutMs),
    });
    if (response.status >= 400) throw new Error(`end-invocation answered ${response.status}`);
    health.succeeded();
  } catch (error) {
    health.failed();
    log.debug('end-invocation failed', error);
  }
}

/** The extension answers with the extracted context: decimal low 64 bits, `_dd.p.tid`, priority. */
export function readTraceContext(headers: IncomingHttpHeaders): DatadogTraceContext | undefined {
  const low = decimalIdToHex(single(headers[HEADER.TRACE_ID]));
  if (!low) return undefined;
  const { traceIdHigh, propagationTags } = parseDatadogTags(single(headers[HEADER.TAGS]));
  const priority = single(headers[HEADER.SAMPLING_PRIORITY]);
  return {
    traceId: (traceIdHigh ?? ZERO_HIGH_BITS) + low,
    samplingPriority: priority !== undefined && /^-?\d{1,3}$/.test(priority) ? Number(priority) : undefined,
    propagationTags,
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
