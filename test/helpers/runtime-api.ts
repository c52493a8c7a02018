import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the runtime reported for one invocation. */
export type InvocationOutcome =
  | { readonly kind: 'response'; readonly requestId: string; readonly body: unknown }
  | { readonly kind: 'error'; readonly requestId: string; readonly body: { errorType?: string; errorMessage?: string; trace?: string[] }; readonly headers: IncomingHttpHeaders };

export interface InitError {
  readonly body: { errorType?: string; errorMessage?: string };
  readonly headers: IncomingHttpHeaders;
}

const PREFIX = '/2018-06-01/runtime';

/**
 * A stand-in for Lambda's Runtime API on loopback, enough for a runtime interface client: it
 * hands out queued events on `GET /invocation/next` (holding the request while none is queued,
 * as Lambda does) and records `/response`, `/error` and `/init/error`.
 */
export class RuntimeApiStandIn {
  readonly initErrors: InitError[] = [];
  readonly #queue: Array<{ requestId: string; event: unknown }> = [];
  readonly #waiting: ServerResponse[] = [];
  readonly #pending = new Map<string, (outcome: InvocationOutcome) => void>();
  readonly #initErrorWaiters: Array<(error: InitError) => void> = [];
  #counter = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<RuntimeApiStandIn> {
    const server = createServer();
    const api = new RuntimeApiStandIn(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => api.route(req.method ?? '', req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return api;
  }

  /** `host:port`, the form of `AWS_LAMBDA_RUNTIME_API`. */
  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Queues one event and resolves with what the runtime reports for it. */
  invoke(event: unknown): Promise<InvocationOutcome> {
    this.#counter += 1;
    const requestId = `0000000${this.#counter}-1111-4222-8333-444444444444`;
    const outcome = new Promise<InvocationOutcome>((resolve) => this.#pending.set(requestId, resolve));
    this.#queue.push({ requestId, event });
    this.serve();
    return outcome;
  }

  /** Resolves with the first init error the runtime reports. */
  nextInitError(): Promise<InitError> {
    const reported = this.initErrors[0];
    return reported ? Promise.resolve(reported) : new Promise((resolve) => this.#initErrorWaiters.push(resolve));
  }

  close(): Promise<void> {
    for (const res of this.#waiting.splice(0)) res.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private route(method: string, url: string, headers: IncomingHttpHeaders, body: string, res: ServerResponse): void {
    if (method === 'GET' && url === `${PREFIX}/invocation/next`) {
      this.#waiting.push(res);
      this.serve();
      return;
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (method === 'POST' && match) {
      const requestId = decodeURIComponent(match[1]!);
      const parsed = parse(body);
      const outcome: InvocationOutcome =
        match[2] === 'response' ? { kind: 'response', requestId, body: parsed } : { kind: 'error', requestId, body: parsed as never, headers };
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"OK"}');
      this.#pending.get(requestId)?.(outcome);
      this.#pending.delete(requestId);
      return;
    }
    if (method === 'POST' && url === `${PREFIX}/init/error`) {
      const error: InitError = { body: parse(body) as InitError['body'], headers };
      this.initErrors.push(error);
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"OK"}');
      for (const waiter of this.#initErrorWaiters.splice(0)) waiter(error);
      return;
    }
    res.writeHead(404).end();
  }

  /** Pairs queued events with waiting `next` requests. */
  private serve(): void {
    while (this.#queue.length > 0 && this.#waiting.length > 0) {
      const { requestId, event } = this.#queue.shift()!;
      const res = this.#waiting.shift()!;
      res.writeHead(200, {
        'content-type': 'application/json',
        'lambda-runtime-aws-request-id': requestId,
        'lambda-runtime-deadline-ms': String(Date.now() + 30_000),
        'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:123456789012:function:orders',
        'lambda-runtime-trace-id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      });
      res.end(JSON.stringify(event));
    }
  }
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
