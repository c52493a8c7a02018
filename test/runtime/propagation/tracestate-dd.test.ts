import { formatDdMember, parseDdMember, parseSamplingPriority } from '../../../runtime/propagation/tracestate-dd';

describe('the tracestate dd member', () => {
  it('writes s, p, o, t.* and t.tid in that order and reads back what it wrote', () => {
    const member = formatDdMember({
      samplingPriority: 2,
      parentId: '00f067aa0ba902b7',
      origin: 'synthetics',
      propagationTags: { '_dd.p.dm': '-4', '_dd.p.usr': 'a=b', '_dd.p.tid': 'ignored' },
      traceIdHigh: '6b06cc9500000000',
    });
    expect(member).toBe('s:2;p:00f067aa0ba902b7;o:synthetics;t.dm:-4;t.usr:a~b;t.tid:6b06cc9500000000');
    expect(parseDdMember(member)).toEqual({ samplingPriority: 2, origin: 'synthetics', propagationTags: { '_dd.p.dm': '-4', '_dd.p.usr': 'a=b' } });
  });

  it('replaces the characters a member value cannot hold and omits a zero t.tid', () => {
    expect(formatDdMember({ samplingPriority: 1, propagationTags: { '_dd.p.x': 'a,b;c~d e' }, traceIdHigh: '0000000000000000' })).toBe('s:1;t.x:a_b_c_d_e');
  });

  it('ignores malformed fields and priorities', () => {
    expect(parseDdMember('s:high;:x;junk;t.dm:-0')).toEqual({ samplingPriority: undefined, propagationTags: { '_dd.p.dm': '-0' } });
    expect(parseDdMember(undefined)).toEqual({ propagationTags: {} });
    expect([parseSamplingPriority('-1'), parseSamplingPriority('2'), parseSamplingPriority('1.5'), parseSamplingPriority('9999')]).toEqual([-1, 2, undefined, undefined]);
  });
});
