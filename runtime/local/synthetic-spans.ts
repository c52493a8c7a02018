import { SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { plausibleEventTime } from './event-time';
import { msToHrTime } from './time';
import type { InferredSpanSpec } from './trigger';

/** Inferred spans started for one invocation, outermost first. */
export interface SyntheticSpans {
  readonly spans: ReadonlyArray<{ readonly span: Span; readonly spec: InferredSpanSpec; readonly startMs: number }>;
  /** The context to start `aws.lambda` in: the innermost inferred span, or the parent given. */
  readonly context: Context;
}

/** What the inferred spans need to know of the function. */
export interface SyntheticSpanInput {
  readonly requestId: string;
  /** The function's service (`peer.service` of the inferred spans). */
  readonly service: string;
  /** Upper bound for event times: an upstream clock ahead of ours must not start a span after the invocation. */
  readonly invocationStartMs: number;
}

/**
 * Starts the inferred spans for the upstream service, each the parent of the next, the
 * outermost a child of `parent` (the upstream context, or none). Times come from the event.
 *
 * @example
 * const synthetic = createSyntheticSpans(tracer, trigger.spans, upstreamContext, { requestId, service, invocationStartMs });
 * const lambda = tracer.startSpan('aws.lambda', { kind: SpanKind.SERVER }, synthetic.context);
 */
export function createSyntheticSpans(tracer: Tracer, specs: readonly InferredSpanSpec[], parent: Context, input: SyntheticSpanInput): SyntheticSpans {
  let context = parent;
  const spans: Array<SyntheticSpans['spans'][number]> = [];
  for (const spec of specs) {
    const startMs = plausibleEventTime(spec.startMs, input.invocationStartMs) ?? input.invocationStartMs;
    const span = tracer.startSpan(
      spec.name,
      {
        kind: SpanKind.SERVER,
        startTime: msToHrTime(startMs),
        attributes: {
          'operation.name': spec.name,
          'resource.name': spec.resource,
          'service.name': spec.service,
          'span.type': spec.type,
          resource_names: spec.resource,
          request_id: input.requestId,
          'peer.service': input.service,
          '_inferred_span.tag_source': 'self',
          '_inferred_span.synchronicity': spec.synchronicity,
          ...spec.tags,
        },
      },
      context,
    );
    spans.push({ span, spec, startMs });
    context = trace.setSpan(context, span);
  }
  return { spans, context };
}

export interface SyntheticSpanOutcome {
  readonly invocationStartMs: number;
  readonly invocationEndMs: number;
  /** The invocation failed (threw, or an HTTP trigger answered 5xx). */
  readonly error: boolean;
  /** The HTTP status the function answered with. */
  readonly statusCode?: number;
}

/**
 * Ends the inferred spans: a wrapping span (SNS around SQS) where the inner one starts, an
 * async one where `aws.lambda` starts, a sync one where `aws.lambda` ends (and then it shares
 * the function's error and HTTP status).
 */
export function endSyntheticSpans(synthetic: SyntheticSpans, outcome: SyntheticSpanOutcome): void {
  const { spans } = synthetic;
  spans.forEach(({ span, spec, startMs }, index) => {
    const inner = spans[index + 1];
    const innermost = inner === undefined;
    let endMs: number;
    // An event's end time (an authorizer's) is no later than the invocation's start.
    const eventEndMs = plausibleEventTime(spec.endMs, outcome.invocationStartMs);
    if (eventEndMs !== undefined) endMs = eventEndMs;
    else if (inner) endMs = inner.startMs;
    else endMs = spec.synchronicity === 'sync' ? outcome.invocationEndMs : outcome.invocationStartMs;
    if (spec.synchronicity === 'sync' && innermost) {
      if (outcome.statusCode !== undefined) span.setAttribute('http.status_code', outcome.statusCode);
      if (outcome.error) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end(msToHrTime(Math.max(endMs, startMs)));
  });
}
