import { createContextKey, type Context } from '@opentelemetry/api';

/**
 * Marks a context so OTel instrumentations (http, net, undici…) skip the calls made in it:
 * our own calls to the extension must not become spans.
 *
 * The key is `@opentelemetry/core`'s: `createContextKey` is `Symbol.for(description)`, so
 * every copy of core and every instrumentation sees the same key. Defined here rather than
 * imported because importing core evaluates it at init, including a top-level read of the
 * `performance` global that costs ≈ 0.7 ms on Node 22/24 (`npm run bench`).
 */
const SUPPRESS_TRACING_KEY = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

export function suppressTracing(context: Context): Context {
  return context.setValue(SUPPRESS_TRACING_KEY, true);
}

/** True in a context marked by `suppressTracing` (ours or any OTel instrumentation's). */
export function isTracingSuppressed(context: Context): boolean {
  return context.getValue(SUPPRESS_TRACING_KEY) === true;
}
