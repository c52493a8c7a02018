import { log } from '../log';
import { extractFromHeaders } from '../propagation/headers';
import type { DatadogTraceContext } from '../tracing/trace-context';
import { EndpointHealth } from './endpoint-health';
import { hasConnected, loopbackPipeline, type LoopbackResponse } from '../transport/loopback-http';
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

type LifecycleRoute = 'start-invocation' | 'end-invocation';

const IMPACT: Record<LifecycleRoute, string> = {
  'start-invocation': 'traces do not continue upstream ones',
  'end-invocation': 'no aws.lambda span',
};

/**
 * One health record per route and extension URL, shared by every copy of the library in the
 * process: a hung end-invocation backs off even while start-invocation answers.
 */
function healthOf(endpoint: ExtensionEndpoint, route: LifecycleRoute): EndpointHealth {
  return globalSlot(`health:${endpoint.url}/lambda/${route}`, () => new EndpointHealth({ route, impact: IMPACT[route] }));
}

/** True while the route is not backing off after failures. */
export function isRouteAvailable(endpoint: ExtensionEndpoint, route: LifecycleRoute): boolean {
  return healthOf(endpoint, route).isAvailable();
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
export function startInvocation(endpoint: ExtensionEndpoint, requestId: string, eventJson: string): Promise<StartInvocationResult> {
  return send(endpoint, [startCall(requestId, eventJson)])[0].then(startResult);
}

/** Reports the end of the invocation. Resolves on any outcome; never rejects. */
export async function endInvocation(endpoint: ExtensionEndpoint, headers: Record<string, string>, resultJson: string): Promise<void> {
  await send(endpoint, [['end-invocation', headers, resultJson]])[0];
}

/**
 * start-invocation and end-invocation in one write on one connection, for an invocation that
 * ends before its start was sent. The extension's server answers them in order, so start is
 * handled first, as when sent apart. Neither promise rejects.
 */
export function startAndEndInvocation(
  endpoint: ExtensionEndpoint,
  start: { readonly requestId: string; readonly eventJson: string },
  end: { readonly headers: Record<string, string>; readonly resultJson: string },
): { start: Promise<StartInvocationResult>; end: Promise<unknown> } {
  const [started, ended] = send(endpoint, [startCall(start.requestId, start.eventJson), ['end-invocation', end.headers, end.resultJson]]);
  return { start: started.then(startResult), end: ended };
}

/** A lifecycle call: its route, headers and JSON body. */
type LifecycleCall = readonly [route: LifecycleRoute, headers: Record<string, string>, body: string];

function startCall(requestId: string, eventJson: string): LifecycleCall {
  return ['start-invocation', { [REQUEST_ID_HEADER]: requestId }, eventJson];
}

function startResult(response: LoopbackResponse | undefined): StartInvocationResult {
  return response ? { answered: true, context: readTraceContext(response.headers) } : { answered: false };
}

/**
 * Lifecycle calls written together on one connection, with each route's health bookkeeping:
 * per call, the 2xx response, or undefined on any failure.
 */
function send(endpoint: ExtensionEndpoint, calls: readonly LifecycleCall[]): Array<Promise<LoopbackResponse | undefined>> {
  const startedAt = performance.now();
  const healths = calls.map(([route]) => healthOf(endpoint, route));
  const requests = calls.map(([route, headers, body], index) => {
    const url = `${endpoint.url}/lambda/${route}`;
    return { url, headers: { 'content-type': 'application/json', ...headers }, body, timeoutMs: healths[index].timeoutFor(endpoint.timeoutMs, !hasConnected(url)) };
  });
  return loopbackPipeline(requests).map(async (pending, index) => {
    const route = calls[index][0];
    const health = healths[index];
    try {
      const response = await pending;
      if (response.status >= 400) throw new Error(`${route} answered ${response.status}`);
      health.succeeded();
      return response;
    } catch (error) {
      const timedOut = (error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
      health.failed(timedOut ? 'timeout' : 'fast', performance.now() - startedAt, error);
      log.debug(`${route} failed`, error);
      return undefined;
    }
  });
}

/** The extension answers with the extracted context in Datadog headers: decimal low 64 bits, `_dd.p.tid`, priority. */
export function readTraceContext(headers: Readonly<Record<string, string | string[] | undefined>>): DatadogTraceContext | undefined {
  return extractFromHeaders(headers);
}
