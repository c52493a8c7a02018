import type * as Http from 'node:http';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { builtin } from '../builtins';

/**
 * Minimal HTTP/1.1 client for the extension on loopback: keep-alive, a hard deadline per
 * request, one retry when a kept-alive socket turns out to be dead, and no spans of its own.
 */
export interface LoopbackResponse {
  readonly status: number;
  readonly headers: Http.IncomingHttpHeaders;
  readonly body: string;
}

export interface LoopbackRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST' | 'PUT';
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
  readonly timeoutMs: number;
}

// Responses we read are tiny (`{}`, `{"rate_by_service":{}}`); cap what a broken peer can make us buffer.
const MAX_RESPONSE_BYTES = 64 * 1024;

type HttpModule = typeof Http;

let http: HttpModule | undefined;
let agent: Http.Agent | undefined;

/** Loads `node:http` on first use (see builtins.ts for why not at import). */
function loadHttp(): HttpModule {
  if (!http) {
    http = builtin<HttpModule>('node:http');
    agent = new http.Agent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 4 });
  }
  return http;
}

export function loopbackRequest(request: LoopbackRequest): Promise<LoopbackResponse> {
  return context.with(suppressTracing(context.active()), () =>
    send(request).catch((error: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
      // A socket kept alive across a Lambda freeze may have been closed by the peer meanwhile.
      if (error.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) return send(request);
      throw error;
    }),
  );
}

function send({ url, method = 'POST', headers, body, timeoutMs }: LoopbackRequest): Promise<LoopbackResponse> {
  const { request } = loadHttp();
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: { ...headers, 'content-length': String(byteLength(body)) } });
    const deadline = setTimeout(() => req.destroy(timeoutError(timeoutMs)), timeoutMs);
    const fail = (error: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
      clearTimeout(deadline);
      error.reusedSocket = req.reusedSocket;
      reject(error);
    };
    req.once('error', fail);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
      });
      res.once('error', fail);
      res.once('end', () => {
        clearTimeout(deadline);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(body);
  });
}

function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

function timeoutError(timeoutMs: number): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`no response within ${timeoutMs} ms`);
  error.code = 'ETIMEDOUT';
  return error;
}
