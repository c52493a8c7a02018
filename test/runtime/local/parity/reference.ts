import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/**
 * What the extension (bottlecap, `bottlecap/src/lifecycle/invocation/`) builds from an event,
 * written down rule by rule from its trigger code (`triggers/*.rs`, `span_inferrer.rs`) and,
 * where bottlecap builds nothing (authorizer span, CloudFront, CloudWatch Logs/Events),
 * from datadog-lambda-js. It shares no code with the runtime on purpose: it is the yardstick.
 *
 * The deliberate corrections (README, "Deliberate corrections to the extension's values") are
 * applied here and marked `CORRECTION`.
 */
export interface ReferenceSpan {
  readonly name: string;
  readonly service: string;
  readonly resource: string;
  readonly type: string;
  readonly startMs: number;
  readonly meta: Readonly<Record<string, string>>;
}

export interface ReferenceContext {
  /** 32 hex digits. */
  readonly traceId: string;
  /** 16 hex digits, or undefined for a carrier without one. */
  readonly parentId?: string;
  readonly samplingPriority?: number;
}

export interface Reference {
  /** Which rule set built it: a bottlecap trigger, or datadog-lambda-js's. */
  readonly source: string;
  readonly context?: ReferenceContext;
  /** Outermost first; `aws.lambda` is the child of the last. */
  readonly spans: readonly ReferenceSpan[];
  /** Tags on `aws.lambda` from the trigger (`function_trigger.*`, `http.*`, …). */
  readonly trigger: Readonly<Record<string, string>>;
}

export interface ReferenceEnv {
  readonly region: string;
  readonly accountId: string;
  readonly functionName: string;
  /** The function's service: `peer.service` of the outer inferred span. */
  readonly service: string;
}

type O = Record<string, unknown>;
const obj = (v: unknown): O => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as O) : {});
const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const lower = (h: unknown): Record<string, string> => Object.fromEntries(Object.entries(obj(h)).filter(([, v]) => typeof v === 'string').map(([k, v]) => [k.toLowerCase(), v as string]));
const defined = (m: Record<string, string | undefined>): Record<string, string> => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as Record<string, string>;

/** `parameterize_api_resource` in `triggers/mod.rs`. */
export function parameterize(resource: string): string {
  if (resource.includes('{') && resource.includes('}')) return resource;
  const parts = resource.split('/');
  const out = [''];
  const idLike = /([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})|([0123456789ABCDEFGHJKMNPQRSTVWXYZ]{26})/;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i];
    if (!part) continue;
    if (/^\d*$/.test(part) || idLike.test(part)) {
      const prev = parts[i - 1];
      const singular = i > 1 && prev ? prev.replace(/s+$/, '') : '';
      out.push(`{${singular ? (singular === 'id' ? 'id' : `${singular}_id`) : 'id'}}`);
    } else out.push(part);
  }
  return out.join('/') || '/'; // CORRECTION: bottlecap leaves the root path empty (resource `GET `)
}

const dec = (v: string | undefined): string | undefined => (v && /^\d+$/.test(v) && BigInt(v) > 0n && BigInt(v) < 1n << 64n ? BigInt(v).toString(16).padStart(16, '0') : undefined);

/** Datadog headers, then W3C `traceparent` (the extension's default propagation styles). */
export function contextFromCarrier(carrier: Record<string, string>): ReferenceContext | undefined {
  const c = Object.fromEntries(Object.entries(carrier).map(([k, v]) => [k.toLowerCase(), v]));
  const low = dec(c['x-datadog-trace-id']);
  if (low) {
    const tid = /(?:^|,)_dd\.p\.tid=([0-9a-f]{1,16})(?:,|$)/.exec(c['x-datadog-tags'] ?? '')?.[1];
    const priority = c['x-datadog-sampling-priority'];
    return { traceId: (tid ?? '').padStart(16, '0') + low, parentId: dec(c['x-datadog-parent-id']), samplingPriority: priority === undefined ? undefined : Number(priority) };
  }
  const tp = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(c.traceparent ?? '');
  if (tp) return { traceId: tp[1], parentId: tp[2], samplingPriority: parseInt(tp[3], 16) & 1 };
  return undefined;
}

const json = (text: unknown): O | undefined => {
  try {
    const parsed: unknown = typeof text === 'string' ? JSON.parse(text) : undefined;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as O) : undefined;
  } catch {
    return undefined;
  }
};
const stringMap = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(obj(v)).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
/** `resolve_service_name`: the mapping's keys are the specific id and the trigger's generic key; the default is `instance`. */
const service = (specificKey: string, generic: string, instance: string, fallback: string): string => {
  const pairs = new Map((process.env.DD_SERVICE_MAPPING ?? '').split(',').map((p) => p.split(':').map((x) => x.trim()) as [string, string]));
  const representation = !/^(false|0)$/i.test(process.env.DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED ?? '');
  return pairs.get(specificKey) ?? pairs.get(generic) ?? (representation ? instance : fallback);
};

const isoMs = (v: unknown): number => Date.parse(s(v) ?? '');
const lastOf = (arn: string, sep: string): string => arn.split(sep).pop() ?? '';

/** EventBridgeEvent: bottlecap requires these fields to deserialize one. */
function asEventBridge(v: O | undefined): O | undefined {
  if (!v) return undefined;
  const ok = ['id', 'version', 'account', 'time', 'region', 'source', 'detail-type'].every((k) => typeof v[k] === 'string') && Array.isArray(v.resources) && 'detail' in v;
  return ok ? v : undefined;
}
/** SnsEntity: MessageId, Type, TopicArn, MessageAttributes, Timestamp are required. */
function asSnsEntity(v: O | undefined): O | undefined {
  if (!v) return undefined;
  return ['MessageId', 'Type', 'TopicArn', 'Timestamp'].every((k) => typeof v[k] === 'string') && typeof v.MessageAttributes === 'object' && v.MessageAttributes !== null ? v : undefined;
}

function eventBridgeCarrier(e: O): Record<string, string> {
  return stringMap(obj(obj(e.detail)._datadog));
}
function eventBridgeSpan(e: O): ReferenceSpan {
  const carrier = eventBridgeCarrier(e);
  const resource = carrier['x-datadog-resource-name'] ?? s(e.source) ?? '';
  const start = carrier['x-datadog-start-time'] !== undefined ? Number(carrier['x-datadog-start-time']) : isoMs(e.time);
  return { name: 'aws.eventbridge', service: service(resource, 'lambda_eventbridge', resource, 'eventbridge'), resource, type: 'web', startMs: start, meta: { operation_name: 'aws.eventbridge', detail_type: s(e['detail-type']) ?? '' } };
}
function snsCarrier(sns: O): Record<string, string> {
  const attr = obj(obj(sns.MessageAttributes)._datadog);
  if (attr.Type === 'String') return stringMap(json(attr.Value));
  if (attr.Type === 'Binary') return stringMap(json(Buffer.from(s(attr.Value) ?? '', 'base64').toString()));
  if (Object.keys(attr).length === 0) {
    const wrapped = asEventBridge(json(sns.Message));
    if (wrapped) return eventBridgeCarrier(wrapped);
  }
  return {};
}
function snsSpan(sns: O, subscriptionArn: string | undefined): ReferenceSpan {
  const topicArn = s(sns.TopicArn) ?? '';
  const topic = lastOf(topicArn, ':');
  return {
    name: 'aws.sns',
    service: service(topic, 'lambda_sns', topic, 'sns'),
    resource: topic,
    type: 'web',
    startMs: isoMs(sns.Timestamp),
    meta: defined({ operation_name: 'aws.sns', topicname: topic, topic_arn: topicArn, message_id: s(sns.MessageId), type: s(sns.Type), subject: s(sns.Subject), event_subscription_arn: subscriptionArn }),
  };
}

/** MSK record headers: byte arrays (or index-keyed objects) of decimal bytes. */
function mskCarrier(headers: unknown): Record<string, string> {
  const entries = Array.isArray(headers) ? headers : Object.values(obj(headers));
  const out: Record<string, string> = {};
  for (const entry of entries) {
    for (const [key, value] of Object.entries(obj(entry))) {
      const bytes = Array.isArray(value) ? value.map(Number) : Object.entries(obj(value)).sort(([a], [b]) => Number(a) - Number(b)).map(([, b]) => Number(b));
      out[key.toLowerCase()] = Buffer.from(bytes).toString('utf8');
    }
  }
  return out;
}
const hasTraceHeaders = (headers: unknown): boolean =>
  (Array.isArray(headers) ? headers : Object.values(obj(headers))).some((e) => Object.keys(obj(e)).some((k) => ['x-datadog-trace-id', 'traceparent'].includes(k.toLowerCase())));

function hash64(input: string, offset: number): bigint {
  const v = createHash('sha256').update(input).digest().readBigUInt64BE(offset) & ((1n << 63n) - 1n);
  return v === 0n ? 1n : v;
}

/** The authorizer's `_datadog` when it ran for this request (datadog-lambda-js's rule). */
function authorizerCarrier(rc: O, v2: boolean): O | undefined {
  const authorizer = obj(rc.authorizer);
  const raw = s(v2 ? obj(authorizer.lambda)._datadog : authorizer._datadog);
  if (!raw) return undefined;
  const carrier = json(Buffer.from(raw, 'base64').toString());
  if (!carrier) return undefined;
  const latency = typeof authorizer.integrationLatency === 'number' ? authorizer.integrationLatency : 0;
  return latency > 0 || rc.requestId === carrier['x-datadog-authorizing-requestid'] ? carrier : undefined;
}

function withPeer(spans: ReferenceSpan[], env: ReferenceEnv, sync: boolean): ReferenceSpan[] {
  // span_inferrer.rs: the inner span's peer.service is the function's service, the wrapper's is the inner span's service.
  return spans.map((span, i) => ({
    ...span,
    meta: {
      ...span.meta,
      'peer.service': i === spans.length - 1 ? env.service : spans[i + 1].service,
      '_inferred_span.tag_source': 'self',
      '_inferred_span.synchronicity': i === spans.length - 1 && sync ? 'sync' : 'async',
    },
  }));
}

/**
 * Adds datadog-lambda-js's authorizer span (with the API Gateway span's tags) before an API
 * Gateway span, which then starts where it ends.
 */
function withAuthorizer([span]: ReferenceSpan[], rc: O, carrier: O | undefined): ReferenceSpan[] {
  if (!carrier) return [span];
  const finish = Number(carrier['x-datadog-parent-span-finish-time']) / 1e6;
  const latency = Number(obj(rc.authorizer).integrationLatency ?? 0) || 0;
  const end = Math.max(finish, Number(rc.requestTimeEpoch) + latency);
  return [{ ...span, name: 'aws.apigateway.authorizer', startMs: finish }, { ...span, startMs: end }];
}

const apiArn = (env: ReferenceEnv, kind: string, apiId: string): string => `arn:aws:apigateway:${env.region}::/${kind}/${apiId}`;

export function reference(event: O, env: ReferenceEnv): Reference {
  const rc = obj(event.requestContext);
  const headers = lower(event.headers);
  const records = Array.isArray(event.Records) ? event.Records : [];
  const record = obj(records[0]);
  const domain = s(rc.domainName) ?? '';

  // api_gateway_http_event.rs
  if (event.version === '2.0' && 'rawQueryString' in event && 'domainName' in rc && !domain.includes('lambda-url')) {
    const http = obj(rc.http);
    const apiId = s(rc.apiId) ?? '';
    const path = s(http.path) ?? '';
    const auth = authorizerCarrier(rc, true);
    const sync = headers['x-amz-invocation-type'] !== 'Event';
    const span: ReferenceSpan = {
      name: 'aws.httpapi',
      service: service(apiId, 'lambda_api_gateway', domain, domain),
      resource: `${s(http.method)} ${parameterize(path)}`,
      type: 'web',
      // datadog-lambda-js: behind a traced authorizer the HTTP API span starts where the authorizer finished.
      startMs: auth ? Number(auth['x-datadog-parent-span-finish-time']) / 1e6 : Number(rc.timeEpoch),
      meta: defined({
        endpoint: path,
        'http.url': `https://${domain}${path}`,
        'http.method': s(http.method),
        'http.protocol': s(http.protocol),
        'http.source_ip': s(http.sourceIp),
        'http.user_agent': s(http.userAgent),
        request_id: s(rc.requestId),
        dd_resource_key: apiId ? apiArn(env, 'apis', apiId) : undefined,
      }),
    };
    const routeKey = s(event.routeKey) ?? '';
    return {
      source: 'bottlecap api_gateway_http_event',
      context: auth ? contextFromCarrier(stringMap(auth)) : contextFromCarrier(headers),
      spans: withPeer([span], env, sync),
      trigger: defined({
        'http.url': `https://${domain}${path}`,
        'http.url_details.path': path,
        'http.method': s(http.method),
        'http.route': routeKey ? routeKey.split(/\s+/).pop() : undefined,
        'http.referer': headers.referer,
        'http.user_agent': headers['user-agent'],
        'function_trigger.event_source': 'api-gateway',
        'function_trigger.event_source_arn': `arn:aws:apigateway:${env.region}::/restapis/${apiId}/stages/${s(rc.stage) ?? ''}`,
      }),
    };
  }

  // api_gateway_rest_event.rs
  if ('stage' in rc && 'httpMethod' in event && 'resource' in event) {
    const apiId = s(rc.apiId) ?? '';
    const path = s(rc.path) ?? '';
    const identity = obj(rc.identity);
    const auth = authorizerCarrier(rc, false);
    const sync = headers['x-amz-invocation-type'] !== 'Event';
    const span: ReferenceSpan = {
      name: 'aws.apigateway',
      service: service(apiId, 'lambda_api_gateway', domain, domain),
      resource: `${s(rc.httpMethod)} ${parameterize(path)}`,
      type: 'web',
      startMs: Number(rc.requestTimeEpoch),
      meta: defined({
        endpoint: path,
        'http.url': `https://${domain}${path}`,
        'http.method': s(rc.httpMethod),
        'http.protocol': s(rc.protocol),
        'http.source_ip': s(identity.sourceIp),
        'http.user_agent': s(identity.userAgent),
        request_id: s(rc.requestId),
        'http.route': s(rc.resourcePath),
        dd_resource_key: apiId ? apiArn(env, 'restapis', apiId) : undefined,
      }),
    };
    return {
      source: 'bottlecap api_gateway_rest_event',
      context: auth ? contextFromCarrier(stringMap(auth)) : contextFromCarrier(headers),
      spans: withAuthorizer(withPeer([span], env, sync), rc, auth),
      trigger: defined({
        'http.url': `https://${domain}${path}`,
        'http.url_details.path': path,
        'http.method': s(rc.httpMethod),
        'http.route': s(rc.resourcePath),
        'http.user_agent': s(identity.userAgent),
        'http.referer': headers.referer,
        'function_trigger.event_source': 'api-gateway',
        'function_trigger.event_source_arn': `arn:aws:apigateway:${env.region}::/restapis/${apiId}/stages/${s(rc.stage) ?? ''}`,
      }),
    };
  }

  // api_gateway_websocket_event.rs
  if ('messageDirection' in rc) {
    const apiId = s(rc.apiId) ?? '';
    const routeKey = s(rc.routeKey) ?? '';
    const url = `https://${domain}/${routeKey}`; // CORRECTION: bottlecap joins without '/'
    const auth = authorizerCarrier(rc, false);
    const span: ReferenceSpan = {
      name: 'aws.apigateway',
      service: service(apiId, 'lambda_api_gateway', domain, 'api_gateway_websocket'),
      resource: routeKey,
      type: 'web',
      startMs: Number(rc.requestTimeEpoch),
      meta: defined({
        endpoint: routeKey,
        resource_names: routeKey,
        'http.url': url,
        request_id: s(rc.requestId),
        apiid: apiId,
        stage: s(rc.stage),
        connection_id: s(rc.connectionId),
        event_type: s(rc.eventType),
        message_direction: s(rc.messageDirection),
      }),
    };
    return {
      source: 'bottlecap api_gateway_websocket_event',
      context: auth ? contextFromCarrier(stringMap(auth)) : contextFromCarrier(headers),
      spans: withAuthorizer(withPeer([span], env, false), rc, auth),
      trigger: defined({
        'http.url': url,
        'http.url_details.path': routeKey,
        'http.referer': headers.referer,
        'function_trigger.event_source': 'api-gateway',
        'function_trigger.event_source_arn': `arn:aws:apigateway:${env.region}::/apis/${apiId}/stages/${s(rc.stage) ?? ''}`,
      }),
    };
  }

  // alb_event.rs: no inferred span
  const elb = obj(rc.elb);
  if (typeof elb.targetGroupArn === 'string') {
    const carrier = Object.keys(headers).length > 0 ? headers : Object.fromEntries(Object.entries(obj(event.multiValueHeaders)).map(([k, v]) => [k.toLowerCase(), String((v as unknown[])[0])]));
    return {
      source: 'bottlecap alb_event',
      context: contextFromCarrier(carrier),
      spans: [],
      trigger: defined({ 'http.method': s(event.httpMethod), 'function_trigger.event_source': 'application-load-balancer', 'function_trigger.event_source_arn': elb.targetGroupArn }),
    };
  }

  // lambda_function_url_event.rs
  if (domain.includes('lambda-url')) {
    const http = obj(rc.http);
    const path = s(http.path) ?? '';
    const span: ReferenceSpan = {
      name: 'aws.lambda.url',
      service: service(s(rc.apiId) ?? '', 'lambda_url', domain, domain),
      resource: `${s(http.method)} ${path}`,
      type: 'http',
      startMs: Number(rc.timeEpoch),
      meta: defined({
        endpoint: path,
        'http.url': `https://${domain}${path}`,
        'http.method': s(http.method),
        'http.user_agent': s(http.userAgent),
        'http.source_ip': s(http.sourceIp),
        'http.protocol': s(http.protocol),
        operation_name: 'aws.lambda.url',
        request_id: s(rc.requestId),
      }),
    };
    return {
      source: 'bottlecap lambda_function_url_event',
      context: contextFromCarrier(headers),
      spans: withPeer([span], env, headers['x-amz-invocation-type'] !== 'Event'),
      trigger: defined({
        'http.url': `https://${domain}${path}`,
        'http.url_details.path': path,
        'http.method': s(http.method),
        'http.user_agent': s(http.userAgent),
        'http.referer': headers.referer,
        'function_trigger.event_source': 'lambda-function-url',
        'function_trigger.event_source_arn': `arn:aws:lambda:${env.region}:${s(rc.accountId) ?? ''}:url:${env.functionName}`,
      }),
    };
  }

  // msk_event.rs
  const mskGroups = obj(event.records);
  const firstGroup = Object.values(mskGroups)[0];
  const firstMsk = Array.isArray(firstGroup) ? firstGroup[0] : Object.values(obj(firstGroup))[0];
  if (firstMsk !== undefined && 'topic' in obj(firstMsk)) {
    const all = Object.values(mskGroups).flatMap((g): unknown[] => (Array.isArray(g) ? (g as unknown[]) : Object.values(obj(g)))).map(obj);
    const chosen = all.find((r) => hasTraceHeaders(r.headers)) ?? obj(firstMsk);
    const arn = s(event.eventSourceArn) ?? '';
    const cluster = arn.split('/')[1] ?? '';
    const span: ReferenceSpan = {
      name: 'aws.msk',
      service: service(cluster, 'lambda_msk', cluster, 'msk'),
      resource: s(chosen.topic) ?? '',
      type: 'web',
      startMs: Number(chosen.timestamp),
      meta: defined({ operation_name: 'aws.msk', topic: s(chosen.topic), partition: String(chosen.partition), event_source: s(event.eventSource), event_source_arn: arn }),
    };
    return { source: 'bottlecap msk_event', context: contextFromCarrier(mskCarrier(chosen.headers)), spans: withPeer([span], env, false), trigger: { 'function_trigger.event_source': 'msk', 'function_trigger.event_source_arn': arn } };
  }

  // sqs_event.rs (+ the SNS / EventBridge wrapped in the body, span_inferrer.rs)
  if (record.eventSource === 'aws:sqs') {
    const arn = s(record.eventSourceARN) ?? '';
    const queue = lastOf(arn, ':');
    const attributes = obj(record.attributes);
    const sqs: ReferenceSpan = {
      name: 'aws.sqs',
      service: service(queue, 'lambda_sqs', queue, 'sqs'),
      resource: queue,
      type: 'web',
      startMs: Number(attributes.SentTimestamp),
      meta: defined({
        operation_name: 'aws.sqs',
        receipt_handle: s(record.receiptHandle),
        retry_count: s(attributes.ApproximateReceiveCount),
        sender_id: s(attributes.SenderId),
        source_arn: arn,
        aws_region: s(record.awsRegion),
        // CORRECTION: bottlecap also copies the wrapped event's `function_trigger.event_source` here.
      }),
    };
    const body = json(record.body);
    const sns = asSnsEntity(body);
    const eventBridge = sns ? undefined : asEventBridge(body);
    const attr = obj(obj(record.messageAttributes)._datadog);
    const dataType = s(attr.dataType) ?? '';
    let carrier: Record<string, string> = {};
    if (dataType.startsWith('String')) carrier = stringMap(json(attr.stringValue));
    else if (dataType.startsWith('Binary')) carrier = stringMap(json(Buffer.from(s(attr.binaryValue) ?? '', 'base64').toString()));
    else if (sns) carrier = snsCarrier(sns);
    else if (eventBridge) carrier = eventBridgeCarrier(eventBridge);
    let context = contextFromCarrier(carrier);
    // extract_trace_context_from_aws_trace_header: the Root's last 16 hex digits and Parent.
    const traceHeader = s(attributes.AWSTraceHeader);
    if (!context && traceHeader?.startsWith('Root=')) {
      const root = /Root=1-[0-9a-f]{8}-[0-9a-f]{8}([0-9a-f]{16})/.exec(traceHeader)?.[1];
      const parent = /Parent=([0-9a-f]{16})/.exec(traceHeader)?.[1];
      if (root && parent && !/^0+$/.test(root) && !/^0+$/.test(parent)) context = { traceId: `0000000000000000${root}`, parentId: parent, samplingPriority: /Sampled=1/.test(traceHeader) ? 1 : 0 };
    }
    const spans = sns ? [snsSpan(sns, undefined), sqs] : eventBridge ? [eventBridgeSpan(eventBridge), sqs] : [sqs];
    return {
      source: `bottlecap sqs_event${sns ? ' + sns' : eventBridge ? ' + eventbridge' : ''}`,
      context,
      spans: withPeer(spans, env, false),
      trigger: defined({
        retry_count: s(attributes.ApproximateReceiveCount),
        sender_id: s(attributes.SenderId),
        source_arn: arn,
        aws_region: s(record.awsRegion),
        'function_trigger.event_source': 'sqs',
        // CORRECTION: the queue's own ARN; bottlecap rebuilds it with the function's region.
        'function_trigger.event_source_arn': arn,
      }),
    };
  }

  // sns_event.rs (+ EventBridge in the message)
  if ('Sns' in record) {
    const sns = obj(record.Sns);
    const span = snsSpan(sns, s(record.EventSubscriptionArn));
    const eventBridge = asEventBridge(json(sns.Message));
    return {
      source: `bottlecap sns_event${eventBridge ? ' + eventbridge' : ''}`,
      context: contextFromCarrier(snsCarrier(sns)),
      spans: withPeer(eventBridge ? [eventBridgeSpan(eventBridge), span] : [span], env, false),
      trigger: { 'function_trigger.event_source': 'sns', 'function_trigger.event_source_arn': s(sns.TopicArn) ?? '' },
    };
  }

  // dynamodb_event.rs
  if ('dynamodb' in record) {
    const arn = s(record.eventSourceARN) ?? '';
    const table = arn.split('/')[1] ?? '';
    const ddb = obj(record.dynamodb);
    const span: ReferenceSpan = {
      name: 'aws.dynamodb',
      service: service(table, 'lambda_dynamodb', table, 'dynamodb'),
      resource: `${s(record.eventName)} ${table}`,
      type: 'web',
      startMs: Number(ddb.ApproximateCreationDateTime) * 1000,
      meta: defined({
        operation_name: 'aws.dynamodb',
        event_id: s(record.eventID),
        event_name: s(record.eventName),
        event_version: s(record.eventVersion),
        event_source_arn: arn,
        size_bytes: String(ddb.SizeBytes),
        stream_view_type: s(ddb.StreamViewType),
        table_name: table,
      }),
    };
    return { source: 'bottlecap dynamodb_event', spans: withPeer([span], env, false), trigger: { 'function_trigger.event_source': 'dynamodb', 'function_trigger.event_source_arn': arn } };
  }

  // s3_event.rs
  if ('s3' in record) {
    const s3 = obj(record.s3);
    const bucket = obj(s3.bucket);
    const object = obj(s3.object);
    const name = s(bucket.name) ?? '';
    const span: ReferenceSpan = {
      name: 'aws.s3',
      service: service(name, 'lambda_s3', name, 's3'),
      resource: name,
      type: 'web',
      startMs: isoMs(record.eventTime),
      meta: defined({ operation_name: 'aws.s3', event_name: s(record.eventName), bucketname: name, bucket_arn: s(bucket.arn), object_key: s(object.key), object_size: String(object.size), object_etag: s(object.eTag) }),
    };
    // CORRECTION: the bucket's ARN; bottlecap's "ARN" is the record's eventSource, `aws:s3`.
    return { source: 'bottlecap s3_event', spans: withPeer([span], env, false), trigger: { 'function_trigger.event_source': 's3', 'function_trigger.event_source_arn': s(bucket.arn) ?? '' } };
  }

  // event_bridge_event.rs
  if ('detail-type' in event && typeof event.source === 'string' && event.source !== 'aws.events') {
    return {
      source: 'bottlecap event_bridge_event',
      context: contextFromCarrier(eventBridgeCarrier(event)),
      spans: withPeer([eventBridgeSpan(event)], env, false),
      trigger: { 'function_trigger.event_source': 'eventbridge', 'function_trigger.event_source_arn': s(event.source) ?? '' },
    };
  }

  // kinesis_event.rs
  if ('kinesis' in record) {
    const arn = s(record.eventSourceARN) ?? '';
    const stream = lastOf(arn, '/');
    const kinesis = obj(record.kinesis);
    const eventId = s(record.eventID) ?? '';
    const data = json(Buffer.from(s(kinesis.data) ?? '', 'base64').toString());
    const span: ReferenceSpan = {
      name: 'aws.kinesis',
      service: service(stream, 'lambda_kinesis', stream, 'kinesis'),
      resource: stream,
      type: 'web',
      startMs: Number(kinesis.approximateArrivalTimestamp) * 1000,
      meta: defined({
        operation_name: 'aws.kinesis',
        stream_name: stream,
        shard_id: eventId.split(':')[0],
        event_source_arn: arn,
        event_id: eventId,
        event_name: s(record.eventName),
        event_version: s(record.eventVersion),
        partition_key: s(kinesis.partitionKey),
      }),
    };
    return { source: 'bottlecap kinesis_event', context: contextFromCarrier(stringMap(obj(data?._datadog))), spans: withPeer([span], env, false), trigger: { 'function_trigger.event_source': 'kinesis', 'function_trigger.event_source_arn': arn } };
  }

  // step_function_event.rs: Payload, then _datadog inside it
  const outer = 'Payload' in event ? obj(event.Payload) : event;
  const sfn = '_datadog' in outer ? obj(outer._datadog) : outer;
  const execution = obj(sfn.Execution);
  const state = obj(sfn.State);
  if ('Id' in execution && 'Name' in state && 'EnteredTime' in state) {
    const executionId = s(execution.Id) ?? '';
    const retry = Number(state.RetryCount ?? 0);
    const redrive = Number(execution.RedriveCount ?? 0);
    let unique = `${executionId}#${s(state.Name)}#${s(state.EnteredTime)}`;
    if (retry !== 0 || redrive !== 0) unique += `#${retry}#${redrive}`;
    const parentId = hash64(unique, 0).toString(16).padStart(16, '0');
    let traceId: string;
    const upstream = s(sfn['x-datadog-trace-id']);
    const upstreamTags = s(sfn['x-datadog-tags']);
    if (upstream && upstreamTags) {
      const tid = /(?:^|,)_dd\.p\.tid=([0-9a-f]{1,16})(?:,|$)/.exec(upstreamTags)?.[1] ?? '';
      traceId = tid.padStart(16, '0') + BigInt(upstream).toString(16).padStart(16, '0');
    } else {
      const root = s(sfn.RootExecutionId) ?? executionId;
      traceId = hash64(root, 0).toString(16).padStart(16, '0') + hash64(root, 8).toString(16).padStart(16, '0');
    }
    return {
      source: 'bottlecap step_function_event',
      context: { traceId, parentId, samplingPriority: 1 },
      spans: [],
      trigger: defined({ 'function_trigger.event_source': 'states', 'function_trigger.event_source_arn': s(obj(sfn.StateMachine).Id) }),
    };
  }

  // datadog-lambda-js (src/trace/trigger.ts): sources bottlecap does not identify.
  if ('cf' in record) {
    const id = s(obj(obj(record.cf).config).distributionId) ?? '';
    return { source: 'datadog-lambda-js cloudfront', spans: [], trigger: { 'function_trigger.event_source': 'cloudfront', 'function_trigger.event_source_arn': `arn:aws:cloudfront::${env.accountId}:distribution/${id}` } };
  }
  if (typeof obj(event.awslogs).data === 'string') {
    const logs = json(gunzipSync(Buffer.from(s(obj(event.awslogs).data) ?? '', 'base64')).toString());
    const group = s(logs?.logGroup) ?? '';
    return { source: 'datadog-lambda-js cloudwatch-logs', spans: [], trigger: { 'function_trigger.event_source': 'cloudwatch-logs', 'function_trigger.event_source_arn': `arn:aws:logs:${env.region}:${env.accountId}:log-group:${group}` } };
  }
  if (event.source === 'aws.events' && 'detail-type' in event) {
    const resources = Array.isArray(event.resources) ? event.resources : [];
    return { source: 'datadog-lambda-js cloudwatch-events', spans: [], trigger: defined({ 'function_trigger.event_source': 'cloudwatch-events', 'function_trigger.event_source_arn': s(resources[0]) }) };
  }
  return { source: 'datadog-lambda-js custom', context: contextFromCarrier(lower(event.headers)), spans: [], trigger: {} };
}
