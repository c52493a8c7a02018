import { decode } from '@msgpack/msgpack';
import type { DatadogSpan } from '../../../runtime/export/datadog-span';
import { encodeTraces } from '../../../runtime/export/v04-encoder';
import { decodeWithLibdatadog } from '../../helpers/v04-validator';

function span(meta: Record<string, string>): DatadogSpan {
  return { service: 'orders', name: 'aws.lambda', resource: 'GET /orders', trace_id: 1n, span_id: 2n, parent_id: 0n, start: 1_795_608_000_000_000_000n, duration: 1_500n, error: 0, meta, metrics: { _sampling_priority_v1: 1 } };
}

/** Offset of the first byte of `value`'s msgpack string header in `payload` (it follows its key). */
function headerByteOf(payload: Uint8Array, key: string): number {
  const keyBytes = Buffer.from(key, 'utf8');
  const at = Buffer.from(payload).indexOf(keyBytes);
  return payload[at + keyBytes.length];
}

describe('encodeTraces', () => {
  it('writes every string exactly, short ASCII, at the fixstr boundary, longer, and non-ASCII', () => {
    // GIVEN strings on each side of the byte-by-byte path (under 32 ASCII characters)
    const meta = {
      empty: '',
      ascii31: 'a'.repeat(31),
      ascii32: 'b'.repeat(32),
      long: 'c'.repeat(300),
      accented: 'café',
      cjk: '日本語',
      emoji: '🚀 launch',
      lone: 'x\uD800y',
      'clé': 'key not ASCII',
    };

    // WHEN encoded
    const payload = encodeTraces([[span(meta)]]);

    // THEN it decodes to the same strings (a lone surrogate becomes U+FFFD, as Buffer writes it)
    const [[decoded]] = decode(payload) as [[{ meta: Record<string, string> }]];
    expect(decoded.meta).toEqual({ ...meta, lone: 'x\uFFFDy' });
    // AND the headers are the shortest msgpack allows: fixstr up to 31 bytes, str8 from 32
    expect(headerByteOf(payload, 'ascii31')).toBe(0xa0 | 31);
    expect(headerByteOf(payload, 'ascii32')).toBe(0xd9);
    expect(headerByteOf(payload, 'accented')).toBe(0xa0 | Buffer.byteLength('café'));
  });

  it('gives a payload the intake decodes', async () => {
    const payload = encodeTraces([[span({ language: 'javascript', 'runtime-id': 'r', note: 'naïve' })]]);
    await expect(decodeWithLibdatadog(payload)).resolves.toEqual({ ok: true, errors: [] });
  });
});
