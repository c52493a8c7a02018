import { context as otelContext } from '@opentelemetry/api';
import type { Context as LambdaContext } from 'aws-lambda';
import { resolveConfig, type DatadogConfig, type DatadogConfigOptions } from '../config';
import { createRootSpan, endRootSpan } from './root-span';
import { setTraceExtractor, type TraceExtractor } from '../local/synthetic-context';
import { log } from '../log';
import { watchFirstByte } from '../metrics/time-to-first-byte';
import { prewarm } from '../extension/prewarm';

/** Options of `wrapHandler`: configuration overrides (unset fields come from the environment), plus: */
export interface WrapHandlerOptions extends DatadogConfigOptions {
  /**
   * Local span mode: reads the upstream trace headers from events of your own shape. It runs
   * first, before the built-in extraction, and returns Datadog or W3C headers (or undefined).
   * Process-wide, like `setTraceExtractor`.
   * @default - only the built-in extraction
   */
  readonly traceExtractor?: TraceExtractor;
}

/** Marks a function as already wrapped, so wrapping twice is harmless. */
const WRAPPED = Symbol.for('datadog-lambda-ts.wrapped');
/** Set by `awslambda.streamifyResponse`; the runtime then calls `(event, responseStream, context)`. */
export const STREAMING_HANDLER = Symbol.for('aws.lambda.runtime.handler.streaming');

// Handler shapes are whatever the user wrote; the wrapper only forwards arguments.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = (...args: any[]) => unknown;

type EventOf<H extends AnyHandler> = Parameters<H> extends [infer E, ...unknown[]] ? E : unknown;

/**
 * What `wrapHandler` returns: the same event type, whatever else Lambda passes (context,
 * response stream, callback), and always a promise of the handler's result.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TracedHandler<H extends AnyHandler> = (event: EventOf<H>, ...rest: any[]) => Promise<Awaited<ReturnType<H>>>;

/**
 * Wraps a Lambda handler so each invocation is traced through the Datadog extension:
 * start-invocation, the handler under the extension's `aws.lambda` span, then
 * end-invocation and a span flush before the result goes back to Lambda.
 *
 * The handler's result and errors pass through untouched (the same objects); nothing this
 * library does can make the invocation fail. Async, callback-style and response-streaming
 * (`awslambda.streamifyResponse`) handlers are supported, with `this` and arity kept.
 *
 * @example
 * import { wrapHandler } from 'datadog-lambda-ts/runtime';
 * import { trace } from '@opentelemetry/api';
 *
 * export const handler = wrapHandler(async (event: { orderId: string }) => {
 *   return trace.getTracer('orders').startActiveSpan('load-order', async (span) => {
 *     try { return { statusCode: 200 }; } finally { span.end(); }
 *   });
 * });
 */
export function wrapHandler<H extends AnyHandler>(handler: H, options: WrapHandlerOptions = {}): TracedHandler<H> {
  if (typeof handler !== 'function') {
    throw new TypeError(`wrapHandler: expected the handler function, got ${handler === null ? 'null' : typeof handler}`, {
      cause: { package: 'datadog-lambda-ts' },
    });
  }
  if ((handler as unknown as Record<symbol, unknown>)[WRAPPED]) return handler as unknown as TracedHandler<H>;

  let config: DatadogConfig | undefined;
  const { traceExtractor, ...configOptions } = options;
  const getConfig = () => (config ??= resolveConfig(configOptions));
  if (traceExtractor) setTraceExtractor(traceExtractor);
  const streaming = (handler as unknown as Record<symbol, unknown>)[STREAMING_HANDLER] === 'response';
  prewarm(getConfig);

  async function traced(thisArg: unknown, args: unknown[], event: unknown, lambdaContext: Partial<LambdaContext> | undefined): Promise<unknown> {
    const root = await createRootSpan(event, lambdaContext, getConfig());
    let result: unknown;
    try {
      result = await otelContext.with(root.context, () => callUser(handler, thisArg, args, streaming));
    } catch (error) {
      await endRootSpan(root, { error });
      throw error;
    }
    await endRootSpan(root, { result });
    return result;
  }

  const wrapped = streaming
    ? function (this: unknown, event: unknown, responseStream: unknown, lambdaContext: LambdaContext) {
        watchFirstByte(responseStream, lambdaContext, getConfig());
        return traced(this, [event, responseStream, lambdaContext], event, lambdaContext);
      }
    : function (this: unknown, event: unknown, lambdaContext: LambdaContext) {
        // eslint-disable-next-line prefer-rest-params
        return traced(this, Array.from(arguments), event, lambdaContext);
      };

  copyHandlerProperties(handler, wrapped);
  return wrapped as unknown as TracedHandler<H>;
}

/** Calls the user's handler; a callback-style handler (three parameters, no promise) is awaited through its callback. */
function callUser(handler: AnyHandler, thisArg: unknown, args: unknown[], streaming: boolean): Promise<unknown> {
  if (streaming || handler.length < 3) return Promise.resolve(handler.apply(thisArg, args));
  return new Promise((resolve, reject) => {
    // The user's error goes back to Lambda as the very object they passed, whatever it is.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const callback = (error?: unknown, result?: unknown) => (error ? reject(error) : resolve(result));
    const returned = handler.apply(thisArg, [args[0], args[1], callback]);
    if (isThenable(returned)) returned.then(resolve, reject);
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** Keeps what the Lambda runtime reads from the handler: arity, name and marker symbols. */
function copyHandlerProperties(from: AnyHandler, to: AnyHandler): void {
  try {
    Object.defineProperty(to, 'length', { value: from.length });
    Object.defineProperty(to, 'name', { value: from.name });
    for (const key of Object.getOwnPropertySymbols(from)) {
      (to as unknown as Record<symbol, unknown>)[key] = (from as unknown as Record<symbol, unknown>)[key];
    }
    Object.defineProperty(to, WRAPPED, { value: true });
  } catch (error) {
    log.debug('could not copy handler properties', error);
  }
}
