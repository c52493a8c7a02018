import { context as otelContext } from '@opentelemetry/api';
import type { LambdaContext } from '../lambda-types';
import { resolveConfig, withContextService, type DatadogConfig, type DatadogConfigOptions } from '../config';
import { createRootSpan, endRootSpan } from './root-span';
import { setTraceExtractor, type TraceExtractor } from '../local/synthetic-context';
import { log } from '../log';
import { watchFirstByte } from '../metrics/time-to-first-byte';
import { prewarm } from '../extension/prewarm';
import { enableIntegrations } from '../integrations';

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
 * response stream, callback), and a promise of the handler's result. (A wrapped callback-style
 * handler called with a callback answers through that callback instead, as Lambda expects.)
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
 * A callback-style handler (three or more parameters, not streaming) is presented to Lambda as
 * `(event, context)`, because the Node.js 24 runtime refuses any handler whose `length` is 3 or
 * more (`Runtime.CallbackHandlerDeprecated`); the wrapper hands the user's handler a callback of
 * its own. When the caller passes a callback (the Node.js 20 and 22 runtimes do), the outcome
 * goes back through it, so `context.callbackWaitsForEmptyEventLoop` keeps its meaning there;
 * otherwise (Node.js 24) the returned promise settles when the handler calls back.
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
  let invocationConfig: DatadogConfig | undefined;
  const { traceExtractor, ...configOptions } = options;
  const getConfig = () => (config ??= resolveConfig(configOptions));
  // Fixed by the first invocation: one function per process, as in Lambda.
  const configFor = (lambdaContext: Partial<LambdaContext> | undefined) =>
    (invocationConfig ??= withContextService(getConfig(), configOptions, lambdaContext));
  if (traceExtractor) setTraceExtractor(traceExtractor);
  const streaming = (handler as unknown as Record<symbol, unknown>)[STREAMING_HANDLER] === 'response';
  const callbackStyle = !streaming && handler.length >= 3;
  enableIntegrations(getConfig());
  prewarm(getConfig);

  async function traced(thisArg: unknown, args: unknown[], event: unknown, lambdaContext: Partial<LambdaContext> | undefined): Promise<unknown> {
    const root = await createRootSpan(event, lambdaContext, configFor(lambdaContext));
    let result: unknown;
    try {
      result = await otelContext.with(root.context, () => callUser(handler, thisArg, args, callbackStyle));
    } catch (error) {
      await endRootSpan(root, { error });
      throw error;
    }
    await endRootSpan(root, { result });
    return result;
  }

  const wrapped = streaming
    ? function (this: unknown, event: unknown, responseStream: unknown, lambdaContext: LambdaContext) {
        watchFirstByte(responseStream, lambdaContext, configFor(lambdaContext));
        return traced(this, [event, responseStream, lambdaContext], event, lambdaContext);
      }
    : callbackStyle
      ? function (this: unknown, event: unknown, lambdaContext: LambdaContext) {
          // Declared with two parameters: Node.js 24 rejects a handler whose length is 3 or more.
          // eslint-disable-next-line prefer-rest-params
          const runtimeCallback: unknown = arguments[2];
          const outcome = traced(this, [event, lambdaContext], event, lambdaContext);
          if (typeof runtimeCallback !== 'function') return outcome;
          // Node.js 20/22: answering through the runtime's callback keeps callbackWaitsForEmptyEventLoop.
          const callback = runtimeCallback as (error: unknown, result?: unknown) => void;
          outcome.then(
            (result) => callback(null, result),
            // A promise rejected with nothing is a failure to Lambda; a nullish error argument is not.
            (error: unknown) => callback(error ?? new Error(`handler rejected with ${String(error)}`)),
          );
          return undefined;
        }
      : function (this: unknown, event: unknown, lambdaContext: LambdaContext) {
          // eslint-disable-next-line prefer-rest-params
          return traced(this, Array.from(arguments), event, lambdaContext);
        };

  copyHandlerProperties(handler, wrapped, callbackStyle ? 2 : handler.length);
  return wrapped as unknown as TracedHandler<H>;
}

/**
 * Calls the user's handler. A callback-style one gets a callback of ours; the first outcome wins,
 * whether it comes through the callback or a returned promise, as in Lambda's own runtime.
 */
function callUser(handler: AnyHandler, thisArg: unknown, args: unknown[], callbackStyle: boolean): Promise<unknown> {
  if (!callbackStyle) return Promise.resolve(handler.apply(thisArg, args));
  return new Promise((resolve, reject) => {
    // As Lambda's runtime reads it: any error argument other than undefined or null is a failure,
    // and it goes back as the very object the user passed.
    const callback = (error?: unknown, result?: unknown) =>
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      error !== undefined && error !== null ? reject(error) : resolve(result);
    const returned = handler.apply(thisArg, [args[0], args[1], callback]);
    if (isThenable(returned)) returned.then(resolve, reject);
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** Keeps what the Lambda runtime reads from the handler: arity (as presented), name and marker symbols. */
function copyHandlerProperties(from: AnyHandler, to: AnyHandler, length: number): void {
  try {
    Object.defineProperty(to, 'length', { value: length });
    Object.defineProperty(to, 'name', { value: from.name });
    for (const key of Object.getOwnPropertySymbols(from)) {
      (to as unknown as Record<symbol, unknown>)[key] = (from as unknown as Record<symbol, unknown>)[key];
    }
    Object.defineProperty(to, WRAPPED, { value: true });
  } catch (error) {
    log.debug('could not copy handler properties', error);
  }
}
