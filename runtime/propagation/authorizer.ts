import type { DatadogTraceContext } from '../tracing/trace-context';
import { decodeBase64, isObject, num, parseJson, path, str, type Obj } from './event-fields';
import { extractFromHeaders } from './headers';

/**
 * The `_datadog` context a traced Lambda authorizer returns to API Gateway
 * (`result.context._datadog`, base64 JSON), which API Gateway hands to the backend Lambda in
 * `requestContext.authorizer._datadog` (REST) or `requestContext.authorizer.lambda._datadog`
 * (HTTP API).
 *
 * A cached authorizer result belongs to an older request, so it counts only when the
 * authorizer really ran for this one: `integrationLatency > 0`, or the request id it recorded
 * is this request's.
 */
export interface AuthorizerContext {
  readonly context: DatadogTraceContext;
  /** When the authorizer's span finished (ms since the epoch), if it said. */
  readonly finishTimeMs?: number;
  /** `requestContext.authorizer.integrationLatency` in ms. */
  readonly integrationLatencyMs: number;
}

export function extractAuthorizerContext(requestContext: unknown): AuthorizerContext | undefined {
  if (!isObject(requestContext) || !isObject(requestContext.authorizer)) return undefined;
  const authorizer = requestContext.authorizer;
  const encoded = str(authorizer._datadog) ?? str(path(authorizer, 'lambda', '_datadog'));
  if (!encoded) return undefined;
  const carrier = parseJson(decodeBase64(encoded));
  if (!isObject(carrier)) return undefined;
  const integrationLatencyMs = num(authorizer.integrationLatency) ?? 0;
  const authorizingRequestId = str(carrier['x-datadog-authorizing-requestid']);
  if (integrationLatencyMs <= 0 && (authorizingRequestId === undefined || authorizingRequestId !== requestContext.requestId)) return undefined;
  const context = extractFromHeaders(carrier);
  if (!context) return undefined;
  return { context, finishTimeMs: finishTime(carrier), integrationLatencyMs };
}

/** `x-datadog-parent-span-finish-time` is in nanoseconds (a number, or a numeric string). */
function finishTime(carrier: Obj): number | undefined {
  const ns = num(carrier['x-datadog-parent-span-finish-time']);
  return ns !== undefined && ns > 0 ? ns / 1e6 : undefined;
}
