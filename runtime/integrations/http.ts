import type { Span } from '@opentelemetry/api';
import type * as DiagnosticsChannel from 'node:diagnostics_channel';
import type * as Http from 'node:http';
import type * as NodeModule from 'node:module';
import { builtin } from '../builtins';
import type { DatadogConfig } from '../config';
import { log } from '../log';
import { finishClientSpan, startClientSpan, type OutgoingRequest } from './client-span';
import type { Integration } from './integration';

/**
 * `node:http` and `node:https` clients: one span per request, propagation headers injected.
 *
 * Node ≥ 22.12 publishes `http.client.request.created` while the request's headers can still
 * change; older Node only publishes `http.client.request.start`, after the headers are written,
 * so there `request` and `get` of both modules are wrapped instead (the only patching here).
 * Loading `node:http`/`node:https` costs 3–100 ms, so only modules already loaded are wrapped at
 * init; one loaded later is wrapped when its first request starts, which gets a span but, its
 * headers being gone, no propagation headers.
 * Responses and errors come from `http.client.response.finish` and `http.client.request.error`
 * on every version. The span ends when the response body ends, as dd-trace's does.
 */
export const httpIntegration: Integration = {
  name: 'http',
  enable(config) {
    const channels = builtin<typeof DiagnosticsChannel>('node:diagnostics_channel');
    const tracker = new RequestTracker(config);
    channels.subscribe('http.client.request.created', (message) => tracker.onCreated(message));
    channels.subscribe('http.client.response.finish', (message) => tracker.onResponse(message));
    channels.subscribe('http.client.request.error', (message) => tracker.onError(message));
    if (publishesCreated(process.versions.node)) return;
    let complete = false;
    const patch = (inUse?: BuiltinId) => (complete = patchRequestFunctions((request) => tracker.onCreated({ request }), inUse));
    patch();
    channels.subscribe('http.client.request.start', (message) => {
      const inUse = tracker.onLateStart(message);
      if (inUse && !complete) patch(inUse);
    });
  },
};

/** Whether this Node publishes `http.client.request.created` (added in 23.2, backported to 22.12). */
export function publishesCreated(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 12);
}

type ClientRequest = Http.ClientRequest & { readonly protocol?: string; readonly host?: string; readonly res?: Http.IncomingMessage | null };

/** Spans of the requests in flight. Subscribers never throw: Node would rethrow into the process. */
class RequestTracker {
  readonly #spans = new WeakMap<object, Span>();

  constructor(private readonly config: DatadogConfig) {}

  onCreated(message: unknown): void {
    this.#start(message, true);
  }

  /** Older Node: a traced request no wrapper saw (its module loaded after init). Returns the module it came through. */
  onLateStart(message: unknown): BuiltinId | undefined {
    const request = this.#start(message, false);
    if (!request) return undefined;
    return request.protocol === 'https:' ? 'node:https' : 'node:http';
  }

  /**
   * Starts the span of a request not seen yet and returns the request; with `inject`, only
   * while its headers are unsent, and the propagation headers are added to them.
   */
  #start(message: unknown, inject: boolean): ClientRequest | undefined {
    try {
      const request = (message as { request?: ClientRequest }).request;
      if (!request || this.#spans.has(request) || (inject && request.headersSent)) return undefined;
      const started = startClientSpan(describe(request), this.config);
      if (!started) return undefined;
      this.#spans.set(request, started.span);
      if (inject) for (const name in started.headers) request.setHeader(name, started.headers[name]);
      return request;
    } catch (error) {
      log.debug('could not trace an http request', error);
      return undefined;
    }
  }

  onResponse(message: unknown): void {
    try {
      const { request, response } = message as { request: object; response: Http.IncomingMessage };
      if (!this.#spans.has(request)) return;
      const done = () => this.#finish(request, { statusCode: response.statusCode });
      if (response.complete || response.destroyed) done();
      else {
        response.once('end', done);
        response.once('close', done);
      }
    } catch (error) {
      log.debug('could not trace an http response', error);
    }
  }

  onError(message: unknown): void {
    try {
      const { request, error } = message as { request: object; error: unknown };
      const statusCode = (request as ClientRequest).res?.statusCode;
      this.#finish(request, { statusCode, error });
    } catch (tagError) {
      log.debug('could not trace an http request error', tagError);
    }
  }

  #finish(request: object, outcome: { statusCode?: number; error?: unknown }): void {
    const span = this.#spans.get(request);
    if (!span) return;
    this.#spans.delete(request);
    finishClientSpan(span, this.config, outcome);
  }
}

function describe(request: ClientRequest): OutgoingRequest {
  return { component: 'http', method: request.method ?? 'GET', protocol: request.protocol ?? 'http:', hostname: request.host ?? 'localhost', port: portOf(request), path: request.path ?? '/' };
}

/** The port the caller named: from the Host header Node sets, else none (the protocol's default). */
function portOf(request: ClientRequest): number | undefined {
  const host = request.getHeader('host');
  if (typeof host !== 'string') return undefined;
  const match = /:(\d+)$/.exec(host);
  return match ? Number(match[1]) : undefined;
}

const PATCHED = Symbol.for('datadog-lambda-ts.http.patched');
const BUILTIN_IDS = ['node:http', 'node:https'] as const;
type BuiltinId = (typeof BUILTIN_IDS)[number];

/**
 * Older Node: wraps `request` and `get` of `node:http` and `node:https` so `onCreated` sees each
 * request before its headers are written. `get` is re-expressed as `request` + `end`, exactly
 * what Node's does, since Node's calls its module-internal `request`. ESM named imports are
 * refreshed with `syncBuiltinESMExports`. Only modules already loaded are wrapped (loading one
 * would cost init time); returns true once both are.
 */
function patchRequestFunctions(onCreated: (request: Http.ClientRequest) => void, inUse?: BuiltinId): boolean {
  // Node's list of the built-ins loaded so far (undocumented; without it, wrapping waits for a first request).
  const loaded = (process as { moduleLoadList?: readonly string[] }).moduleLoadList ?? [];
  let patched = false;
  let complete = true;
  for (const id of BUILTIN_IDS) {
    if (id !== inUse && !loaded.includes(`NativeModule ${id.slice(5)}`)) {
      complete = false;
      continue;
    }
    const module = builtin<Record<string | symbol, unknown>>(id);
    // Wrapped by an earlier enabling (another module registry, as in a test runner): only the callback changes hands.
    const hook = module[PATCHED] as { onCreated: (request: Http.ClientRequest) => void } | undefined;
    if (hook) {
      hook.onCreated = onCreated;
      continue;
    }
    patched = true;
    const current = { onCreated };
    const original = module.request as (...args: unknown[]) => Http.ClientRequest;
    const request = function (this: unknown, ...args: unknown[]): Http.ClientRequest {
      const created = original.apply(this, args);
      current.onCreated(created);
      return created;
    };
    const get = function (this: unknown, ...args: unknown[]): Http.ClientRequest {
      const created = request.apply(this, args);
      created.end();
      return created;
    };
    module.request = request;
    module.get = get;
    module[PATCHED] = current;
  }
  if (patched) builtin<typeof NodeModule>('node:module').syncBuiltinESMExports();
  return complete;
}
