import { decimalIdToHex, hexIdToDecimal, isValidHexSpanId, isValidHexTraceId, newSpanId, newTraceId, splitTraceId } from '../../../runtime/tracing/ids';

describe('ids', () => {
  it('makes non-zero 16-hex span ids that differ', () => {
    const ids = new Set(Array.from({ length: 1000 }, newSpanId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isValidHexSpanId(id)).toBe(true);
  });

  it('makes 128-bit trace ids whose high half is <unix seconds><32 zero bits>', () => {
    const id = newTraceId(Date.UTC(2026, 10, 25) + 999);
    expect(isValidHexTraceId(id)).toBe(true);
    expect(id.slice(0, 16)).toBe(`${Math.floor(Date.UTC(2026, 10, 25) / 1000).toString(16)}00000000`);
  });

  it.each([
    ['1', '0000000000000001'],
    ['18446744073709551615', 'ffffffffffffffff'],
    ['1429857782600429890', '13d7e013db39f142'],
  ])('converts decimal %s to hex %s and back', (decimal, hex) => {
    expect(decimalIdToHex(decimal)).toBe(hex);
    expect(hexIdToDecimal(hex)).toBe(decimal);
  });

  it.each([undefined, '', '0', '-1', '1.5', 'abc', '18446744073709551616', '123456789012345678901', ' 12'])('rejects %p as a decimal id', (value) => {
    expect(decimalIdToHex(value)).toBeUndefined();
  });

  it('splits a trace id into high and low halves', () => {
    expect(splitTraceId('0af7651916cd43dd8448eb211c80319c')).toEqual({ high: '0af7651916cd43dd', low: '8448eb211c80319c' });
  });

  it.each(['', '0'.repeat(32), 'Z'.repeat(32), 'ab'])('rejects %p as a trace id', (value) => {
    expect(isValidHexTraceId(value)).toBe(false);
  });
});
