import { Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DatadogApiKey } from '../../lib';
import { SECRET_ARN, ownedSecret, removeTestApps, testApp, testStack, tracedFunction } from './support';

afterAll(removeTestApps);

/** A stack using every grant-making key source, checked by cdk-nag's AwsSolutions pack. */
function nagApp() {
  const app = testApp();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = testStack(app);
  const secret = ownedSecret(stack);
  tracedFunction(stack, 'FromSecret', { datadog: { apiKey: DatadogApiKey.fromSecret(secret) } });
  tracedFunction(stack, 'FromArn', { datadog: { apiKey: DatadogApiKey.fromSecretArn(SECRET_ARN) } });
  const parameter = ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Param', { parameterName: '/datadog/api-key' });
  tracedFunction(stack, 'FromSsm', { datadog: { apiKey: DatadogApiKey.fromSsmParameter(parameter) } });
  tracedFunction(stack, 'FromKms', { datadog: { apiKey: DatadogApiKey.fromKmsEncrypted('AQICAHg=', new kms.Key(stack, 'Cmk', { enableKeyRotation: true })) } });
  return { app, stack, secret };
}

describe('cdk-nag AwsSolutions', () => {
  it('finds only the managed logging policy and the test secret rotation', () => {
    // GIVEN / WHEN nothing is acknowledged
    const { app } = nagApp();

    // THEN the only findings are IAM4 (CDK's default role) and SMG4 (the secret this test creates):
    // no wildcard IAM5 from our grants, no L1 (the default runtime is the latest)
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = (error as Error).message;
    }
    const rules = [...message.matchAll(/Acknowledge with '([^']+)'/g)].map(([, id]) => id.replace(/\[.*$/, ''));
    expect(new Set(rules)).toEqual(new Set(['AwsSolutions::AwsSolutions-IAM4', 'AwsSolutions::AwsSolutions-SMG4']));
  });

  it('passes once those two are acknowledged with reasons', () => {
    const { app, stack, secret } = nagApp();
    Validations.of(stack).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "NodejsFunction's default role: CloudWatch Logs only. Pass `role` to use your own.",
    });
    Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'A Datadog API key is rotated in Datadog, not by a Lambda rotation function.' });
    expect(() => app.synth()).not.toThrow();
  });
});
