import { SpanKind, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { ColdStartInfo } from '../invocation/cold-start';
import { msToHrTime } from './time';

export interface ColdStartSpanInput {
  readonly coldStart: ColdStartInfo;
  /** When the first invocation started: the end of the init phase as the process sees it. */
  readonly invocationStartMs: number;
  readonly functionName: string;
  readonly service: string;
  readonly requestId: string;
}

/**
 * The init phase of a cold start as a span, `aws.lambda.cold_start` (the name the extension
 * gives the span it builds from the Telemetry API in universal mode, which it cannot build
 * here), from the process start to the first invocation. It leaves out what happens before
 * Node starts (the sandbox and runtime bootstrap), which only the Telemetry API knows.
 *
 * Returns undefined, creating nothing, unless this is a cold start: provisioned concurrency
 * and proactive initialization have no init on the request's path.
 *
 * @example
 * createColdStartSpan(tracer, lambdaContext, { coldStart, invocationStartMs, functionName, service, requestId });
 */
export function createColdStartSpan(tracer: Tracer, parent: Context, input: ColdStartSpanInput): Span | undefined {
  const { coldStart } = input;
  if (!coldStart.coldStart || coldStart.initStartMs === undefined) return undefined;
  const startMs = Math.min(coldStart.initStartMs, input.invocationStartMs);
  const span = tracer.startSpan(
    'aws.lambda.cold_start',
    {
      kind: SpanKind.INTERNAL,
      startTime: msToHrTime(startMs),
      attributes: {
        'operation.name': 'aws.lambda.cold_start',
        'resource.name': input.functionName,
        'service.name': input.service,
        'span.type': 'serverless',
        resource_names: input.functionName,
        request_id: input.requestId,
        cold_start: 'true',
      },
    },
    parent,
  );
  span.end(msToHrTime(input.invocationStartMs));
  return span;
}
