import type * as Net from 'node:net';
import { context } from '@opentelemetry/api';
import { builtin } from '../builtins';
import { suppressTracing } from '../tracing/suppress-tracing';
import { freezeTolerantDeadline } from './freeze-tolerant-deadline';
import { ResponseParser, type ParsedResponse } from './http1-response';

/**
 * HTTP/1.1 over raw keep-alive sockets, for the extension on loopback: one write per
 * request, a hard deadline, one retry when a kept-alive socket turns out to be dead, and
 * no spans of its own.
 *
 * Why not `node:http`: on this path it costs ≈ 184 µs per request against ≈ 48 µs for the
 * same bytes on a raw socket (p50, Node 22; `npm run bench -- --profile`), mostly its
 * separate writes of head and body and its client machinery. Three requests per invocation
 * made that the bulk of our warm overhead. The peer is the extension's hyper server or our
 * emulator; responses are tiny and framed by Content-Length or chunked encoding.
 */
export interface LoopbackResponse {
  readonly status: number;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface LoopbackRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST' | 'PUT';
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
  readonly timeoutMs: number;
  /**
   * Called when the whole request has been handed to the operating system: from then on the
   * peer receives it even if the process is frozen before the response arrives. Called
   * again if the one retry rewrites the request.
   * @default - not called
   */
  readonly onWritten?: () => void;
  /**
   * The caller does not await the response (the trace PUT): once written, neither the socket
   * nor the deadline keeps the process alive.
   * @default false
   */
  readonly background?: boolean;
}

// Responses we read are tiny (`{}`, `{"rate_by_service":{}}`); cap what a broken peer can make us buffer.
const MAX_RESPONSE_BYTES = 64 * 1024;
// Idle connections kept per origin: concurrent invocations (managed instances) reuse them.
const MAX_IDLE_PER_ORIGIN = 8;

interface Origin {
  readonly host: string;
  readonly port: number;
  readonly idle: PooledSocket[];
  /** A connection to it has succeeded at least once in this process: the peer is listening. */
  connected: boolean;
}

interface Target {
  readonly origin: Origin;
  /** `METHOD`-less request line tail and fixed headers, e.g. `/lambda/start-invocation HTTP/1.1\r\nhost: …\r\n`. */
  readonly path: string;
  readonly hostHeader: string;
}

/**
 * A connection and its listeners, attached once: they hand the socket's events to the
 * exchange using it, and while it idles in the pool, forget it when the peer closes it.
 */
interface PooledSocket {
  readonly socket: Net.Socket;
  readonly origin: Origin;
  /** The requests in flight on it; none while it idles in the pool. */
  exchange?: Exchange;
}

interface Exchange {
  onData(chunk: Buffer): void;
  onError(error: Error): void;
  onClose(): void;
}

type RequestError = NodeJS.ErrnoException & { retryable?: boolean };

const origins = new Map<string, Origin>();
const targets = new Map<string, Target>();

export function loopbackRequest(request: LoopbackRequest): Promise<LoopbackResponse> {
  return loopbackPipeline([request])[0];
}

/**
 * Requests to one origin written together on one connection, in one write (HTTP/1.1
 * pipelining): one syscall and one wake-up of the peer instead of one per request. The server
 * reads and answers them in the order given. One promise per request, each settled by its own
 * answer; the caller must handle every one. The connection's deadline is the longest of theirs.
 */
export function loopbackPipeline(requests: readonly LoopbackRequest[]): Promise<LoopbackResponse>[] {
  const answers = requests.map(() => {
    let settle!: { resolve: (response: LoopbackResponse) => void; reject: (error: Error) => void };
    const promise = new Promise<LoopbackResponse>((resolve, reject) => (settle = { resolve, reject }));
    return { promise, ...settle };
  });
  // Each answer settles as it arrives: the first need not wait for the last.
  const onAnswer = (index: number, response: LoopbackResponse) => answers[index].resolve(response);
  attempt(requests, onAnswer)
    .catch((error: RequestError) => {
      // A socket kept alive across a Lambda freeze may have been closed by the peer meanwhile.
      if (error.retryable) return attempt(requests, onAnswer);
      throw error;
    })
    // Answers already in stay resolved; the others fail with the connection.
    .catch((error: Error) => answers.forEach((answer) => answer.reject(error)));
  return answers.map((answer) => answer.promise);
}

/**
 * Opens a connection to `url`'s origin ahead of the first request, so the first invocation
 * does not pay for the connect and the socket code's first use. Never throws.
 */
export function preconnect(url: string): void {
  try {
    const { origin } = targetOf(url);
    if (origin.idle.length === 0) release(connect(origin));
  } catch {
    // an unusable URL is reported by the request that needs it
  }
}

/** True once a connection to `url`'s origin has been established in this process. */
export function hasConnected(url: string): boolean {
  try {
    return targetOf(url).origin.connected;
  } catch {
    return false;
  }
}

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (!target) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:') throw new Error(`only http:// is supported, got ${url}`);
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const port = Number(parsed.port || 80);
    const key = `${host}:${port}`;
    let origin = origins.get(key);
    if (!origin) {
      origin = { host, port, idle: [], connected: false };
      origins.set(key, origin);
    }
    target = { origin, path: `${parsed.pathname}${parsed.search}`, hostHeader: parsed.host };
    targets.set(url, target);
  }
  return target;
}

function connect(origin: Origin): PooledSocket {
  // OTel and Datadog net instrumentations trace the connect; writes to an open socket they do
  // not see. The socket's callbacks keep this context.
  const socket = context.with(suppressTracing(context.active()), () => builtin<typeof Net>('node:net').connect({ host: origin.host, port: origin.port }));
  socket.setNoDelay(true);
  socket.once('connect', () => {
    origin.connected = true;
  });
  const pooled: PooledSocket = { socket, origin };
  const closed = () => (pooled.exchange ? pooled.exchange.onClose() : forget(pooled));
  socket
    .on('data', (chunk: Buffer) => pooled.exchange?.onData(chunk))
    .on('error', (error: Error) => (pooled.exchange ? pooled.exchange.onError(error) : forget(pooled)))
    .on('close', closed)
    .on('end', closed);
  return pooled;
}

/** Returns a socket to its origin's idle pool (unref'd, so it never keeps the process alive). */
function release(pooled: PooledSocket): void {
  pooled.exchange = undefined;
  if (pooled.origin.idle.length >= MAX_IDLE_PER_ORIGIN || pooled.socket.destroyed) {
    pooled.socket.destroy();
    return;
  }
  pooled.socket.unref();
  pooled.origin.idle.push(pooled);
}

/** Drops a socket the peer closed (or that failed) while idle. */
function forget(pooled: PooledSocket): void {
  const index = pooled.origin.idle.indexOf(pooled);
  if (index >= 0) pooled.origin.idle.splice(index, 1);
  pooled.socket.destroy();
}

function acquire(origin: Origin): { pooled: PooledSocket; reused: boolean } {
  const pooled = origin.idle.pop();
  return pooled ? { pooled, reused: true } : { pooled: connect(origin), reused: false };
}

function attempt(requests: readonly LoopbackRequest[], onAnswer: (index: number, response: LoopbackResponse) => void): Promise<void> {
  let target: Target;
  try {
    // The first request names the connection's origin; the caller sends a pipeline to one.
    target = targetOf(requests[0].url);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  const { pooled, reused } = acquire(target.origin);
  const socket = pooled.socket;
  return new Promise((resolve, reject) => {
    let answered = 0;
    const parser = new ResponseParser(MAX_RESPONSE_BYTES);
    let settled = false;
    // A server may answer before the whole request is written (an early 413, say): such a
    // socket is mid-request and must not serve another one.
    let written = false;
    const finish = (error: RequestError | undefined, keepAlive = false) => {
      if (settled) return;
      settled = true;
      deadline.clear();
      pooled.exchange = undefined;
      if (error) {
        socket.destroy();
        // Retry only what certainly did not reach a live server: a reused socket with no reply byte.
        error.retryable = reused && answered === 0 && !parser.receivedAny && error.code !== 'ETIMEDOUT';
        reject(error);
        return;
      }
      if (keepAlive && written) release(pooled);
      else socket.destroy();
      resolve();
    };
    const answer = (response: ParsedResponse): boolean => {
      onAnswer(answered, { status: response.status, headers: response.headers, body: response.body });
      answered += 1;
      if (answered === requests.length) finish(undefined, response.keepAlive);
      return !settled;
    };
    const onData = (chunk: Buffer) => {
      try {
        // One chunk may hold several answers, or the end of one and the start of the next.
        for (let response = parser.push(chunk); response && answer(response); response = parser.next());
      } catch (error) {
        finish(withCode(error, 'EPROTO'));
      }
    };
    const onError = (error: Error) => finish(error);
    const onClose = () => {
      const response = parser.end();
      if (response && answered === requests.length - 1) answer({ ...response, keepAlive: false });
      else finish(withCode(new Error('connection closed before the response'), 'ECONNRESET'));
    };
    const timeoutMs = Math.max(...requests.map((request) => request.timeoutMs));
    const deadline = freezeTolerantDeadline(timeoutMs, () => finish(withCode(new Error(`no response within ${timeoutMs} ms`), 'ETIMEDOUT')));
    socket.ref();
    pooled.exchange = { onData, onError, onClose };
    try {
      writeRequests(socket, requests, (error) => {
        if (error || settled) return;
        written = true;
        if (requests.every((request) => request.background)) {
          socket.unref();
          deadline.unref();
        }
        for (const request of requests) request.onWritten?.();
      });
    } catch (error) {
      finish(withCode(error, 'EPIPE'));
    }
  });
}

/**
 * Request lines, headers and bodies in one syscall: string bodies go out as one string write,
 * binary ones as heads and bodies corked together (a single writev, no concatenated copy).
 */
function writeRequests(socket: Net.Socket, requests: readonly LoopbackRequest[], done: (error?: Error | null) => void): void {
  if (requests.every((request) => typeof request.body === 'string')) {
    let text = '';
    for (const request of requests) text += head(request) + (request.body as string);
    socket.write(text, 'utf8', done);
    return;
  }
  socket.cork();
  requests.forEach((request, index) => {
    const callback = index === requests.length - 1 ? done : undefined;
    if (typeof request.body === 'string') socket.write(head(request) + request.body, 'utf8', callback);
    else {
      socket.write(head(request), 'latin1');
      socket.write(request.body, callback);
    }
  });
  socket.uncork();
}

/** The request line and headers, ending in the empty line. */
function head(request: LoopbackRequest): string {
  const { path, hostHeader } = targetOf(request.url);
  const body = request.body;
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  let text = `${request.method ?? 'POST'} ${path} HTTP/1.1\r\nhost: ${hostHeader}\r\ncontent-length: ${length}\r\n`;
  for (const name in request.headers) {
    const value = request.headers[name];
    // Header values come from events and contexts too: never let one end the header block.
    text += `${name}: ${/[\r\n]/.test(value) ? value.replace(/[\r\n]+/g, ' ') : value}\r\n`;
  }
  return text + '\r\n';
}

function withCode(error: unknown, code: string): RequestError {
  const result: RequestError = error instanceof Error ? error : new Error(String(error));
  result.code ??= code;
  return result;
}
