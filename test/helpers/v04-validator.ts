import { createAgentlessExporter } from '@datadog/libdatadog';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format } from 'node:util';

/**
 * Validates v0.4 payloads two ways: libdatadog's real v0.4 decoder (the WASM build dd-trace
 * ships), and a walk over the raw msgpack that reports each span field's wire type, since
 * the extension's serde decoder rejects a float id or start and zeroes a float duration.
 */
export async function decodeWithLibdatadog(payload: Uint8Array): Promise<{ ok: boolean; errors: string[] }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    req.resume();
    req.on('end', () => res.writeHead(200).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const errors: string[] = [];
  const exporter = createAgentlessExporter({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiKey: 'test-key',
    tracerVersion: '0.1.0',
    languageVersion: process.version,
    languageInterpreter: 'v8',
    timeoutMs: 5000,
  });
  try {
    await new Promise<void>((resolve) =>
      exporter.sendV04(payload, resolve, { error: (message: string, ...args: unknown[]) => errors.push(format(message, ...args)) }),
    );
  } finally {
    exporter.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return { ok: errors.length === 0 && requests > 0, errors };
}

export type WireType = 'uint64' | 'int' | 'float' | 'str' | 'nil' | 'bool' | 'map' | 'array' | 'bin';

/** For each span of each trace: its keys (in order) and the wire type of each scalar value; meta/metrics value types too. */
export interface SpanWireShape {
  keys: string[];
  types: Record<string, WireType>;
  metaValueTypes: WireType[];
  metricValueTypes: WireType[];
}

export function wireShapes(payload: Uint8Array): SpanWireShape[][] {
  const reader = new Reader(payload);
  const traces: SpanWireShape[][] = [];
  const traceCount = reader.arrayHeader();
  for (let t = 0; t < traceCount; t += 1) {
    const spans: SpanWireShape[] = [];
    const spanCount = reader.arrayHeader();
    for (let s = 0; s < spanCount; s += 1) {
      const shape: SpanWireShape = { keys: [], types: {}, metaValueTypes: [], metricValueTypes: [] };
      const fields = reader.mapHeader();
      for (let f = 0; f < fields; f += 1) {
        const key = reader.string();
        shape.keys.push(key);
        if (key === 'meta' || key === 'metrics') {
          const entries = reader.mapHeader();
          for (let e = 0; e < entries; e += 1) {
            reader.string();
            (key === 'meta' ? shape.metaValueTypes : shape.metricValueTypes).push(reader.skipValue());
          }
          shape.types[key] = 'map';
        } else {
          shape.types[key] = reader.skipValue();
        }
      }
      spans.push(shape);
    }
    traces.push(spans);
  }
  return traces;
}

class Reader {
  #offset = 0;
  readonly #view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private byte(): number {
    return this.bytes[this.#offset++]!;
  }

  arrayHeader(): number {
    const b = this.byte();
    if (b >= 0x90 && b <= 0x9f) return b & 0x0f;
    if (b === 0xdc) return this.take(2);
    if (b === 0xdd) return this.take(4);
    throw new Error(`expected an array at ${this.#offset - 1}, got 0x${b.toString(16)}`);
  }

  mapHeader(): number {
    const b = this.byte();
    if (b >= 0x80 && b <= 0x8f) return b & 0x0f;
    if (b === 0xde) return this.take(2);
    if (b === 0xdf) return this.take(4);
    throw new Error(`expected a map at ${this.#offset - 1}, got 0x${b.toString(16)}`);
  }

  string(): string {
    const b = this.byte();
    let length: number;
    if (b >= 0xa0 && b <= 0xbf) length = b & 0x1f;
    else if (b === 0xd9) length = this.take(1);
    else if (b === 0xda) length = this.take(2);
    else if (b === 0xdb) length = this.take(4);
    else throw new Error(`expected a string at ${this.#offset - 1}, got 0x${b.toString(16)}`);
    const text = Buffer.from(this.bytes.subarray(this.#offset, this.#offset + length)).toString('utf8');
    this.#offset += length;
    return text;
  }

  /** Skips one value and returns its wire type. */
  skipValue(): WireType {
    const b = this.bytes[this.#offset]!;
    if (b <= 0x7f || b >= 0xe0) return this.skip(1, 'int');
    if ((b >= 0xa0 && b <= 0xbf) || b === 0xd9 || b === 0xda || b === 0xdb) {
      this.string();
      return 'str';
    }
    if ((b >= 0x80 && b <= 0x8f) || b === 0xde || b === 0xdf) {
      const entries = this.mapHeader();
      for (let i = 0; i < entries * 2; i += 1) this.skipValue();
      return 'map';
    }
    if ((b >= 0x90 && b <= 0x9f) || b === 0xdc || b === 0xdd) {
      const items = this.arrayHeader();
      for (let i = 0; i < items; i += 1) this.skipValue();
      return 'array';
    }
    switch (b) {
      case 0xc0: return this.skip(1, 'nil');
      case 0xc2: case 0xc3: return this.skip(1, 'bool');
      case 0xcc: case 0xd0: return this.skip(2, 'int');
      case 0xcd: case 0xd1: return this.skip(3, 'int');
      case 0xce: case 0xd2: return this.skip(5, 'int');
      case 0xcf: return this.skip(9, 'uint64');
      case 0xd3: return this.skip(9, 'int');
      case 0xca: return this.skip(5, 'float');
      case 0xcb: return this.skip(9, 'float');
      case 0xc4: this.#offset += 1; return this.skip(this.take(1), 'bin');
      default: throw new Error(`unsupported marker 0x${b.toString(16)} at ${this.#offset}`);
    }
  }

  private skip(count: number, type: WireType): WireType {
    this.#offset += count;
    return type;
  }

  private take(width: 1 | 2 | 4): number {
    const value = width === 1 ? this.#view.getUint8(this.#offset) : width === 2 ? this.#view.getUint16(this.#offset) : this.#view.getUint32(this.#offset);
    this.#offset += width;
    return value;
  }
}
