import { partitionOf } from '../../../runtime/aws-sdk/aws-resource';
import { parseArn } from '../../../runtime/local/arn';

describe('parseArn', () => {
  it('splits a qualified ARN and lower-cases the unqualified one', () => {
    expect(parseArn('arn:aws:lambda:eu-west-1:123456789012:function:Orders-Handler:live')).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      accountId: '123456789012',
      functionName: 'Orders-Handler',
      qualifier: 'live',
      unqualifiedArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-handler',
    });
  });

  it('reads versions, $LATEST and other partitions', () => {
    expect(parseArn('arn:aws:lambda:us-east-1:123456789012:function:fn:42')?.qualifier).toBe('42');
    expect(parseArn('arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST')?.qualifier).toBe('$LATEST');
    expect(parseArn('arn:aws-cn:lambda:cn-north-1:123456789012:function:fn')).toMatchObject({ partition: 'aws-cn', qualifier: undefined });
    expect(parseArn('arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:fn')?.unqualifiedArn).toBe('arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:fn');
  });

  it.each([
    ['undefined', undefined],
    ['a number', 42],
    ['an empty string', ''],
    ['another service', 'arn:aws:sqs:us-east-1:123456789012:queue'],
    ['a layer ARN', 'arn:aws:lambda:us-east-1:123456789012:layer:dd:1'],
    ['a short account', 'arn:aws:lambda:us-east-1:1234:function:fn'],
    ['too many parts', 'arn:aws:lambda:us-east-1:123456789012:function:fn:1:2'],
    ['a huge string', `arn:aws:lambda:us-east-1:123456789012:function:${'x'.repeat(10_000)}`],
  ])('returns undefined for %s', (_name, input) => {
    expect(parseArn(input)).toBeUndefined();
  });

  it('derives the partition from the region', () => {
    expect([partitionOf('eu-west-1'), partitionOf('cn-northwest-1'), partitionOf('us-gov-east-1')]).toEqual(['aws', 'aws-cn', 'aws-us-gov']);
  });
});
