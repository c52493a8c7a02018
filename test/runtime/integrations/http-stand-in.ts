import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * A loopback HTTP server standing in for a downstream service: it records each request and
 * answers `/status/<code>` with that status, anything else with 200 and a small body.
 */
export class HttpStandIn {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly received: ReceivedRequest[],
  ) {}

  static async start(): Promise<HttpStandIn> {
    const received: ReceivedRequest[] = [];
    const server = createServer((req, res) => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      const status = /^\/status\/(\d{3})/.exec(req.url ?? '');
      req.resume();
      req.on('end', () => {
        res.statusCode = status ? Number(status[1]) : 200;
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new HttpStandIn(server, (server.address() as AddressInfo).port, received);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The request whose path starts with `path`. */
  request(path: string): ReceivedRequest {
    const found = this.received.find((request) => request.url.startsWith(path));
    if (!found) throw new Error(`the stand-in received no ${path} among ${this.received.map((r) => r.url).join(', ')}`);
    return found;
  }

  reset(): void {
    this.received.length = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
