import type { DatadogTraceContext } from '../tracing/trace-context';
import { inferredServiceName } from './service-mapping';

/** Datadog's `function_trigger.event_source` values. */
export type EventSource =
  | 'api-gateway'
  | 'application-load-balancer'
  | 'cloudfront'
  | 'cloudwatch-events'
  | 'cloudwatch-logs'
  | 'dynamodb'
  | 'eventbridge'
  | 'kinesis'
  | 'lambda-function-url'
  | 'msk'
  | 's3'
  | 'sns'
  | 'sqs'
  | 'states';

/** Whether the caller waited for the function (its span ends with `aws.lambda`) or not (it ends when `aws.lambda` starts). */
export type Synchronicity = 'sync' | 'async';

/** An inferred span for the upstream service, before it is started. */
export interface InferredSpanSpec {
  /** `aws.sqs`, `aws.apigateway`, … */
  readonly name: string;
  readonly service: string;
  readonly resource: string;
  /** Datadog span type: `web`, or `http` for Function URLs. */
  readonly type: string;
  /** When the upstream service handled the request (ms since the epoch). @default - the invocation's start */
  readonly startMs?: number;
  /** An explicit end (the API Gateway authorizer). @default - from the synchronicity rules */
  readonly endMs?: number;
  readonly synchronicity: Synchronicity;
  readonly tags: Readonly<Record<string, string | number>>;
}

/** What an event says about what invoked the function. */
export interface Trigger {
  readonly eventSource?: EventSource;
  readonly eventSourceArn?: string;
  /** Tags for `aws.lambda` besides `function_trigger.*` (`http.*`, Step Functions details). */
  readonly tags: Readonly<Record<string, string>>;
  /** An HTTP trigger: the result's `statusCode` goes on `aws.lambda` and the inferred span, 5xx is an error. */
  readonly http: boolean;
  /** Inferred spans, outermost first; the last one is the parent of `aws.lambda`. */
  readonly spans: readonly InferredSpanSpec[];
  /** The upstream trace context the event carries, if any. */
  readonly context?: DatadogTraceContext;
}

/** Where the function runs, for ARNs built from event fields. */
export interface TriggerEnv {
  readonly region: string;
  readonly partition: string;
  readonly accountId?: string;
  /** The running function's name (Function URL ARNs). */
  readonly functionName?: string;
}

/** A trigger with only a carrier (a custom payload with `headers`). */
export function carrierOnly(context: DatadogTraceContext | undefined): Trigger | undefined {
  return context ? { tags: {}, http: false, spans: [], context } : undefined;
}

/** The part of an ARN after its last `sep` (`:` for queues and topics). */
export function lastSegment(arn: string | undefined, sep = ':'): string | undefined {
  if (!arn) return undefined;
  const index = arn.lastIndexOf(sep);
  const tail = index >= 0 ? arn.slice(index + 1) : arn;
  return tail || undefined;
}

/** Drops undefined and empty values, so tags never read "undefined". */
export function compactTags<T extends string | number>(tags: Record<string, T | undefined>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key in tags) {
    const value = tags[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

/** How an async inferred span is named and serviced. */
export interface AsyncSpanInput {
  /**
   * The trigger's short name, e.g. `sqs`: it names the span (`aws.sqs`), is the trigger's
   * `DD_SERVICE_MAPPING` key (`lambda_sqs`) and the service when resource names are off.
   */
  readonly source: string;
  readonly resource: string;
  /** The resource's own name: the mapping's specific key and the default service. */
  readonly specific: string;
  readonly startMs: number | undefined;
  readonly tags: Readonly<Record<string, string | number>>;
  /** @default 'web' */
  readonly type?: string;
}

/** An async inferred span (queues, topics, streams, buckets, tables), tagged with its `operation_name`. */
export function asyncSpan(input: AsyncSpanInput): InferredSpanSpec {
  const name = `aws.${input.source}`;
  return {
    name,
    service: inferredServiceName(input.specific, `lambda_${input.source}`, input.source),
    resource: input.resource,
    type: input.type ?? 'web',
    startMs: input.startMs,
    synchronicity: 'async',
    tags: { operation_name: name, ...input.tags },
  };
}
