import { extractAuthorizerContext, type AuthorizerContext } from '../../propagation/authorizer';
import { isObject, num, str, type Obj } from '../../propagation/event-fields';
import { extractFromHeaders } from '../../propagation/headers';
import { parameterizePath } from '../parameterize-path';
import { inferredServiceName } from '../service-mapping';
import { compactTags, type InferredSpanSpec, type Synchronicity, type Trigger, type TriggerEnv } from '../trigger';

/**
 * HTTP triggers: API Gateway REST (v1), HTTP API (v2), WebSocket, Lambda Function URLs and
 * ALB. The carrier is the authorizer's `_datadog` (when the authorizer ran for this
 * request), else the request headers (Datadog, then W3C).
 */
export function httpTrigger(event: Obj, env: TriggerEnv): Trigger | undefined {
  const rc = event.requestContext;
  if (!isObject(rc)) return undefined;
  if (isObject(rc.elb)) return albTrigger(event, rc);
  if (str(rc.messageDirection)) return webSocketTrigger(event, rc, env);
  if (event.version === '2.0' && typeof event.rawQueryString === 'string') {
    const domain = str(rc.domainName) ?? '';
    return domain.includes('lambda-url') ? functionUrlTrigger(event, rc, env) : httpApiTrigger(event, rc, env);
  }
  if (str(rc.stage) && str(event.httpMethod) && str(event.resource)) return restApiTrigger(event, rc, env);
  return undefined;
}

function restApiTrigger(event: Obj, rc: Obj, env: TriggerEnv): Trigger {
  const domain = str(rc.domainName) ?? '';
  const apiId = str(rc.apiId) ?? '';
  const stage = str(rc.stage) ?? '';
  const method = str(rc.httpMethod) ?? str(event.httpMethod) ?? '';
  // `requestContext.path` holds the stage (`/prod/orders/42`), as the caller's URL does.
  const path = str(rc.path) ?? str(event.path) ?? '';
  const route = str(rc.resourcePath) ?? str(event.resource);
  const identity = isObject(rc.identity) ? rc.identity : {};
  const userAgent = str(identity.userAgent);
  const authorizer = extractAuthorizerContext(rc);
  const requestTime = num(rc.requestTimeEpoch);
  const apiGateway: InferredSpanSpec = {
    name: 'aws.apigateway',
    service: inferredServiceName(apiId, 'lambda_api_gateway', domain, domain),
    resource: `${method} ${parameterizePath(path)}`,
    type: 'web',
    startMs: requestTime,
    synchronicity: invocationType(event),
    tags: requestTags(domain, path, method, {
      ...apiIdTags(env, 'restapis', domain, apiId, stage),
      'http.protocol': str(rc.protocol),
      'http.source_ip': str(identity.sourceIp),
      'http.user_agent': userAgent,
      'http.route': route,
      request_id: str(rc.requestId),
    }),
  };
  return {
    eventSource: 'api-gateway',
    eventSourceArn: stageArn(env, 'restapis', apiId, stage),
    tags: httpLambdaTags(domain, path, method, route, event.headers, userAgent),
    http: true,
    spans: authorizer ? withAuthorizerSpan(apiGateway, authorizer, requestTime) : [apiGateway],
    context: authorizer?.context ?? headerContext(event),
  };
}

/**
 * A traced authorizer ran before this request: API Gateway's authorizer step becomes a span
 * from the authorizer's end until API Gateway called us, and the API Gateway span starts there.
 */
function withAuthorizerSpan(apiGateway: InferredSpanSpec, authorizer: AuthorizerContext, requestTime: number | undefined): InferredSpanSpec[] {
  const start = authorizer.finishTimeMs;
  if (start === undefined) return [apiGateway];
  const end = Math.max(start, (requestTime ?? start) + authorizer.integrationLatencyMs);
  // The authorizer span carries the API Gateway span's tags (datadog-lambda-js); its end is explicit.
  const span: InferredSpanSpec = { ...apiGateway, name: 'aws.apigateway.authorizer', startMs: start, endMs: end };
  return [span, { ...apiGateway, startMs: end }];
}

function httpApiTrigger(event: Obj, rc: Obj, env: TriggerEnv): Trigger {
  const domain = str(rc.domainName) ?? '';
  const apiId = str(rc.apiId) ?? '';
  const stage = str(rc.stage) ?? '';
  const http = isObject(rc.http) ? rc.http : {};
  const method = str(http.method) ?? '';
  const path = str(http.path) ?? str(event.rawPath) ?? '';
  const route = routeOf(str(event.routeKey));
  const authorizer = extractAuthorizerContext(rc);
  const spec: InferredSpanSpec = {
    name: 'aws.httpapi',
    service: inferredServiceName(apiId, 'lambda_api_gateway', domain, domain),
    resource: `${method} ${parameterizePath(path)}`,
    type: 'web',
    // HTTP APIs get no authorizer span: the request starts where the authorizer finished.
    startMs: authorizer?.finishTimeMs ?? num(rc.timeEpoch),
    synchronicity: invocationType(event),
    tags: requestTags(domain, path, method, {
      ...apiIdTags(env, 'apis', domain, apiId, stage),
      'http.protocol': str(http.protocol),
      'http.source_ip': str(http.sourceIp),
      'http.user_agent': str(http.userAgent),
      request_id: str(rc.requestId),
    }),
  };
  return {
    eventSource: 'api-gateway',
    // The extension names HTTP APIs `/restapis/` here too (only the WebSocket trigger says `/apis/`).
    eventSourceArn: stageArn(env, 'restapis', apiId, stage),
    tags: httpLambdaTags(domain, path, method, route, event.headers, header(event.headers, 'user-agent')),
    http: true,
    spans: [spec],
    context: authorizer?.context ?? headerContext(event),
  };
}

function webSocketTrigger(event: Obj, rc: Obj, env: TriggerEnv): Trigger {
  const domain = str(rc.domainName) ?? '';
  const apiId = str(rc.apiId) ?? '';
  const stage = str(rc.stage) ?? '';
  const routeKey = str(rc.routeKey) ?? '';
  // The extension joins domain and route key without a '/' (`…amazonaws.com$connect`); we join with one.
  const url = domain ? `https://${domain}/${routeKey}` : undefined;
  const authorizer = extractAuthorizerContext(rc);
  const requestTime = num(rc.requestTimeEpoch);
  const spec: InferredSpanSpec = {
    name: 'aws.apigateway',
    service: inferredServiceName(apiId, 'lambda_api_gateway', 'api_gateway_websocket', domain),
    resource: routeKey,
    type: 'web',
    startMs: requestTime,
    // The extension treats every WebSocket message as async: the span ends when the function starts.
    synchronicity: 'async',
    tags: compactTags({
      ...apiIdTags(env, 'apis', domain, apiId, stage),
      endpoint: routeKey,
      'http.url': url,
      request_id: str(rc.requestId),
      message_direction: str(rc.messageDirection),
      connection_id: str(rc.connectionId),
      event_type: str(rc.eventType),
    }),
  };
  return {
    eventSource: 'api-gateway',
    eventSourceArn: stageArn(env, 'apis', apiId, stage),
    tags: compactTags({ 'http.url': url, 'http.url_details.path': routeKey, 'http.referer': header(event.headers, 'referer') }),
    http: false,
    spans: authorizer ? withAuthorizerSpan(spec, authorizer, requestTime) : [spec],
    context: authorizer?.context ?? headerContext(event),
  };
}

function functionUrlTrigger(event: Obj, rc: Obj, env: TriggerEnv): Trigger {
  const domain = str(rc.domainName) ?? '';
  const http = isObject(rc.http) ? rc.http : {};
  const method = str(http.method) ?? '';
  const path = str(http.path) ?? str(event.rawPath) ?? '';
  const userAgent = str(http.userAgent);
  const spec: InferredSpanSpec = {
    name: 'aws.lambda.url',
    service: inferredServiceName(str(rc.apiId) ?? domain, 'lambda_url', domain, domain),
    resource: `${method} ${path}`,
    type: 'http',
    startMs: num(rc.timeEpoch),
    synchronicity: invocationType(event),
    tags: requestTags(domain, path, method, {
      'http.protocol': str(http.protocol),
      'http.source_ip': str(http.sourceIp),
      'http.user_agent': userAgent,
      operation_name: 'aws.lambda.url',
      request_id: str(rc.requestId),
    }),
  };
  const accountId = str(rc.accountId) ?? env.accountId;
  return {
    eventSource: 'lambda-function-url',
    eventSourceArn: accountId && env.functionName ? `arn:${env.partition}:lambda:${env.region}:${accountId}:url:${env.functionName}` : undefined,
    tags: httpLambdaTags(domain, path, method, undefined, event.headers, userAgent),
    http: true,
    spans: [spec],
    context: headerContext(event),
  };
}

/** ALB: no inferred span (the extension does not build one either), only the trigger and HTTP tags. */
function albTrigger(event: Obj, rc: Obj): Trigger {
  const targetGroupArn = isObject(rc.elb) ? str(rc.elb.targetGroupArn) : undefined;
  const path = str(event.path) ?? '';
  const tags = compactTags({ 'http.url_details.path': path, 'http.method': str(event.httpMethod), 'http.referer': header(event.headers, 'referer') });
  return { eventSource: 'application-load-balancer', eventSourceArn: targetGroupArn, tags, http: true, spans: [], context: headerContext(event) };
}

/** The request tags of an HTTP inferred span, plus the trigger's own. */
function requestTags(domain: string, path: string, method: string, extra: Record<string, string | undefined>): Record<string, string> {
  return compactTags({ 'http.url': `https://${domain}${path}`, endpoint: path, 'http.method': method, ...extra });
}

/** The API's identity (datadog-lambda-js's tags) and its ARN as `dd_resource_key`. */
function apiIdTags(env: TriggerEnv, kind: 'restapis' | 'apis', domain: string, apiId: string, stage: string): Record<string, string> {
  return { stage, domain_name: domain, apiid: apiId, dd_resource_key: `arn:${env.partition}:apigateway:${env.region}::/${kind}/${apiId}` };
}

/** The `http.*` tags Datadog puts on `aws.lambda` for HTTP triggers. */
function httpLambdaTags(domain: string, path: string, method: string, route: string | undefined, headers: unknown, userAgent: string | undefined): Record<string, string> {
  return compactTags({
    'http.url': domain ? `https://${domain}${path}` : undefined,
    'http.url_details.path': path,
    'http.method': method,
    'http.route': route,
    'http.user_agent': userAgent,
    'http.referer': header(headers, 'referer'),
  });
}

function stageArn(env: TriggerEnv, kind: 'restapis' | 'apis', apiId: string, stage: string): string {
  return `arn:${env.partition}:apigateway:${env.region}::/${kind}/${apiId}/stages/${stage}`;
}

/** `"GET /orders/{id}"` → `/orders/{id}`; `$default` stays `$default`, as the extension tags it. */
function routeOf(routeKey: string | undefined): string | undefined {
  if (!routeKey) return undefined;
  return routeKey.trim().split(/\s+/).pop() || undefined;
}

/** `X-Amz-Invocation-Type: Event` makes an API Gateway integration asynchronous. */
function invocationType(event: Obj): Synchronicity {
  return header(event.headers, 'x-amz-invocation-type')?.toLowerCase() === 'event' ? 'async' : 'sync';
}

function header(headers: unknown, name: string): string | undefined {
  if (!isObject(headers)) return undefined;
  for (const key in headers) {
    if (key.length === name.length && key.toLowerCase() === name) return str(headers[key]);
  }
  return undefined;
}

/** Request headers, or the first of each multi-value header. */
export function headerContext(event: Obj) {
  return extractFromHeaders(isObject(event.headers) ? event.headers : event.multiValueHeaders);
}
