import type { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { exampleAppConfig } from '../../../examples/shared/example-app-config';
import { SqsLambdaStack } from '../../../examples/sqs-lambda/stack';
import { removeTestApps, SECRET_ARN, testApp } from '../../lib/support';

afterAll(removeTestApps);

/** The key variable the TypeScript consumer of a stack built from `variables` gets. */
function consumerKey(variables: NodeJS.ProcessEnv): { stack: Stack; variables: Record<string, unknown> } {
  const config = exampleAppConfig(variables);
  const stack = new SqsLambdaStack(testApp(), 'Example', { env: config.env, datadog: config.datadog });
  const fn = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(stack.consumer.node.defaultChild as never)];
  return { stack, variables: fn.Properties.Environment.Variables };
}

describe('exampleAppConfig', () => {
  it('prefers the secret named by DD_API_KEY_SECRET_ARN over DD_API_KEY, with no warning', () => {
    const config = exampleAppConfig({ DD_API_KEY_SECRET_ARN: SECRET_ARN, DD_API_KEY: 'abc' });
    expect(config.warning).toBeUndefined();
    const { variables } = consumerKey({ DD_API_KEY_SECRET_ARN: SECRET_ARN, DD_API_KEY: 'abc' });
    expect(variables.DD_API_KEY_SECRET_ARN).toBe(SECRET_ARN);
    expect(variables.DD_API_KEY).toBeUndefined();
  });

  it('falls back to DD_API_KEY in plain text, which the construct warns about', () => {
    expect(exampleAppConfig({ DD_API_KEY: 'abc' }).warning).toBeUndefined();
    const { stack, variables } = consumerKey({ DD_API_KEY: 'abc' });
    expect(variables.DD_API_KEY).toBe('abc');
    Annotations.fromStack(stack).hasWarning('/Example/Consumer', Match.stringLikeRegexp('The Datadog API key is in plain text'));
  });

  it('points at the datadog/api-key secret of the deploy account and region, with a warning, when no key is set', () => {
    // GIVEN no variables (blank ones count as unset)
    const config = exampleAppConfig({ DD_API_KEY: '  ', DD_API_KEY_SECRET_ARN: '' });

    // THEN a warning says what to set, and the ARN is built from the stack's pseudo-parameters
    expect(config.warning).toMatch(/Neither DD_API_KEY_SECRET_ARN nor DD_API_KEY is set: .* 'datadog\/api-key' .* set DD_API_KEY_SECRET_ARN/);
    const { stack, variables } = consumerKey({});
    expect(stack.resolve(variables.DD_API_KEY_SECRET_ARN)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':secret:datadog/api-key']],
    });
  });

  it("uses the CDK CLI's default account and region when it has them, else none", () => {
    expect(exampleAppConfig({ CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-west-1' }).env).toEqual({ account: '123456789012', region: 'eu-west-1' });
    expect(exampleAppConfig({}).env).toEqual({ account: undefined, region: undefined });
  });

  it('reads DD_ENV and DD_SITE', () => {
    expect(exampleAppConfig({ DD_ENV: 'staging', DD_SITE: 'datadoghq.eu' }).datadog).toMatchObject({ env: 'staging', site: 'datadoghq.eu' });
    expect(exampleAppConfig({}).datadog).toMatchObject({ env: undefined, site: undefined });
  });
});
