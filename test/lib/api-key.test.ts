import { Match, Annotations, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { DatadogApiKey, DD_ENV } from '../../lib';
import { removeTestApps, SECRET_ARN, testStack, tracedFunction } from './support';

afterAll(removeTestApps);

const POLICY = 'AWS::IAM::Policy';
const FUNCTION = 'AWS::Lambda::Function';
const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

describe('DatadogApiKey', () => {
  it('fromSecret grants GetSecretValue on an owned secret only, and decrypt on its key', () => {
    // GIVEN
    const stack = testStack();
    const key = new kms.Key(stack, 'Cmk');
    const secret = new secretsmanager.Secret(stack, 'DdApiKey', { encryptionKey: key });

    // WHEN
    tracedFunction(stack, 'Orders', { datadog: { apiKey: DatadogApiKey.fromSecret(secret) } });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties(FUNCTION, { Environment: { Variables: { [DD_ENV.API_KEY_SECRET_ARN]: { Ref: 'DdApiKey30A81E2D' } } } });
    template.hasResourceProperties(POLICY, {
      PolicyDocument: {
        Statement: [
          { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: 'DdApiKey30A81E2D' } },
          { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Cmk'), 'Arn'] } },
        ],
      },
    });
  });

  it('fromSecret matches the -?????? suffix of a secret imported by name', () => {
    const stack = testStack();
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'ByName', 'datadog/api-key');
    tracedFunction(stack, 'Orders', { datadog: { apiKey: DatadogApiKey.fromSecret(secret) } });
    Template.fromStack(stack).hasResourceProperties(POLICY, {
      PolicyDocument: { Statement: [{ Action: 'secretsmanager:GetSecretValue', Resource: partitionArn(':secretsmanager:us-east-1:123456789012:secret:datadog/api-key-??????') }] },
    });
  });

  it('fromSecret grants the exact ARN of a secret imported by complete ARN', () => {
    const stack = testStack();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Complete', SECRET_ARN);
    tracedFunction(stack, 'Orders', { datadog: { apiKey: DatadogApiKey.fromSecret(secret) } });
    Template.fromStack(stack).hasResourceProperties(POLICY, {
      PolicyDocument: { Statement: [{ Action: 'secretsmanager:GetSecretValue', Resource: SECRET_ARN }] },
    });
  });

  it('fromSecret serves two functions sharing one secret, each with its own grant', () => {
    // GIVEN one key source
    const stack = testStack();
    const apiKey = DatadogApiKey.fromSecret(new secretsmanager.Secret(stack, 'DdApiKey'));

    // WHEN two functions use it
    tracedFunction(stack, 'A', { datadog: { apiKey } });
    tracedFunction(stack, 'B', { datadog: { apiKey } });

    // THEN both roles can read it and both functions point at it
    const template = Template.fromStack(stack);
    template.resourceCountIs(POLICY, 2);
    for (const role of ['AServiceRole', 'BServiceRole']) {
      template.hasResourceProperties(POLICY, {
        Roles: [{ Ref: Match.stringLikeRegexp(`^${role}`) }],
        PolicyDocument: { Statement: [{ Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'DdApiKey30A81E2D' } }] },
      });
    }
    expect(Object.keys(template.findResources(FUNCTION, { Properties: { Environment: { Variables: { [DD_ENV.API_KEY_SECRET_ARN]: { Ref: 'DdApiKey30A81E2D' } } } } }))).toHaveLength(2);
  });

  it('fromSecretArn grants the ARN and its -?????? form, so complete and partial ARNs both work', () => {
    const stack = testStack();
    tracedFunction(stack, 'Orders', { datadog: { apiKey: DatadogApiKey.fromSecretArn(SECRET_ARN) } });
    Template.fromStack(stack).hasResourceProperties(POLICY, {
      PolicyDocument: { Statement: [{ Action: 'secretsmanager:GetSecretValue', Resource: [SECRET_ARN, `${SECRET_ARN}-??????`] }] },
    });
  });

  it('fromSsmParameter grants read on the parameter and sets DD_API_KEY_SSM_ARN', () => {
    const stack = testStack();
    const parameter = ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Param', { parameterName: '/datadog/api-key' });
    tracedFunction(stack, 'Orders', { datadog: { apiKey: DatadogApiKey.fromSsmParameter(parameter) } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(FUNCTION, { Environment: { Variables: { [DD_ENV.API_KEY_SSM_ARN]: Match.anyValue() } } });
    template.hasResourceProperties(POLICY, {
      PolicyDocument: { Statement: [Match.objectLike({ Action: Match.arrayWith(['ssm:GetParameter']), Resource: partitionArn(':ssm:us-east-1:123456789012:parameter/datadog/api-key') })] },
    });
  });

  it('fromKmsEncrypted grants decrypt on the key and sets DD_KMS_API_KEY', () => {
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    tracedFunction(stack, 'Orders', { datadog: { apiKey: DatadogApiKey.fromKmsEncrypted('AQICAHg=', key) } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(FUNCTION, { Environment: { Variables: { [DD_ENV.KMS_API_KEY]: 'AQICAHg=' } } });
    template.hasResourceProperties(POLICY, {
      PolicyDocument: { Statement: [{ Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' }] },
    });
  });

  it('fromPlainText sets DD_API_KEY, grants nothing and warns that the key is visible', () => {
    const stack = testStack();
    tracedFunction(stack, 'Orders', { datadog: { apiKey: DatadogApiKey.fromPlainText('0123456789abcdef0123456789abcdef') } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(FUNCTION, { Environment: { Variables: { [DD_ENV.API_KEY]: '0123456789abcdef0123456789abcdef' } } });
    template.resourceCountIs(POLICY, 0);
    Annotations.fromStack(stack).hasWarning('/Stack/Orders', Match.stringLikeRegexp('The Datadog API key is in plain text .* visible in the template'));
  });

  it('warns about nothing for a secret', () => {
    const stack = testStack();
    tracedFunction(stack, 'Orders');
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toHaveLength(0);
  });

  const invalid: Array<[string, () => DatadogApiKey, RegExp]> = [
    ['fromPlainText with an empty key', () => DatadogApiKey.fromPlainText(' '), /`DatadogApiKey.fromPlainText` was given an empty key/],
    ['fromSecretArn with a non-secret ARN', () => DatadogApiKey.fromSecretArn('arn:aws:ssm:us-east-1:123456789012:parameter/dd'), /`DatadogApiKey.fromSecretArn` 'arn:aws:ssm:us-east-1:123456789012:parameter\/dd' is not a Secrets Manager secret ARN/],
    ['fromKmsEncrypted with a non-base64 ciphertext', () => DatadogApiKey.fromKmsEncrypted('not base64!', kms.Key.fromKeyArn(testStack(), 'K', 'arn:aws:kms:us-east-1:123456789012:key/x')), /ciphertext is not base64/],
  ];

  it.each(invalid)('throws for %s, with the construct path', (_name, apiKey, message) => {
    const stack = testStack();
    expect(() => tracedFunction(stack, 'Orders', { datadog: { apiKey: apiKey() } })).toThrow(message);
    expect(() => tracedFunction(testStack(), 'Orders', { datadog: { apiKey: apiKey() } })).toThrow(/\(at Stack\/Orders\)$/);
  });
});
