import type { DatadogSpan, DatadogTrace } from './datadog-span';

/**
 * Writes the v0.4 trace payload (an array of chunks, each an array of span maps) in exactly
 * the wire types the extension's decoder accepts: ids, `start` and `duration` as uint64
 * (0xcf), `error` as a positive fixint, strings as str, metric values as float64.
 *
 * Hand-written rather than `@msgpack/msgpack` because the payload has one fixed shape:
 * the library adds ~10 KB to every Lambda bundle (over the 100 KB budget) and needs care to
 * avoid writing a JS number past 2^32 as float64. `npm run bench` measures both encoders
 * (`bench/v04-encode.ts`); tests decode our output with libdatadog's real v0.4 decoder.
 */
export function encodeTraces(traces: readonly DatadogTrace[]): Uint8Array {
  const writer = new Writer(estimateSize(traces));
  writer.arrayHeader(traces.length);
  for (const trace of traces) {
    writer.arrayHeader(trace.length);
    for (const span of trace) writeSpan(writer, span);
  }
  return writer.result();
}

function writeSpan(w: Writer, span: DatadogSpan): void {
  w.mapHeader(span.type === undefined ? 11 : 12);
  w.string('service');
  w.string(span.service);
  w.string('name');
  w.string(span.name);
  w.string('resource');
  w.string(span.resource);
  if (span.type !== undefined) {
    w.string('type');
    w.string(span.type);
  }
  w.string('trace_id');
  w.uint64(span.trace_id);
  w.string('span_id');
  w.uint64(span.span_id);
  w.string('parent_id');
  w.uint64(span.parent_id);
  w.string('start');
  w.uint64(span.start);
  w.string('duration');
  w.uint64(span.duration);
  w.string('error');
  w.byte(span.error);
  w.string('meta');
  const meta = Object.entries(span.meta);
  w.mapHeader(meta.length);
  for (const [key, value] of meta) {
    w.string(key);
    w.string(value);
  }
  w.string('metrics');
  const metrics = Object.entries(span.metrics);
  w.mapHeader(metrics.length);
  for (const [key, value] of metrics) {
    w.string(key);
    w.float64(value);
  }
}

/** A generous first guess, so most payloads need no reallocation. */
function estimateSize(traces: readonly DatadogTrace[]): number {
  let spans = 0;
  for (const trace of traces) spans += trace.length;
  return 1024 + spans * 768;
}

const U64_MAX = (1n << 64n) - 1n;

class Writer {
  #buffer: Buffer;
  #offset = 0;

  constructor(initialSize: number) {
    this.#buffer = Buffer.allocUnsafe(initialSize);
  }

  result(): Uint8Array {
    return this.#buffer.subarray(0, this.#offset);
  }

  private ensure(bytes: number): void {
    if (this.#offset + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#offset + bytes));
    this.#buffer.copy(grown, 0, 0, this.#offset);
    this.#buffer = grown;
  }

  byte(value: number): void {
    this.ensure(1);
    this.#buffer[this.#offset++] = value;
  }

  arrayHeader(length: number): void {
    this.header(length, 0x90, 0xdc, 0xdd);
  }

  mapHeader(length: number): void {
    this.header(length, 0x80, 0xde, 0xdf);
  }

  /** fix (≤ 15 entries), 16-bit or 32-bit length header. */
  private header(length: number, fix: number, marker16: number, marker32: number): void {
    this.ensure(5);
    if (length < 16) {
      this.#buffer[this.#offset++] = fix | length;
    } else if (length < 0x10000) {
      this.#buffer[this.#offset++] = marker16;
      this.#offset = this.#buffer.writeUInt16BE(length, this.#offset);
    } else {
      this.#buffer[this.#offset++] = marker32;
      this.#offset = this.#buffer.writeUInt32BE(length, this.#offset);
    }
  }

  string(value: string): void {
    if (value.length < 32 && this.shortAscii(value)) return;
    const length = Buffer.byteLength(value);
    this.ensure(length + 5);
    if (length < 32) {
      this.#buffer[this.#offset++] = 0xa0 | length;
    } else if (length < 0x100) {
      this.#buffer[this.#offset++] = 0xd9;
      this.#buffer[this.#offset++] = length;
    } else if (length < 0x10000) {
      this.#buffer[this.#offset++] = 0xda;
      this.#offset = this.#buffer.writeUInt16BE(length, this.#offset);
    } else {
      this.#buffer[this.#offset++] = 0xdb;
      this.#offset = this.#buffer.writeUInt32BE(length, this.#offset);
    }
    this.#offset += this.#buffer.write(value, this.#offset, 'utf8');
  }

  /**
   * A string of under 32 ASCII characters as a fixstr, written byte by byte: most keys and
   * values are, and two calls into C++ per string (`byteLength`, `write`) were most of the
   * encoding time. False, having written nothing, at the first non-ASCII character.
   */
  private shortAscii(value: string): boolean {
    const length = value.length;
    this.ensure(length + 1);
    const buffer = this.#buffer;
    const start = this.#offset + 1;
    for (let i = 0; i < length; i += 1) {
      const code = value.charCodeAt(i);
      if (code > 0x7f) return false;
      buffer[start + i] = code;
    }
    buffer[this.#offset] = 0xa0 | length;
    this.#offset = start + length;
    return true;
  }

  /** Always the full 0xcf form, clamped to the u64 range (negatives become 0). */
  uint64(value: bigint): void {
    this.ensure(9);
    this.#buffer[this.#offset++] = 0xcf;
    this.#offset = this.#buffer.writeBigUInt64BE(value < 0n ? 0n : value > U64_MAX ? U64_MAX : value, this.#offset);
  }

  float64(value: number): void {
    this.ensure(9);
    this.#buffer[this.#offset++] = 0xcb;
    this.#offset = this.#buffer.writeDoubleBE(value, this.#offset);
  }
}
