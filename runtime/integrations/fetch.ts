import type { Span } from '@opentelemetry/api';
import type * as DiagnosticsChannel from 'node:diagnostics_channel';
import { builtin } from '../builtins';
import type { DatadogConfig } from '../config';
import { log } from '../log';
import { finishClientSpan, startClientSpan } from './client-span';
import type { Integration } from './integration';

/**
 * Global `fetch` (and any other undici client): one span per request, propagation headers
 * injected, from undici's diagnostics channels alone, which Node 20, 22 and 24 all publish.
 * `undici:request:create` runs in the caller's async context, before the headers are written;
 * the other three run wherever the socket's work runs, so spans are found by request object.
 * The span ends with the body (`trailers`) or an error, as dd-trace's undici plugin ends it.
 */
export const fetchIntegration: Integration = {
  name: 'fetch',
  enable(config) {
    const channels = builtin<typeof DiagnosticsChannel>('node:diagnostics_channel');
    const tracker = new UndiciTracker(config);
    channels.subscribe('undici:request:create', (message) => tracker.onCreate(message as UndiciMessage));
    channels.subscribe('undici:request:headers', (message) => tracker.onHeaders(message as UndiciMessage));
    channels.subscribe('undici:request:trailers', (message) => tracker.onEnd(message as UndiciMessage));
    channels.subscribe('undici:request:error', (message) => tracker.onEnd(message as UndiciMessage));
  },
};

/** The parts of undici's request object and messages read here. */
interface UndiciRequest {
  readonly origin?: string | URL;
  readonly path?: string;
  readonly method?: string;
  addHeader?(name: string, value: string): unknown;
}

interface UndiciMessage {
  readonly request: UndiciRequest;
  readonly response?: { readonly statusCode?: number };
  readonly error?: unknown;
}

interface InFlight {
  readonly span: Span;
  statusCode?: number;
}

/** Subscribers never throw: Node would rethrow into the process. */
class UndiciTracker {
  readonly #inFlight = new WeakMap<object, InFlight>();

  constructor(private readonly config: DatadogConfig) {}

  onCreate({ request }: UndiciMessage): void {
    try {
      if (!request || typeof request.addHeader !== 'function') return;
      const origin = new URL(String(request.origin));
      const started = startClientSpan(
        {
          component: 'fetch',
          method: request.method ?? 'GET',
          protocol: origin.protocol,
          hostname: origin.hostname.replace(/^\[|\]$/g, ''),
          port: origin.port ? Number(origin.port) : undefined,
          path: request.path ?? '/',
        },
        this.config,
      );
      if (!started) return;
      this.#inFlight.set(request, { span: started.span });
      for (const name in started.headers) request.addHeader(name, started.headers[name]);
    } catch (error) {
      log.debug('could not trace a fetch request', error);
    }
  }

  onHeaders({ request, response }: UndiciMessage): void {
    const inFlight = this.#inFlight.get(request);
    if (inFlight) inFlight.statusCode = response?.statusCode;
  }

  onEnd({ request, error }: UndiciMessage): void {
    const inFlight = this.#inFlight.get(request);
    if (!inFlight) return;
    this.#inFlight.delete(request);
    finishClientSpan(inFlight.span, this.config, { statusCode: inFlight.statusCode, error });
  }
}
