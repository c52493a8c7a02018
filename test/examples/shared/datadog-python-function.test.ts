import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ConfigurationError, DatadogApiKey } from '../../../lib';
import { DATADOG_PYTHON_LAYER_VERSION, DatadogPythonFunction, datadogPythonLayerArn, type DatadogPythonFunctionProps } from '../../../examples/shared/datadog-python-function';
import { REPO_ROOT, removeTestApps, SECRET_ARN, testApp, testStack, US_EAST_1 } from '../../lib/support';

afterAll(removeTestApps);

const PRODUCER_PY = path.join(REPO_ROOT, 'examples', 'sqs-lambda', 'producer.py');
const props = (overrides: Partial<DatadogPythonFunctionProps> = {}): DatadogPythonFunctionProps => ({
  source: PRODUCER_PY,
  datadog: { service: 'python-sqs-producer', apiKey: DatadogApiKey.fromSecretArn(SECRET_ARN) },
  ...overrides,
});

function onlyFunction(stack: Stack): Record<string, unknown> & { Code: { S3Key: string }; Environment: { Variables: Record<string, unknown> } } {
  const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
  return fn.Properties as ReturnType<typeof onlyFunction>;
}

describe('DatadogPythonFunction', () => {
  it('ships the handler file and nothing else of its directory', () => {
    // GIVEN a directory that also holds consumer.ts
    const app = testApp();
    const stack = testStack(app);
    new DatadogPythonFunction(stack, 'Producer', props());

    // WHEN the app is synthesized
    const assembly = app.synth();

    // THEN the function's asset holds producer.py only
    const key = onlyFunction(stack).Code.S3Key;
    expect(readdirSync(path.join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`))).toEqual(['producer.py']);
  });

  it('redirects the handler to the Datadog layer and names the real one in DD_LAMBDA_HANDLER', () => {
    const stack = testStack();
    new DatadogPythonFunction(stack, 'Producer', props({ handler: 'send', environment: { QUEUE_URL: 'https://queue' } }));
    const fn = onlyFunction(stack);
    expect(fn.Handler).toBe('datadog_lambda.handler.handler');
    expect(fn.Environment.Variables).toEqual({
      QUEUE_URL: 'https://queue',
      DD_LAMBDA_HANDLER: 'producer.send',
      DD_SERVICE: 'python-sqs-producer',
      DD_API_KEY_SECRET_ARN: SECRET_ARN,
    });
  });

  it('adds the Datadog Python layer of its runtime, then the extension layer', () => {
    const stack = testStack();
    new DatadogPythonFunction(stack, 'Producer', props({ runtime: lambda.Runtime.PYTHON_3_12, pythonLayerVersion: 122 }));
    expect(onlyFunction(stack)).toMatchObject({
      Runtime: 'python3.12',
      Architectures: ['arm64'],
      Layers: ['arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312-ARM:122', 'arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM:105'],
    });
  });

  it('refuses a runtime that is not Python', () => {
    expect(() => new DatadogPythonFunction(testStack(), 'Producer', props({ runtime: lambda.Runtime.NODEJS_24_X }))).toThrow(
      /`runtime` 'nodejs24.x' is not a Python runtime\. Use Runtime\.PYTHON_3_13\. \(at Stack\/Producer\)/,
    );
  });
});

describe('datadogPythonLayerArn', () => {
  const ARM = lambda.Architecture.ARM_64;
  const stackIn = (region?: string) => new Stack(testApp(), 'Stack', region ? { env: { account: US_EAST_1.account, region } } : {});

  it('uses the GovCloud partition and account in GovCloud', () => {
    expect(datadogPythonLayerArn(stackIn('us-gov-west-1'), lambda.Runtime.PYTHON_3_13, ARM, DATADOG_PYTHON_LAYER_VERSION)).toBe(
      `arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:Datadog-Python313-ARM:${DATADOG_PYTHON_LAYER_VERSION}`,
    );
  });

  it('names the x86_64 layer without the -ARM suffix', () => {
    expect(datadogPythonLayerArn(stackIn('eu-west-1'), lambda.Runtime.PYTHON_3_13, lambda.Architecture.X86_64, 7)).toBe(
      'arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Python313:7',
    );
  });

  it('resolves partition, region and account at deploy time in an environment-agnostic stack', () => {
    // GIVEN a stack with no env
    const stack = stackIn();

    // WHEN the ARN is resolved
    const arn = stack.resolve(datadogPythonLayerArn(stack, lambda.Runtime.PYTHON_3_13, ARM, 130));

    // THEN the publisher part is the extension layer ARN's, computed by CloudFormation
    const extension = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:', { Ref: 'AWS::Region' }, ':', { 'Fn::FindInMap': ['DatadogExtensionLayerAccounts', { Ref: 'AWS::Partition' }, 'account'] }, ':layer:Datadog-Extension-ARM:105']],
    };
    expect(arn).toEqual({ 'Fn::Join': ['', [{ 'Fn::Select': [0, { 'Fn::Split': [':layer:', extension] }] }, ':layer:Datadog-Python313-ARM:130']] });
  });

  it.each([
    ['cn-north-1', lambda.Runtime.PYTHON_3_13, 1, /Datadog does not publish the Lambda extension layer in partition aws-cn/],
    ['us-east-1', lambda.Runtime.PYTHON_3_13, 0, /`pythonLayerVersion` must be a positive integer, got 0/],
    ['us-east-1', lambda.Runtime.NODEJS_24_X, 1, /`runtime` 'nodejs24.x' has no Datadog Python layer/],
  ])('refuses %s / %s / version %d', (region, runtime, version, message) => {
    expect(() => datadogPythonLayerArn(stackIn(region), runtime, ARM, version)).toThrow(ConfigurationError);
    expect(() => datadogPythonLayerArn(stackIn(region), runtime, ARM, version)).toThrow(message);
  });
});
