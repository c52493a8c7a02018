/**
 * Incremental parser of one HTTP/1.1 response, as the extension's hyper server writes them:
 * a status line, headers, and a body framed by Content-Length, chunked encoding, or the end
 * of the connection. Throws on anything malformed; the caller drops the connection.
 */
export interface ParsedResponse {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with `, `. */
  readonly headers: Record<string, string>;
  readonly body: string;
  /** False when the server said `Connection: close` (or spoke HTTP/1.0 without keep-alive). */
  readonly keepAlive: boolean;
}

type BodyFraming = { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' };

interface Head {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly keepAlive: boolean;
  readonly framing: BodyFraming;
}

const MAX_HEAD_BYTES = 16 * 1024;
const CRLF = '\r\n';

export class ResponseParser {
  #pending: Buffer = Buffer.alloc(0);
  #head: Head | undefined;
  readonly #body: Buffer[] = [];
  #bodyBytes = 0;
  /** True once any byte has arrived: a request that got no byte back may safely be retried. */
  receivedAny = false;

  constructor(private readonly maxBodyBytes: number) {}

  /** Feeds bytes; returns the response once complete. */
  push(chunk: Buffer): ParsedResponse | undefined {
    this.receivedAny = true;
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    if (!this.#head && !this.parseHead()) return undefined;
    return this.parseBody();
  }

  /** Bytes received past the end of the completed response: the start of the next one (pipelining). */
  rest(): Buffer {
    return this.#pending;
  }

  /** The peer closed the connection: completes a body framed by the connection's end. */
  end(): ParsedResponse | undefined {
    if (this.#head?.framing.kind !== 'close') return undefined;
    this.keep(this.#pending);
    return this.complete();
  }

  private parseHead(): boolean {
    for (;;) {
      const end = this.#pending.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.#pending.length > MAX_HEAD_BYTES) throw new Error('response head too large');
        return false;
      }
      const lines = this.#pending.toString('latin1', 0, end).split(CRLF);
      this.#pending = this.#pending.subarray(end + 4);
      const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
      if (!statusLine) throw new Error(`malformed status line: ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`);
      const status = Number(statusLine[2]);
      // A 1xx interim response (we never ask for one) is followed by the real one.
      if (status < 200) continue;
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon <= 0) throw new Error('malformed header line');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
      }
      const connection = headers.connection?.toLowerCase() ?? '';
      const keepAlive = statusLine[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
      this.#head = { status, headers, keepAlive, framing: framingOf(status, headers) };
      return true;
    }
  }

  private parseBody(): ParsedResponse | undefined {
    const head = this.#head!;
    const framing = head.framing;
    if (framing.kind === 'close') {
      this.keep(this.#pending);
      this.#pending = Buffer.alloc(0);
      return undefined;
    }
    if (framing.kind === 'length') {
      const take = Math.min(framing.remaining, this.#pending.length);
      this.keep(this.#pending.subarray(0, take));
      this.#pending = this.#pending.subarray(take);
      framing.remaining -= take;
      return framing.remaining === 0 ? this.complete() : undefined;
    }
    for (;;) {
      const lineEnd = this.#pending.indexOf(CRLF);
      if (lineEnd < 0) return undefined;
      const size = parseInt(this.#pending.toString('latin1', 0, lineEnd).split(';')[0].trim(), 16);
      if (!Number.isFinite(size) || size < 0) throw new Error('malformed chunk size');
      if (size === 0) {
        // The last chunk: then either CRLF, or trailers ending in an empty line.
        const rest = this.#pending.subarray(lineEnd + 2);
        if (rest.length < 2) return undefined;
        let end = 2;
        if (rest[0] !== 13 || rest[1] !== 10) {
          const trailersEnd = rest.indexOf('\r\n\r\n');
          if (trailersEnd < 0) return undefined;
          end = trailersEnd + 4;
        }
        this.#pending = rest.subarray(end);
        return this.complete();
      }
      const chunkEnd = lineEnd + 2 + size;
      if (this.#pending.length < chunkEnd + 2) return undefined;
      this.keep(this.#pending.subarray(lineEnd + 2, chunkEnd));
      this.#pending = this.#pending.subarray(chunkEnd + 2);
    }
  }

  /** Keeps body bytes up to the cap; framing is still followed past it. */
  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const room = this.maxBodyBytes - this.#bodyBytes;
    if (room > 0) this.#body.push(bytes.length > room ? bytes.subarray(0, room) : bytes);
    this.#bodyBytes += bytes.length;
  }

  private complete(): ParsedResponse {
    const head = this.#head!;
    return { status: head.status, headers: head.headers, body: Buffer.concat(this.#body).toString('utf8'), keepAlive: head.keepAlive };
  }
}

function framingOf(status: number, headers: Record<string, string>): BodyFraming {
  if (status === 204 || status === 304) return { kind: 'length', remaining: 0 };
  if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) return { kind: 'chunked' };
  const length = headers['content-length'];
  if (length !== undefined) {
    const remaining = Number(length);
    if (!Number.isInteger(remaining) || remaining < 0) throw new Error('malformed content-length');
    return { kind: 'length', remaining };
  }
  return { kind: 'close' };
}
