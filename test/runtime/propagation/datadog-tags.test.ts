import { formatDatadogTags, parseDatadogTags } from '../../../runtime/propagation/datadog-tags';

describe('parseDatadogTags', () => {
  it.each([
    ['6b06cd0100000000', '6b06cd0100000000'],
    // The extension writes the Step Functions high bits without zero padding.
    ['b06cd0100000000', '0b06cd0100000000'],
    ['1', '0000000000000001'],
    ['6B06CD0100000000', '6b06cd0100000000'],
  ])('reads _dd.p.tid=%s as the high 64 bits %s', (tid, high) => {
    expect(parseDatadogTags(`_dd.p.dm=-0,_dd.p.tid=${tid}`)).toEqual({ traceIdHigh: high, propagationTags: { '_dd.p.dm': '-0' } });
  });

  it.each(['', '6b06cd01000000001', 'zz', '0x1', '-1'])('ignores a malformed _dd.p.tid %p', (tid) => {
    expect(parseDatadogTags(`_dd.p.tid=${tid},_dd.p.dm=-1`)).toEqual({ traceIdHigh: undefined, propagationTags: { '_dd.p.dm': '-1' } });
  });

  it('writes back the padded value', () => {
    const { traceIdHigh, propagationTags } = parseDatadogTags('_dd.p.tid=abc');
    expect(formatDatadogTags(traceIdHigh, propagationTags)).toBe('_dd.p.tid=0000000000000abc');
  });
});
