import { context, ProxyTracerProvider, trace, type TracerProvider } from '@opentelemetry/api';
import { LambdaContextManager } from './context-manager';
import { resolveConfig, type DatadogConfig, type DatadogConfigOptions } from '../config';
import { isExtensionInstalled } from '../extension/presence';
import { DatadogSpanExporter } from '../export/span-exporter';
import type { SpanExporter } from '../export/sdk-types';
import { FlushSpanProcessor } from '../export/flush-span-processor';
import { getGlobalSlot, setGlobalSlot } from '../global-state';
import { log } from '../log';
import type * as SdkProvider from './sdk-provider';

/** Any tracer provider that can flush: the SDK's providers all qualify. */
export interface FlushableTracerProvider extends TracerProvider {
  forceFlush(): Promise<void>;
}

/** What `createTracerProvider` returns: the OpenTelemetry SDK's `TracerProvider`, by what it offers. */
export interface DatadogTracerProvider extends FlushableTracerProvider {
  shutdown(): Promise<void>;
}

/** Flushes within a time budget (ms): what `endRootSpan` awaits. */
export type BoundedFlush = (timeoutMs: number) => Promise<void>;

interface RegisteredProvider {
  readonly provider: FlushableTracerProvider;
  readonly flush: BoundedFlush;
}

const PROVIDER_SLOT = 'tracer-provider';

/**
 * Registers the provider whose spans are flushed at the end of every invocation. The last
 * call wins. Use it when you build your own provider; `createTracerProvider()` calls it for you.
 *
 * @example
 * const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new DatadogSpanExporter({ service: 'orders' }))] });
 * setTracerProvider(provider);
 */
export function setTracerProvider(provider: FlushableTracerProvider): void {
  if (!provider || typeof provider.forceFlush !== 'function') {
    throw new TypeError('setTracerProvider: expected a tracer provider with a forceFlush() method', {
      cause: { package: 'datadog-lambda-ts' },
    });
  }
  register({ provider, flush: (timeoutMs) => withDeadline(provider.forceFlush(), timeoutMs) });
}

function register(registered: RegisteredProvider): void {
  if (getGlobalSlot<RegisteredProvider>(PROVIDER_SLOT)) log.debug('replacing the registered tracer provider');
  setGlobalSlot(PROVIDER_SLOT, registered);
}

/** The registered provider, if any. */
export function getTracerProvider(): FlushableTracerProvider | undefined {
  return getGlobalSlot<RegisteredProvider>(PROVIDER_SLOT)?.provider;
}

export interface CreateTracerProviderOptions {
  /** Configuration overrides. @default - resolved from the environment */
  readonly config?: DatadogConfigOptions;
  /** The exporter. @default - a `DatadogSpanExporter` chosen by `config.traceExporter` */
  readonly exporter?: SpanExporter;
  /**
   * Also register as the global OTel provider and install the async context manager, so
   * `trace.getTracer()` works in user code and spans find their parent across `await`.
   * @default true
   */
  readonly registerGlobal?: boolean;
}

/**
 * Builds the default provider: the OpenTelemetry SDK's `TracerProvider` (parent-based
 * sampling; it does not read the `OTEL_*` sampler and limit variables: bring your own provider
 * and `setTracerProvider` for those), a processor that buffers finished spans and exports them
 * in one request per flush, and our exporter.
 *
 * @example
 * import { createTracerProvider, wrapHandler } from 'datadog-lambda-ts/runtime';
 * createTracerProvider({ config: { service: 'orders' } });
 * export const handler = wrapHandler(async (event) => ({ statusCode: 200 }));
 */
export function createTracerProvider(options: CreateTracerProviderOptions = {}): DatadogTracerProvider {
  const config = resolveConfig(options.config);
  const processor = new FlushSpanProcessor(options.exporter ?? createDefaultExporter(config));
  const provider = loadSdk().newSdkTracerProvider(processor);
  if (options.registerGlobal ?? true) registerGlobally(provider);
  // The invocation waits for the hand-off only. Our exporter reports it once the request is
  // written, so it needs no deadline; an exporter of the caller's may hang.
  const flush: BoundedFlush = options.exporter ? (timeoutMs) => withDeadline(processor.handOff(), timeoutMs) : () => processor.handOff();
  register({ provider, flush });
  return provider;
}

/**
 * The OpenTelemetry SDK, loaded when the first provider is built rather than at import: in a
 * bundle a `require` of our own module becomes a lazily evaluated block, and the SDK's
 * module-level work (core reads the `performance` global, ≈ 0.7 ms) moves out of init.
 */
function loadSdk(): typeof SdkProvider {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./sdk-provider') as typeof SdkProvider;
}

function createDefaultExporter(config: DatadogConfig): DatadogSpanExporter {
  return new DatadogSpanExporter({
    mode: exporterMode(config),
    url: config.traceAgentUrl,
    service: config.service,
    env: config.env,
    version: config.version,
    tags: config.tags,
    timeoutMs: config.flushTimeoutMs,
  });
}

function exporterMode(config: DatadogConfig): 'agent' | 'log' | 'none' {
  if (config.traceExporter !== 'auto') return config.traceExporter;
  return isExtensionInstalled(config.extensionPath) ? 'agent' : 'none';
}

function registerGlobally(provider: TracerProvider): void {
  // Both calls are no-ops (returning false) when the application registered its own first.
  context.setGlobalContextManager(new LambdaContextManager().enable());
  trace.setGlobalTracerProvider(provider);
}

/**
 * The provider to flush for this invocation: the registered one; else a global provider the
 * application registered through the OTel API; else a new default provider.
 */
export function ensureTracerProvider(config: DatadogConfig): BoundedFlush {
  const registered = getGlobalSlot<RegisteredProvider>(PROVIDER_SLOT);
  if (registered) return registered.flush;
  const global = trace.getTracerProvider();
  const delegate = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  if (typeof (delegate as Partial<FlushableTracerProvider>).forceFlush === 'function') {
    setTracerProvider(delegate as FlushableTracerProvider);
  } else {
    createTracerProvider({ config });
  }
  return getGlobalSlot<RegisteredProvider>(PROVIDER_SLOT)!.flush;
}

/** Waits for `flush`, but no longer than `timeoutMs`: a provider that hangs must not hold the invocation. */
function withDeadline(flush: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.debug(`tracer provider flush took over ${timeoutMs} ms; not waiting`);
      resolve();
    }, timeoutMs);
  });
  return Promise.race([flush, deadline]).finally(() => clearTimeout(timer));
}
