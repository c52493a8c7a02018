import { dogstatsdLine, forwarderLine, MAX_DATAGRAM_BYTES, packDatagrams } from '../../../runtime/metrics/wire-format';
import type { MetricPoint } from '../../../runtime/metrics/metric-point';

const point: MetricPoint = { name: 'orders.created', value: 2.5, type: 'd', tags: ['service:orders', 'env:prod'], timestamp: 1764072000 };

describe('dogstatsdLine', () => {
  it('writes name, value, type, tags and the T timestamp in the order the extension parses', () => {
    expect(dogstatsdLine(point)).toBe('orders.created:2.5|d|#service:orders,env:prod|T1764072000');
  });

  it('leaves out the tag field when there are no tags', () => {
    expect(dogstatsdLine({ ...point, type: 'c', value: 1, tags: [] })).toBe('orders.created:1|c|T1764072000');
  });
});

describe('forwarderLine', () => {
  it('writes the Forwarder JSON with e, m, t and v', () => {
    expect(JSON.parse(forwarderLine(point))).toEqual({ e: 1764072000, m: 'orders.created', t: ['service:orders', 'env:prod'], v: 2.5 });
    expect(forwarderLine(point)).not.toContain('\n');
  });
});

describe('packDatagrams', () => {
  it('joins lines with newlines into as few datagrams as fit, none over the limit, order kept', () => {
    // GIVEN 1000 lines of about 60 bytes (≈ 60 KB)
    const lines = Array.from({ length: 1000 }, (_, i) => dogstatsdLine({ ...point, value: i }));
    // WHEN packed
    const { datagrams, oversized } = packDatagrams(lines);
    // THEN 8 datagrams, each within 8 KiB, that give back every line in order
    const total = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    expect(datagrams.length).toBe(Math.ceil(total / MAX_DATAGRAM_BYTES));
    for (const datagram of datagrams) expect(Buffer.byteLength(datagram)).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);
    expect(datagrams.flatMap((d) => d.split('\n'))).toEqual(lines);
    expect(oversized).toEqual([]);
  });

  it('fills a datagram to exactly the limit, counting the newline and multi-byte characters', () => {
    const a = 'a'.repeat(10);
    const euro = '€'.repeat(3); // 9 bytes
    expect(packDatagrams([a, euro], 20).datagrams).toEqual([`${a}\n${euro}`]);
    expect(packDatagrams([a, `${euro}x`], 20).datagrams).toEqual([a, `${euro}x`]);
  });

  it('sets aside a line that cannot fit in any datagram', () => {
    const { datagrams, oversized } = packDatagrams(['short', 'x'.repeat(30), 'tail'], 20);
    expect(datagrams).toEqual(['short\ntail']);
    expect(oversized).toEqual(['x'.repeat(30)]);
  });
});
