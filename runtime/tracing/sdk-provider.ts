import { resourceFromAttributes } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TracerProvider } from '@opentelemetry/sdk-trace';

/**
 * The OpenTelemetry SDK parts of the default provider, in a module of their own so that
 * `tracer-provider.ts` can load them when the first provider is built (the first
 * invocation) rather than when the function's module loads: see `createTracerProvider`.
 */
export function newSdkTracerProvider(processor: SpanProcessor): TracerProvider {
  // The SDK's plain provider, not sdk-trace-base's `BasicTracerProvider`, which only adds the
  // reading of `OTEL_*` sampler and limit variables (and 5.4 KB of bundle, `npm run bench`); the
  // defaults are the same (parent-based sampling, 128 attributes/events/links).
  // An empty resource: the default one adds process and SDK attributes to every span for no benefit.
  return new TracerProvider({ resource: resourceFromAttributes({}), spanProcessors: [processor] });
}
