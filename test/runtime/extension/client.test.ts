import { readTraceContext } from '../../../runtime/extension/client';

describe('readTraceContext (start-invocation reply headers)', () => {
  it('reads the low 64 bits, _dd.p.tid and the priority', () => {
    expect(
      readTraceContext({ 'x-datadog-trace-id': '1429857782600429890', 'x-datadog-tags': '_dd.p.tid=66bcb5eb00000000', 'x-datadog-sampling-priority': '2' }),
    ).toEqual({ traceId: '66bcb5eb0000000013d7e013db39f142', samplingPriority: 2, propagationTags: {} });
  });

  it('left-pads the unpadded _dd.p.tid the extension writes for a Step Functions execution (one in sixteen)', () => {
    // bottlecap formats the hashed high bits with `{:x}`: 0x09eb32be… loses its leading zero.
    expect(readTraceContext({ 'x-datadog-trace-id': '1429857782600429890', 'x-datadog-tags': '_dd.p.dm=-0,_dd.p.tid=9eb32be7789eb32b', 'x-datadog-sampling-priority': '1' })).toEqual({
      traceId: '9eb32be7789eb32b13d7e013db39f142',
      samplingPriority: 1,
      propagationTags: { '_dd.p.dm': '-0' },
    });
    expect(readTraceContext({ 'x-datadog-trace-id': '1429857782600429890', 'x-datadog-tags': '_dd.p.tid=9eb32be7789eb3' })?.traceId).toBe('009eb32be7789eb313d7e013db39f142');
  });

  it('zero-fills the high half for a 64-bit upstream trace and leaves the priority unset when absent', () => {
    expect(readTraceContext({ 'x-datadog-trace-id': '1' })).toEqual({ traceId: `${'0'.repeat(31)}1`, samplingPriority: undefined, propagationTags: {} });
  });

  it.each([
    [{}],
    [{ 'x-datadog-trace-id': '0' }],
    [{ 'x-datadog-trace-id': 'abc' }],
    [{ 'x-datadog-trace-id': '99999999999999999999999' }],
  ])('finds no context in %p', (headers) => {
    expect(readTraceContext(headers)).toBeUndefined();
  });

  it('ignores a malformed tid and priority but keeps the trace', () => {
    expect(readTraceContext({ 'x-datadog-trace-id': '7', 'x-datadog-tags': '_dd.p.tid=zz', 'x-datadog-sampling-priority': 'high' })).toEqual({
      traceId: `${'0'.repeat(31)}7`,
      samplingPriority: undefined,
      propagationTags: {},
    });
  });
});
