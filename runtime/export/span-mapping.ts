import { SpanKind, SpanStatusCode, type Attributes, type AttributeValue, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from './sdk-types';
import { hexToBigInt } from '../tracing/ids';
import { samplingPriorityOf } from './trace-state';
import { LIMITS, truncate, type DatadogSpan } from './datadog-span';

/**
 * OTel span → Datadog v0.4 span, following the Datadog Agent's OTLP "V2" mapping (the one
 * dd-trace-rs ports), which keeps operation names low-cardinality.
 */
export interface SpanMappingOptions {
  /** The configured service (`DD_SERVICE`); spans without `service.name` get it. */
  readonly service: string;
  readonly env?: string;
  readonly version?: string;
  /** `DD_TAGS`, written to every span's meta. */
  readonly tags?: Readonly<Record<string, string>>;
  /** One id per process, as the Datadog tracers send. */
  readonly runtimeId: string;
}

const KIND_NAME: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

/** Attributes that select a Datadog field rather than becoming tags. */
const RESERVED = new Set(['operation.name', 'resource.name', 'service.name', 'span.type', 'sampling.priority', 'analytics.event']);

/** The Agent's HTTPMappings: OTel semantic-convention keys → Datadog tag names. */
const KEY_RENAMES: Readonly<Record<string, string>> = {
  'http.request.method': 'http.method',
  'http.response.status_code': 'http.status_code',
  'url.full': 'http.url',
  'user_agent.original': 'http.useragent',
  'client.address': 'http.client_ip',
  'server.address': 'http.server_name',
  'network.protocol.version': 'http.version',
  'http.request.body.size': 'http.request.content_length',
  'http.response.body.size': 'http.response.content_length',
  'http.request.header.referrer': 'http.referrer',
};

/**
 * On spans that call out, `server.*` names the remote end: dd-trace tags it `out.host` and
 * `network.destination.port` (the peer tags the Agent aggregates on), not the server-side
 * `http.server_name`.
 */
const OUTBOUND_KEY_RENAMES: Readonly<Record<string, string>> = {
  ...KEY_RENAMES,
  'server.address': 'out.host',
  'server.port': 'network.destination.port',
};

const SQL_SYSTEMS = new Set(['postgresql', 'mysql', 'mssql', 'oracle', 'mariadb', 'sqlite', 'db2', 'redshift', 'clickhouse', 'cockroachdb', 'h2', 'hsqldb', 'derby', 'sqlserver']);
const NAMED_DB_TYPES = new Set(['cassandra', 'redis', 'memcached', 'mongodb', 'elasticsearch', 'opensearch']);

export function toDatadogSpan(span: ReadableSpan, options: SpanMappingOptions): DatadogSpan {
  const attributes = span.attributes;
  const resourceAttributes = span.resource.attributes;
  const lookup = (key: string): AttributeValue | undefined => attributes[key] ?? resourceAttributes[key];
  const spanContext = span.spanContext();

  const meta: Record<string, string> = { language: 'javascript', 'runtime-id': options.runtimeId };
  const metrics: Record<string, number> = {};
  if (options.tags) for (const [key, value] of Object.entries(options.tags)) setMeta(meta, key, value);
  const renames = span.kind === SpanKind.CLIENT || span.kind === SpanKind.PRODUCER ? OUTBOUND_KEY_RENAMES : KEY_RENAMES;
  copyAttributes(resourceAttributes, meta, metrics, renames);
  copyAttributes(attributes, meta, metrics, renames);

  const service = serviceOf(lookup, options.service);
  const env = stringOf(lookup('deployment.environment.name')) ?? stringOf(lookup('deployment.environment')) ?? options.env;
  const version = stringOf(resourceAttributes['service.version']) ?? options.version;
  if (env) meta.env = env;
  if (version) meta.version = version;
  if (service !== options.service) meta['_dd.base_service'] = options.service;

  meta['span.kind'] = KIND_NAME[span.kind];
  if (span.kind === SpanKind.CLIENT || span.kind === SpanKind.PRODUCER) metrics['_dd.measured'] = 1;
  const scope = span.instrumentationScope;
  if (scope.name) meta['otel.scope.name'] = scope.name;
  if (scope.version) meta['otel.scope.version'] = scope.version;

  const statusCode = numberOf(attributes['http.response.status_code']) ?? numberOf(attributes['http.status_code']);
  if (statusCode !== undefined) {
    meta['http.status_code'] = String(statusCode);
    metrics['http.status_code'] = statusCode;
  }

  const error = span.status.code === SpanStatusCode.ERROR || attributes['datadog.error'] === 1 ? 1 : 0;
  if (span.status.code !== SpanStatusCode.UNSET) meta['otel.status_code'] = span.status.code === SpanStatusCode.OK ? 'Ok' : 'Error';
  if (span.status.message) meta['otel.status_description'] = truncate(span.status.message, LIMITS.metaValue);
  writeEvents(span, meta);
  if (error) writeError(span, meta, statusCode);
  writeLinks(span, meta);

  const priority = numberOf(attributes['sampling.priority']) ?? samplingPriorityOf(spanContext);
  metrics._sampling_priority_v1 = priority;

  const type = spanType(span.kind, lookup, attributes);
  const ddSpan: DatadogSpan = {
    service: truncate(service, LIMITS.service, false),
    name: truncate(operationName(span, lookup), LIMITS.name, false),
    resource: truncate(resourceName(span, lookup), LIMITS.resource),
    trace_id: hexToBigInt(spanContext.traceId.slice(16)),
    span_id: hexToBigInt(spanContext.spanId),
    parent_id: span.parentSpanContext ? hexToBigInt(span.parentSpanContext.spanId) : 0n,
    start: int64(hrTimeToNanos(span.startTime)),
    duration: int64(hrTimeToNanos(span.duration)),
    error,
    meta,
    metrics,
  };
  if (type) ddSpan.type = truncate(type, LIMITS.type, false);
  return ddSpan;
}

function hrTimeToNanos([seconds, nanos]: HrTime): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}

const INT64_MAX = 2n ** 63n - 1n;

/** The intake reads start and duration as int64 and zeroes what does not fit: clamp into [0, 2^63 − 1]. */
function int64(value: bigint): bigint {
  return value < 0n ? 0n : value > INT64_MAX ? INT64_MAX : value;
}

function stringOf(value: AttributeValue | undefined): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function numberOf(value: AttributeValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function serviceOf(lookup: (key: string) => AttributeValue | undefined, fallback: string): string {
  const service = stringOf(lookup('service.name'));
  return service && !service.startsWith('unknown_service') ? service : fallback;
}

function setMeta(meta: Record<string, string>, key: string, value: string): void {
  meta[truncate(key, LIMITS.metaKey)] = truncate(value, LIMITS.metaValue);
}

function copyAttributes(attributes: Attributes, meta: Record<string, string>, metrics: Record<string, number>, renames: Readonly<Record<string, string>>): void {
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === null || RESERVED.has(key) || key.startsWith('datadog.')) continue;
    const ddKey = renames[key] ?? (key.startsWith('http.request.header.') ? `http.request.headers.${key.slice(20)}` : key);
    if (typeof value === 'number') {
      if (Number.isFinite(value)) metrics[truncate(ddKey, LIMITS.metaKey)] = value;
    } else {
      setMeta(meta, ddKey, typeof value === 'string' ? value : JSON.stringify(value));
    }
  }
  if (attributes['db.namespace'] !== undefined && attributes['db.name'] === undefined) {
    const namespace = stringOf(attributes['db.namespace']);
    if (namespace) meta['db.name'] = namespace;
  }
}

/** Agent V2 operation name: low-cardinality names derived from semantic conventions. */
function operationName(span: ReadableSpan, lookup: (key: string) => AttributeValue | undefined): string {
  const explicit = stringOf(lookup('operation.name'));
  if (explicit) return explicit.toLowerCase();
  const kind = span.kind;
  const isClient = kind === SpanKind.CLIENT;
  const isServer = kind === SpanKind.SERVER;
  if (lookup('http.request.method') !== undefined || lookup('http.method') !== undefined) {
    if (isServer) return 'http.server.request';
    if (isClient) return 'http.client.request';
  }
  const dbSystem = stringOf(lookup('db.system.name')) ?? stringOf(lookup('db.system'));
  if (dbSystem && isClient) return `${dbSystem.toLowerCase()}.query`;
  const messagingSystem = stringOf(lookup('messaging.system'));
  const messagingOperation = stringOf(lookup('messaging.operation.type')) ?? stringOf(lookup('messaging.operation'));
  if (messagingSystem && messagingOperation && kind !== SpanKind.INTERNAL) return `${messagingSystem}.${messagingOperation}`.toLowerCase();
  const rpcSystem = stringOf(lookup('rpc.system'));
  if (rpcSystem === 'aws-api' && isClient) {
    const service = stringOf(lookup('rpc.service'));
    return service ? `aws.${service.toLowerCase()}.request` : 'aws.client.request';
  }
  if (rpcSystem && isClient) return `${rpcSystem.toLowerCase()}.client.request`;
  if (rpcSystem && isServer) return `${rpcSystem.toLowerCase()}.server.request`;
  const provider = stringOf(lookup('faas.invoked_provider'));
  const invokedName = stringOf(lookup('faas.invoked_name'));
  if (isClient && provider && invokedName) return `${provider}.${invokedName}.invoke`.toLowerCase();
  const trigger = stringOf(lookup('faas.trigger'));
  if (isServer && trigger) return `${trigger}.invoke`.toLowerCase();
  if (lookup('graphql.operation.type') !== undefined) return 'graphql.server.request';
  const protocol = stringOf(lookup('network.protocol.name'))?.toLowerCase();
  if (isServer) return protocol ? `${protocol}.server.request` : 'server.request';
  if (isClient) return protocol ? `${protocol}.client.request` : 'client.request';
  return KIND_NAME[kind];
}

/** Agent V2 resource name. */
function resourceName(span: ReadableSpan, lookup: (key: string) => AttributeValue | undefined): string {
  const explicit = stringOf(lookup('resource.name'));
  if (explicit) return explicit;
  const rawMethod = stringOf(lookup('http.request.method')) ?? stringOf(lookup('http.method'));
  if (rawMethod) {
    const method = rawMethod === '_OTHER' ? 'HTTP' : rawMethod;
    const route = span.kind === SpanKind.SERVER ? stringOf(lookup('http.route')) : stringOf(lookup('url.template'));
    return route ? `${method} ${route}` : method;
  }
  const messagingOperation = stringOf(lookup('messaging.operation.type')) ?? stringOf(lookup('messaging.operation'));
  if (messagingOperation) {
    const destination = stringOf(lookup('messaging.destination.name')) ?? stringOf(lookup('messaging.destination'));
    return destination ? `${messagingOperation} ${destination}` : messagingOperation;
  }
  const rpcMethod = stringOf(lookup('rpc.method'));
  if (rpcMethod) {
    const rpcService = stringOf(lookup('rpc.service'));
    return rpcService ? `${rpcMethod} ${rpcService}` : rpcMethod;
  }
  const graphqlType = stringOf(lookup('graphql.operation.type'));
  if (graphqlType) {
    const graphqlName = stringOf(lookup('graphql.operation.name'));
    return graphqlName ? `${graphqlType} ${graphqlName}` : graphqlType;
  }
  if (stringOf(lookup('db.system.name')) ?? stringOf(lookup('db.system'))) {
    const statement = stringOf(lookup('db.query.text')) ?? stringOf(lookup('db.statement'));
    if (statement) return statement;
  }
  return span.name;
}

/** Agent V2 span type. */
function spanType(kind: SpanKind, lookup: (key: string) => AttributeValue | undefined, attributes: Attributes): string | undefined {
  for (const key in attributes) if (key.startsWith('gen_ai.')) return 'llm';
  const explicit = stringOf(lookup('span.type'));
  if (explicit) return explicit;
  if (kind === SpanKind.SERVER) return 'web';
  if (kind !== SpanKind.CLIENT) return 'custom';
  const dbSystem = (stringOf(lookup('db.system.name')) ?? stringOf(lookup('db.system')))?.toLowerCase();
  if (!dbSystem) return 'http';
  if (SQL_SYSTEMS.has(dbSystem)) return 'sql';
  return NAMED_DB_TYPES.has(dbSystem) ? dbSystem : 'db';
}

function writeEvents(span: ReadableSpan, meta: Record<string, string>): void {
  if (span.events.length === 0) return;
  const events = span.events.map((event) => {
    const out: Record<string, unknown> = { name: event.name, time_unix_nano: Number(hrTimeToNanos(event.time)) };
    if (event.attributes && Object.keys(event.attributes).length > 0) out.attributes = event.attributes;
    return out;
  });
  meta.events = truncate(JSON.stringify(events), LIMITS.metaValue);
  if (span.events.some((event) => event.name === 'exception')) meta['_dd.span_events.has_exception'] = 'true';
}

/** Error Tracking wants `error.type`, `error.message` and `error.stack`, from the exception event first. */
function writeError(span: ReadableSpan, meta: Record<string, string>, statusCode: number | undefined): void {
  const exception = [...span.events].reverse().find((event) => event.name === 'exception')?.attributes ?? {};
  const message =
    stringOf(exception['exception.message']) ??
    (span.status.message || undefined) ??
    (statusCode !== undefined ? String(statusCode) : undefined);
  const type = stringOf(exception['exception.type']);
  const stack = stringOf(exception['exception.stacktrace']);
  if (message) setMeta(meta, 'error.message', message);
  if (type) setMeta(meta, 'error.type', type);
  if (stack) setMeta(meta, 'error.stack', stack);
}

function writeLinks(span: ReadableSpan, meta: Record<string, string>): void {
  if (span.links.length === 0) return;
  const links = span.links.map(({ context, attributes }) => {
    const link: Record<string, unknown> = { trace_id: context.traceId, span_id: context.spanId };
    if (attributes && Object.keys(attributes).length > 0) {
      link.attributes = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    }
    const tracestate = context.traceState?.serialize();
    if (tracestate) link.tracestate = tracestate;
    link.flags = context.traceFlags & 1;
    return link;
  });
  meta['_dd.span_links'] = truncate(JSON.stringify(links), LIMITS.metaValue);
}
