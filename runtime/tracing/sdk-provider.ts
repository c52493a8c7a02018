import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The OpenTelemetry SDK parts of the default provider, in a module of their own so that
 * `tracer-provider.ts` can load them when the first provider is built (the first
 * invocation) rather than when the function's module loads: see `createTracerProvider`.
 */
export function newBasicTracerProvider(processor: SpanProcessor): BasicTracerProvider {
  // An empty resource: the default one adds process and SDK attributes to every span for no benefit.
  return new BasicTracerProvider({ resource: resourceFromAttributes({}), spanProcessors: [processor] });
}
