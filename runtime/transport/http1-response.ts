/**
 * Incremental parser of HTTP/1.1 responses, as the extension's hyper server writes them:
 * a status line, headers, and a body framed by Content-Length, chunked encoding, or the end
 * of the connection. Several responses may arrive back to back on one connection
 * (pipelining): `push` returns the first, `next` each following one. Throws on anything
 * malformed; the caller drops the connection.
 *
 * It reads the received bytes in place, by offset: on the warm path (two tiny pipelined
 * answers in one chunk) it copies no buffer, splits no array and makes no parser per answer.
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
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})/;

export class ResponseParser {
  /** Received bytes; those before `#offset` are consumed. */
  #buffer: Buffer | undefined;
  #offset = 0;
  #head: Head | undefined;
  #body: Buffer[] = [];
  #bodyBytes = 0;
  /** True once any byte has arrived: a request that got no byte back may safely be retried. */
  receivedAny = false;

  constructor(private readonly maxBodyBytes: number) {}

  /** Feeds bytes; returns the response in progress once complete. */
  push(chunk: Buffer): ParsedResponse | undefined {
    this.receivedAny = true;
    const pending = this.#buffer !== undefined && this.#offset < this.#buffer.length;
    this.#buffer = pending ? Buffer.concat([this.#buffer!.subarray(this.#offset), chunk]) : chunk;
    this.#offset = 0;
    return this.parse();
  }

  /** The next response, when the bytes already received complete one (pipelining). */
  next(): ParsedResponse | undefined {
    return this.#buffer !== undefined && this.#offset < this.#buffer.length ? this.parse() : undefined;
  }

  /** The peer closed the connection: completes a body framed by the connection's end. */
  end(): ParsedResponse | undefined {
    if (this.#head?.framing.kind !== 'close') return undefined;
    this.keep(this.#buffer!.length);
    return this.complete();
  }

  private parse(): ParsedResponse | undefined {
    if (!this.#head && !this.parseHead()) return undefined;
    return this.parseBody();
  }

  private parseHead(): boolean {
    const buffer = this.#buffer!;
    for (;;) {
      const end = buffer.indexOf(HEAD_END, this.#offset);
      if (end < 0) {
        if (buffer.length - this.#offset > MAX_HEAD_BYTES) throw new Error('response head too large');
        return false;
      }
      const text = buffer.toString('latin1', this.#offset, end);
      this.#offset = end + 4;
      const lineEnd = text.indexOf(CRLF);
      const statusText = lineEnd < 0 ? text : text.slice(0, lineEnd);
      const statusLine = STATUS_LINE.exec(statusText);
      if (!statusLine) throw new Error(`malformed status line: ${JSON.stringify(statusText.slice(0, 40))}`);
      const status = Number(statusLine[2]);
      // A 1xx interim response (we never ask for one) is followed by the real one.
      if (status < 200) continue;
      const headers = parseHeaders(text, lineEnd);
      const connection = headers.connection?.toLowerCase() ?? '';
      const keepAlive = statusLine[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
      this.#head = { status, headers, keepAlive, framing: framingOf(status, headers) };
      return true;
    }
  }

  private parseBody(): ParsedResponse | undefined {
    const framing = this.#head!.framing;
    const buffer = this.#buffer!;
    if (framing.kind === 'close') {
      this.keep(buffer.length);
      return undefined;
    }
    if (framing.kind === 'length') {
      const take = Math.min(framing.remaining, buffer.length - this.#offset);
      this.keep(this.#offset + take);
      framing.remaining -= take;
      return framing.remaining === 0 ? this.complete() : undefined;
    }
    for (;;) {
      const lineEnd = buffer.indexOf(CRLF, this.#offset, 'latin1');
      if (lineEnd < 0) return undefined;
      const size = parseInt(buffer.toString('latin1', this.#offset, lineEnd).split(';')[0].trim(), 16);
      if (!Number.isFinite(size) || size < 0) throw new Error('malformed chunk size');
      if (size === 0) {
        // The last chunk: then either CRLF, or trailers ending in an empty line.
        const after = lineEnd + 2;
        if (buffer.length - after < 2) return undefined;
        let end = after + 2;
        if (buffer[after] !== 13 || buffer[after + 1] !== 10) {
          const trailersEnd = buffer.indexOf(HEAD_END, after);
          if (trailersEnd < 0) return undefined;
          end = trailersEnd + 4;
        }
        this.#offset = end;
        return this.complete();
      }
      const chunkEnd = lineEnd + 2 + size;
      if (buffer.length < chunkEnd + 2) return undefined;
      this.#offset = lineEnd + 2;
      this.keep(chunkEnd);
      this.#offset = chunkEnd + 2;
    }
  }

  /** Consumes the bytes up to `end` as body, keeping them up to the cap; framing is still followed past it. */
  private keep(end: number): void {
    const length = end - this.#offset;
    if (length <= 0) return;
    const room = this.maxBodyBytes - this.#bodyBytes;
    if (room > 0) this.#body.push(this.#buffer!.subarray(this.#offset, this.#offset + Math.min(length, room)));
    this.#bodyBytes += length;
    this.#offset = end;
  }

  /** The response, and a fresh state for the next one on the connection. */
  private complete(): ParsedResponse {
    const { status, headers, keepAlive } = this.#head!;
    const parts = this.#body;
    const body = parts.length === 0 ? '' : parts.length === 1 ? parts[0].toString('utf8') : Buffer.concat(parts).toString('utf8');
    this.#head = undefined;
    this.#body = [];
    this.#bodyBytes = 0;
    return { status, headers, body, keepAlive };
  }
}

/** The header lines of a response head `text` whose status line ends at `from` (-1: none). */
function parseHeaders(text: string, from: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let start = from; start >= 0; ) {
    const lineStart = start + 2;
    const lineEnd = text.indexOf(CRLF, lineStart);
    const line = lineEnd < 0 ? text.slice(lineStart) : text.slice(lineStart, lineEnd);
    start = lineEnd;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error('malformed header line');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
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
