import { datadogContextFromXrayHeader, mergedXrayContext, parseXrayHeader } from '../../../runtime/propagation/xray';

describe('X-Ray headers', () => {
  it('reads a Datadog Java tracer padding as the Datadog context', () => {
    expect(datadogContextFromXrayHeader('Root=1-674466c0-0000000066698e63821a03f5;Parent=24b17e9b6476c018;Sampled=0')).toEqual({
      traceId: '000000000000000066698e63821a03f5',
      parentId: '24b17e9b6476c018',
      samplingPriority: 0,
      propagationTags: {},
    });
  });

  it('gives no Datadog context for a plain X-Ray header, only a merged one', () => {
    const header = 'Root=1-5e272390-8c398be037738dc042009320;Parent=94ae789b969f1cc5;Sampled=0';
    expect(datadogContextFromXrayHeader(header)).toBeUndefined();
    expect(mergedXrayContext(header)).toMatchObject({ traceId: '000000000000000037738dc042009320', samplingPriority: -1 });
  });

  it.each(['', 'Root=1-5e272390;Parent=94ae789b969f1cc5', 'Root=1-5e272390-8c398be037738dc042009320', 'Root=1-5e272390-8c398be037738dc042009320;Parent=0000000000000000', 'x'.repeat(2000)])(
    'rejects %p',
    (header) => {
      expect(parseXrayHeader(header)).toBeUndefined();
    },
  );
});
