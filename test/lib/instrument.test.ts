import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { DatadogApiKey, DD_ENV, instrumentFunction } from '../../lib';
import { FIXTURE_ENTRY, SECRET_ARN, removeTestApps, testStack } from './support';

afterAll(removeTestApps);

describe('instrumentFunction', () => {
  const settings = { service: 'legacy', site: 'datadoghq.eu', apiKey: DatadogApiKey.fromSecretArn(SECRET_ARN) };

  it('adds the layer, the environment and the grant to an existing NodejsFunction', () => {
    // GIVEN a function built elsewhere, with a variable of its own that contradicts `site`
    const stack = testStack();
    const fn = new NodejsFunction(stack, 'Legacy', {
      entry: FIXTURE_ENTRY,
      architecture: lambda.Architecture.X86_64,
      runtime: lambda.Runtime.NODEJS_22_X,
      environment: { DD_SITE: 'datadoghq.com', TABLE: 't' },
    });

    // WHEN
    instrumentFunction(fn, settings);

    // THEN the user's variable stays, with a warning, and the rest is added
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Layers: ['arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:105'],
      Environment: { Variables: { TABLE: 't', [DD_ENV.SITE]: 'datadoghq.com', [DD_ENV.SERVICE]: 'legacy', [DD_ENV.API_KEY_SECRET_ARN]: SECRET_ARN } },
    });
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [Match.objectLike({ Action: 'secretsmanager:GetSecretValue' })] } });
    Annotations.fromStack(stack).hasWarning('/Stack/Legacy', Match.stringLikeRegexp('`environment.DD_SITE` is \'datadoghq.com\''));
  });

  it('refuses a function that is not Node.js', () => {
    const stack = testStack();
    const fn = new lambda.Function(stack, 'Py', { runtime: lambda.Runtime.PYTHON_3_13, handler: 'app.handler', code: lambda.Code.fromInline('x') });
    expect(() => instrumentFunction(fn, settings)).toThrow(/`runtime` 'python3.13' is not Node.js; datadog-lambda-ts instruments Node.js functions only.* \(at Stack\/Py\)$/);
  });

  it('refuses invalid settings with the function path', () => {
    const stack = testStack();
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });
    expect(() => instrumentFunction(fn, { ...settings, env: 'pro d' })).toThrow(/`datadog.env` must be a Datadog tag value.*\(at Stack\/Fn\)$/);
  });
});
