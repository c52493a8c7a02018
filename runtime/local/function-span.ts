import { SpanKind, SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { LambdaContext } from '../lambda-types';
import type { DatadogConfig } from '../config';
import { isFailure, type InvocationOutcome } from '../invocation/lifecycle';
import { LIBRARY_VERSION } from '../version';
import { parseArn } from './arn';
import type { ColdStartInfo } from '../invocation/cold-start';
import type { ContextSource } from './synthetic-context';
import { msToHrTime } from './time';
import type { Trigger } from './trigger';

/** What the `aws.lambda` span is built from. */
export interface FunctionSpanInput {
  readonly lambdaContext: Partial<LambdaContext> | undefined;
  readonly config: DatadogConfig;
  readonly requestId: string;
  readonly coldStart: ColdStartInfo;
  /** When the invocation started (ms since the epoch). */
  readonly startMs: number;
  readonly trigger?: Trigger;
  /** Where the upstream context came from, if there was one. */
  readonly parentSource?: ContextSource;
}

/** The function's name: from the context, else the environment, else its ARN. */
export function functionNameOf(lambdaContext: Partial<LambdaContext> | undefined): string {
  return lambdaContext?.functionName || process.env.AWS_LAMBDA_FUNCTION_NAME || parseArn(lambdaContext?.invokedFunctionArn)?.functionName || 'aws.lambda';
}

/**
 * Starts the `aws.lambda` span (an OTel SERVER span exported as name `aws.lambda`, type
 * `serverless`, resource = function name, service = `config.service`) with Datadog's Lambda
 * tags, as a child of `parent` (the innermost inferred span, or the upstream context).
 *
 * @example
 * const span = createFunctionSpan(tracer, parentContext, { lambdaContext, config, requestId, coldStart, startMs: Date.now() });
 */
export function createFunctionSpan(tracer: Tracer, parent: Context, input: FunctionSpanInput): Span {
  const functionName = functionNameOf(input.lambdaContext);
  const arn = parseArn(input.lambdaContext?.invokedFunctionArn);
  const trigger = input.trigger;
  const attributes: Record<string, string> = {
    'operation.name': 'aws.lambda',
    'resource.name': functionName,
    'span.type': 'serverless',
    'service.name': input.config.service,
    cold_start: String(input.coldStart.coldStart),
    function_version: arn?.qualifier ?? '$LATEST',
    request_id: input.requestId,
    functionname: functionName.toLowerCase(),
    resource_names: functionName,
    datadog_lambda: LIBRARY_VERSION,
    '_dd.origin': 'lambda',
  };
  if (arn) attributes.function_arn = arn.unqualifiedArn;
  if (input.coldStart.proactiveInitialization) attributes.proactive_initialization = 'true';
  if (input.parentSource) attributes['_dd.parent_source'] = input.parentSource === 'xray' ? 'xray' : 'event';
  if (trigger?.eventSource) attributes['function_trigger.event_source'] = trigger.eventSource;
  if (trigger?.eventSourceArn) attributes['function_trigger.event_source_arn'] = trigger.eventSourceArn;
  if (trigger) Object.assign(attributes, trigger.tags);
  return tracer.startSpan('aws.lambda', { kind: SpanKind.SERVER, startTime: msToHrTime(input.startMs), attributes }, parent);
}

/** How the invocation ended, as the spans record it. */
export interface FunctionSpanResult {
  readonly error: boolean;
  readonly statusCode?: number;
}

/**
 * Sets the result-dependent tags and ends `aws.lambda`: `http.status_code` for HTTP
 * triggers, and an error when the handler threw (with `error.type`/`message`/`stack`) or an
 * HTTP trigger answered 5xx, whether or not there is an inferred span.
 */
export function completeFunctionSpan(span: Span, trigger: Trigger | undefined, outcome: InvocationOutcome, endMs: number): FunctionSpanResult {
  const failed = isFailure(outcome);
  const statusCode = trigger?.http && !failed ? statusCodeOf(outcome.result) : undefined;
  if (statusCode !== undefined) span.setAttribute('http.status_code', statusCode);
  if (failed) {
    const exception = describeError(outcome.error);
    span.recordException(exception);
    span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
  } else if (statusCode !== undefined && statusCode >= 500) {
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end(msToHrTime(endMs));
  return { error: failed || (statusCode !== undefined && statusCode >= 500), statusCode };
}

/** `result.statusCode`; 200 for a result without one (HTTP APIs and Function URLs treat it as a 200 body). */
function statusCodeOf(result: unknown): number | undefined {
  if (result === undefined || result === null) return undefined;
  const raw = typeof result === 'object' ? (result as { statusCode?: unknown }).statusCode : undefined;
  if (raw === undefined) return 200;
  const code = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{3}$/.test(raw) ? Number(raw) : undefined;
  return code !== undefined && Number.isInteger(code) && code >= 100 && code <= 599 ? code : undefined;
}

/** Name, message and stack of whatever was thrown; `name` rather than Node's `code` as the type. */
function describeError(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) return { name: error.name || 'Error', message: error.message, stack: error.stack };
  let message: string;
  try {
    message = typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
  } catch {
    message = 'unknown error';
  }
  return { name: typeof error, message };
}
