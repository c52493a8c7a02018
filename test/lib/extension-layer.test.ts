import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ConfigurationError } from '../../lib';
import { extensionLayerArn } from '../../lib/extension-layer';
import { removeTestApps, testApp, tracedFunction } from './support';

afterAll(removeTestApps);

const ARM = lambda.Architecture.ARM_64;
const stackIn = (region?: string) => new Stack(new App(), 'Stack', region ? { env: { account: '123456789012', region } } : {});

describe('extensionLayerArn', () => {
  it('uses the commercial account in a commercial region', () => {
    expect(extensionLayerArn(stackIn('eu-west-1'), { architecture: ARM })).toBe('arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Extension-ARM:105');
  });

  it('uses the GovCloud partition and account in GovCloud', () => {
    expect(extensionLayerArn(stackIn('us-gov-west-1'), { architecture: ARM })).toBe(
      'arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:Datadog-Extension-ARM:105',
    );
  });

  it('takes a region unknown to aws-cdk-lib to be commercial', () => {
    expect(extensionLayerArn(stackIn('xx-new-1'), { architecture: ARM })).toBe('arn:aws:lambda:xx-new-1:464622532012:layer:Datadog-Extension-ARM:105');
  });

  it('uses the version given', () => {
    expect(extensionLayerArn(stackIn('us-east-1'), { architecture: lambda.Architecture.X86_64, version: 87 })).toBe(
      'arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:87',
    );
  });

  it.each([
    ['arm64', ARM, 'us-east-1', 'arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM-FIPS:105'],
    ['x86_64', lambda.Architecture.X86_64, 'us-east-1', 'arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-FIPS:105'],
    ['arm64 in GovCloud', ARM, 'us-gov-west-1', 'arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:Datadog-Extension-ARM-FIPS:105'],
  ])('uses the FIPS layer on %s when fips is set', (_name, architecture, region, expected) => {
    expect(extensionLayerArn(stackIn(region), { architecture, fips: true })).toBe(expected);
    expect(extensionLayerArn(stackIn(region), { architecture, fips: true, version: 104 })).toBe(expected.replace(/105$/, '104'));
  });

  it('uses the ARN given, in any partition', () => {
    const arn = 'arn:aws-cn:lambda:cn-north-1:111122223333:layer:Datadog-Extension-ARM:105';
    expect(extensionLayerArn(stackIn('cn-north-1'), { architecture: ARM, arn })).toBe(arn);
  });

  it.each(['cn-north-1', 'us-iso-east-1', 'us-isob-east-1'])('refuses %s, where Datadog publishes no layer', (region) => {
    expect(() => extensionLayerArn(stackIn(region), { architecture: ARM })).toThrow(
      new RegExp(`Datadog does not publish the Lambda extension layer in partition aws-[a-z-]+ \\(region ${region}\\)\\. Set \`datadog.extensionLayerArn\``),
    );
  });

  const invalid: Array<[string, Parameters<typeof extensionLayerArn>[1], RegExp]> = [
    ['version and ARN together', { architecture: ARM, version: 99, arn: 'arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM:105' }, /`datadog.extensionLayerVersion` and `datadog.extensionLayerArn` are both set/],
    ['fips with an ARN', { architecture: ARM, fips: true, arn: 'arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM:105' }, /`datadog.fips` and `datadog.extensionLayerArn` are both set/],
    ['a fips flag that is not a boolean', { architecture: ARM, fips: 'yes' as unknown as boolean }, /`datadog.fips` must be true or false, got 'yes'/],
    ['a negative version', { architecture: ARM, version: -1 }, /`datadog.extensionLayerVersion` must be a positive integer, got -1/],
    ['a fractional version', { architecture: ARM, version: 1.5 }, /`datadog.extensionLayerVersion` must be a positive integer, got 1.5/],
    ['an ARN that is not a layer version', { architecture: ARM, arn: 'arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM' }, /`datadog.extensionLayerArn` 'arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM' is not a Lambda layer version ARN/],
  ];

  it.each(invalid)('throws ConfigurationError for %s', (_name, options, message) => {
    expect(() => extensionLayerArn(stackIn('us-east-1'), options)).toThrow(ConfigurationError);
    expect(() => extensionLayerArn(stackIn('us-east-1'), options)).toThrow(message);
  });
});

describe('extension layer in an environment-agnostic stack', () => {
  it('resolves partition, region and account at deploy time through one mapping per stack', () => {
    // GIVEN a stack with no env: region and partition are tokens
    const stack = new Stack(testApp(), 'Agnostic');

    // WHEN two functions are instrumented
    tracedFunction(stack, 'A');
    tracedFunction(stack, 'B', { architecture: lambda.Architecture.X86_64 });

    // THEN
    const template = Template.fromStack(stack);
    expect(template.toJSON().Mappings).toEqual({
      DatadogExtensionLayerAccounts: { aws: { account: '464622532012' }, 'aws-us-gov': { account: '002406178527' } },
    });
    const arn = (name: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:', { Ref: 'AWS::Region' }, ':', { 'Fn::FindInMap': ['DatadogExtensionLayerAccounts', { Ref: 'AWS::Partition' }, 'account'] }, `:layer:${name}:105`]],
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'], Layers: [arn('Datadog-Extension-ARM')] });
    template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['x86_64'], Layers: [arn('Datadog-Extension')] });
  });

  it('puts no mapping in a stack with a concrete region', () => {
    const stack = new Stack(testApp(), 'Concrete', { env: { region: 'us-gov-east-1' } });
    tracedFunction(stack, 'A');
    const template = Template.fromStack(stack);
    expect(template.toJSON().Mappings).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', { Layers: ['arn:aws-us-gov:lambda:us-gov-east-1:002406178527:layer:Datadog-Extension-ARM:105'] });
  });
});
