import { correctionFor, correctTrace } from '../../../runtime/export/trace-corrections';

describe('trace corrections', () => {
  it('returns what was registered for a trace, and nothing for others', () => {
    correctTrace('0000000000000000000000000000000a', { traceId: '0000000000000000000000000000000b', samplingPriority: 2 });
    expect(correctionFor('0000000000000000000000000000000a')).toEqual({ traceId: '0000000000000000000000000000000b', samplingPriority: 2 });
    expect(correctionFor('0000000000000000000000000000000c')).toBeUndefined();
  });

  it('keeps only the most recent 32', () => {
    const id = (n: number) => n.toString(16).padStart(32, '0');
    for (let n = 100; n < 140; n++) correctTrace(id(n), { traceId: id(n + 1000) });
    expect(correctionFor(id(107))).toBeUndefined();
    expect(correctionFor(id(108))).toEqual({ traceId: id(1108) });
    expect(correctionFor(id(139))).toEqual({ traceId: id(1139) });
  });
});
