import { context as otelContext, isSpanContextValid, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { DatadogConfig } from '../config';
import { spanHeaders } from '../export/trace-state';
import { log } from '../log';
import { isTracingSuppressed } from '../tracing/suppress-tracing';
import { LIBRARY_VERSION } from '../version';
import { AWS_SDK_CALL_KEY } from './integration';

/**
 * The HTTP client span both HTTP integrations (`node:http`/`node:https` and `fetch`) open for
 * one outgoing request, named and tagged as dd-trace's http and fetch plugins tag theirs.
 */

/** What an integration knows of a request when it starts. */
export interface OutgoingRequest {
  /** dd-trace's `component`: `http` or `fetch`. */
  readonly component: 'http' | 'fetch';
  readonly method: string;
  /** `http:` or `https:`. */
  readonly protocol: string;
  readonly hostname: string;
  /**
   * The port when the caller named one.
   * @default - the protocol's default port, not shown in `http.url`
   */
  readonly port?: number;
  /** The path, query string included (it is stripped here). */
  readonly path: string;
}

/** A started client span and the propagation headers naming it as the parent. */
export interface ClientSpan {
  readonly span: Span;
  readonly headers: Readonly<Record<string, string>>;
}

/** The extension's ports: lifecycle API, DogStatsD, trace intake. Never traced. */
const EXTENSION_PORTS = new Set([8124, 8125, 8126]);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Starts the span for `request` under the active context, or returns undefined when the request
 * is not ours to trace: outside an invocation (no active trace), under `suppressTracing`, under
 * an AWS SDK call's span (that span stands for the call), or to the extension's own ports.
 */
export function startClientSpan(request: OutgoingRequest, config: DatadogConfig, ctx: Context = otelContext.active()): ClientSpan | undefined {
  const parent = trace.getSpanContext(ctx);
  if (!parent || !isSpanContextValid(parent) || isTracingSuppressed(ctx) || ctx.getValue(AWS_SDK_CALL_KEY) !== undefined) return undefined;
  if (isExtensionEndpoint(request, config)) return undefined;
  const method = request.method.toUpperCase();
  const span = trace.getTracer('datadog-lambda-ts', LIBRARY_VERSION).startSpan(
    method,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        // dd-trace's v0 naming for HTTP client spans: `http.request`, resource = method.
        'operation.name': 'http.request',
        'resource.name': method,
        'span.type': 'http',
        component: request.component,
        '_dd.integration': request.component,
        'http.request.method': method,
        'url.full': clientUrl(request),
        'server.address': request.hostname,
        ...(request.port !== undefined && { 'server.port': request.port }),
      },
    },
    ctx,
  );
  const headers = spanHeaders(span.spanContext(), config.propagationStyleInject);
  return { span, headers };
}

/** Ends the span with the response status, or the error that ended the request. */
export function finishClientSpan(span: Span, config: DatadogConfig, outcome: { statusCode?: number; error?: unknown }): void {
  try {
    const { statusCode, error } = outcome;
    if (statusCode !== undefined) {
      span.setAttribute('http.response.status_code', statusCode);
      if (isErrorStatus(statusCode, config)) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    // A caller's own abort is not a failure of the remote end (dd-trace skips AbortError too).
    if (error !== undefined && !isAbort(error)) {
      const message = error instanceof Error ? error.message : JSON.stringify(error);
      span.recordException(error instanceof Error ? error : message);
      span.setStatus({ code: SpanStatusCode.ERROR, message });
    }
  } catch (tagError) {
    log.debug('could not tag an HTTP client span', tagError);
  }
  span.end();
}

function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

export function isErrorStatus(statusCode: number, config: DatadogConfig): boolean {
  return config.httpClientErrorStatuses.some(([low, high]) => statusCode >= low && statusCode <= high);
}

/** `http.url` as dd-trace writes it: no query string, no fragment; the port only when named. */
function clientUrl(request: OutgoingRequest): string {
  const host = request.hostname.includes(':') && !request.hostname.startsWith('[') ? `[${request.hostname}]` : request.hostname;
  const end = request.path.search(/[?#]/);
  const path = end === -1 ? request.path : request.path.slice(0, end);
  return `${request.protocol}//${host}${request.port !== undefined ? `:${request.port}` : ''}${path || '/'}`;
}

function isExtensionEndpoint(request: OutgoingRequest, config: DatadogConfig): boolean {
  if (!LOOPBACK_HOSTS.has(request.hostname)) return false;
  const port = request.port ?? (request.protocol === 'https:' ? 443 : 80);
  return EXTENSION_PORTS.has(port) || port === portOf(config.traceAgentUrl) || port === portOf(config.extensionUrl) || port === config.dogstatsdPort;
}

function portOf(url: string): number | undefined {
  const match = /:(\d+)(?:\/|$)/.exec(url.replace(/^[a-z]+:\/\//, ''));
  return match ? Number(match[1]) : undefined;
}
