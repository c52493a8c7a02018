import { context as otelContext, isSpanContextValid, trace, type Context } from '@opentelemetry/api';
import { processConfig } from '../config';
import { currentRootSpan } from '../invocation/root-span';
import { hexIdToDecimal } from '../tracing/ids';

/** The ids Datadog's log pipeline joins a log line to its trace with, as datadog-lambda-js writes them. */
export interface DatadogLogIds {
  /** Decimal, the low 64 bits of the trace id. */
  readonly trace_id: string;
  /** Decimal id of the span active when the line is written. */
  readonly span_id: string;
}

/** What `currentLogContext` returns inside a trace: merge it into a structured log line. */
export interface DatadogLogContext {
  readonly dd: DatadogLogIds & {
    readonly service: string;
    /** @default - absent without `DD_ENV` */
    readonly env?: string;
    /** @default - absent without `DD_VERSION` */
    readonly version?: string;
  };
}

/** The active span's ids in Datadog's decimal form, or undefined outside a trace. */
export function currentLogIds(ctx: Context = otelContext.active()): DatadogLogIds | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  return { trace_id: hexIdToDecimal(spanContext.traceId.slice(16)), span_id: hexIdToDecimal(spanContext.spanId) };
}

/**
 * The `dd` object structured loggers merge into each line so Datadog links it to its trace:
 * the active span's ids plus `service`, `env` and `version`. An empty object outside a trace,
 * so it can be returned from a pino `mixin` or spread into any log call as is.
 *
 * @example
 * import pino from 'pino';
 * import { currentLogContext } from 'datadog-lambda-ts/runtime';
 * const logger = pino({ mixin: () => currentLogContext() });
 */
export function currentLogContext(): DatadogLogContext | Record<string, never> {
  const ids = currentLogIds();
  if (!ids) return {};
  const config = currentRootSpan()?.config ?? processConfig();
  return {
    dd: {
      ...ids,
      service: config.service,
      ...(config.env !== undefined && { env: config.env }),
      ...(config.version !== undefined && { version: config.version }),
    },
  };
}
