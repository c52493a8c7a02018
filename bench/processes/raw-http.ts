import { connect, type Socket } from 'node:net';

/**
 * HTTP/1.1 over one raw keep-alive socket, for the harnesses: the Runtime API calls between
 * invocations (`node:http` would be traced by dd-trace and add spans of the harness's own to
 * Datadog's numbers), and the floor under any `node:http` client in the phase profile.
 * Answers are matched to requests in order; the stand-in answers every request.
 */
export class RawHttpClient {
  readonly #waiting: Array<(() => void) | undefined> = [];
  #buffer = '';

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
  }

  /** Connects to `host:port`. */
  static open(hostPort: string): Promise<RawHttpClient> {
    const [host, port] = hostPort.split(':');
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), host, () => resolve(new RawHttpClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends the request and resolves when its answer has arrived. */
  request(method: string, path: string, body: string | Uint8Array): Promise<void> {
    return new Promise((resolve) => this.write(method, path, body, resolve));
  }

  /** Sends the request and resolves once the socket has taken it; the answer is read and dropped later. */
  send(method: string, path: string, body: string | Uint8Array): Promise<void> {
    return new Promise((resolve) => this.write(method, path, body, undefined, resolve));
  }

  private write(method: string, path: string, body: string | Uint8Array, onAnswer?: () => void, onWritten?: () => void): void {
    this.#waiting.push(onAnswer);
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    const head = `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;
    this.socket.write(typeof body === 'string' ? head + body : Buffer.concat([Buffer.from(head, 'latin1'), body]), onWritten);
  }

  private onData(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const headerEnd = this.#buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/content-length: *(\d+)/i.exec(this.#buffer.slice(0, headerEnd))?.[1] ?? 0);
      const end = headerEnd + 4 + length;
      if (this.#buffer.length < end) return;
      this.#buffer = this.#buffer.slice(end);
      this.#waiting.shift()?.();
    }
  }
}
