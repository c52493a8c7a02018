import { readFileSync } from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ConfigurationError, DatadogTracedFunction, DD_ENV, type DatadogApiKey } from '../../lib';
import { FIXTURE_ENTRY, removeTestApps, testApp, testStack, tracedFunction, tracedProps } from './support';

afterAll(removeTestApps);

const FUNCTION = 'AWS::Lambda::Function';

function variables(stack: Stack): Record<string, unknown> {
  const [fn] = Object.values(Template.fromStack(stack).findResources(FUNCTION));
  return fn.Properties.Environment.Variables as Record<string, unknown>;
}

describe('DatadogTracedFunction', () => {
  it('defaults to arm64, Node.js 24, index.handler and the ARM extension layer', () => {
    // GIVEN / WHEN
    const stack = testStack();
    tracedFunction(stack);

    // THEN
    Template.fromStack(stack).hasResourceProperties(FUNCTION, {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Layers: ['arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM:105'],
    });
  });

  it('writes only DD_SERVICE and the key variable when nothing else is set', () => {
    const stack = testStack();
    tracedFunction(stack);
    expect(variables(stack)).toEqual({
      [DD_ENV.SERVICE]: 'orders',
      [DD_ENV.API_KEY_SECRET_ARN]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key-AbCdEf',
    });
  });

  it('writes one variable per Datadog setting', () => {
    const stack = testStack();
    tracedFunction(stack, 'Orders', {
      datadog: {
        env: 'prod',
        version: '1.4.2',
        tags: { team: 'payments', tier: 'gold' },
        site: 'datadoghq.eu',
        traceEnabled: false,
        logLevel: 'debug',
        enhancedMetrics: false,
        captureLambdaPayload: true,
        serverlessLogsEnabled: false,
        spanMode: 'local',
        dogstatsdPort: 8135,
        additionalEnvironment: { DD_SERVERLESS_FLUSH_STRATEGY: 'end' },
      },
    });
    expect(variables(stack)).toEqual({
      [DD_ENV.SERVICE]: 'orders',
      [DD_ENV.ENV]: 'prod',
      [DD_ENV.VERSION]: '1.4.2',
      [DD_ENV.TAGS]: 'team:payments,tier:gold',
      [DD_ENV.SITE]: 'datadoghq.eu',
      [DD_ENV.TRACE_ENABLED]: 'false',
      [DD_ENV.LOG_LEVEL]: 'debug',
      [DD_ENV.ENHANCED_METRICS]: 'false',
      [DD_ENV.CAPTURE_LAMBDA_PAYLOAD]: 'true',
      [DD_ENV.SERVERLESS_LOGS_ENABLED]: 'false',
      [DD_ENV.UNIVERSAL_INSTRUMENTATION]: 'false',
      [DD_ENV.DOGSTATSD_PORT]: '8135',
      DD_SERVERLESS_FLUSH_STRATEGY: 'end',
      [DD_ENV.API_KEY_SECRET_ARN]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key-AbCdEf',
    });
  });

  it('writes DD_UNIVERSAL_INSTRUMENTATION=true for the universal span mode', () => {
    const stack = testStack();
    tracedFunction(stack, 'Orders', { datadog: { spanMode: 'universal' } });
    expect(variables(stack)[DD_ENV.UNIVERSAL_INSTRUMENTATION]).toBe('true');
  });

  it('keeps the user environment entry and warns when it contradicts a setting', () => {
    // GIVEN a user variable that disagrees with `site`, and one that agrees with `env`
    const stack = testStack();
    tracedFunction(stack, 'Orders', {
      environment: { DD_SITE: 'datadoghq.com', DD_ENV: 'prod', TABLE: 'orders' },
      datadog: { site: 'datadoghq.eu', env: 'prod' },
    });

    // THEN the user's values stay, and only the contradiction warns
    expect(variables(stack)).toMatchObject({ DD_SITE: 'datadoghq.com', DD_ENV: 'prod', TABLE: 'orders' });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Stack/Orders', Match.stringLikeRegexp("`environment.DD_SITE` is 'datadoghq.com' but the datadog settings give 'datadoghq.eu'"));
    expect(annotations.findWarning('*', Match.stringLikeRegexp('DD_ENV'))).toHaveLength(0);
  });

  it('refuses an environment that names a second API key source', () => {
    const stack = testStack();
    expect(() => tracedFunction(stack, 'Orders', { environment: { DD_API_KEY: 'abc' } })).toThrow(
      /`environment` sets DD_API_KEY and `datadog.apiKey` sets DD_API_KEY_SECRET_ARN: two API key sources/,
    );
  });

  it('uses the x86_64 layer for an x86_64 function', () => {
    const stack = testStack();
    tracedFunction(stack, 'Orders', { architecture: lambda.Architecture.X86_64 });
    Template.fromStack(stack).hasResourceProperties(FUNCTION, {
      Architectures: ['x86_64'],
      Layers: ['arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:105'],
    });
  });

  it('uses the FIPS layer of the function\'s architecture when datadog.fips is set', () => {
    // GIVEN / WHEN
    const stack = testStack();
    tracedFunction(stack, 'Arm', { datadog: { fips: true } });
    tracedFunction(stack, 'X86', { architecture: lambda.Architecture.X86_64, datadog: { fips: true } });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties(FUNCTION, { Architectures: ['arm64'], Layers: ['arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM-FIPS:105'] });
    template.hasResourceProperties(FUNCTION, { Architectures: ['x86_64'], Layers: ['arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-FIPS:105'] });
  });

  it('keeps the handler name the user chose', () => {
    const stack = testStack();
    tracedFunction(stack, 'Orders', { handler: 'main' });
    Template.fromStack(stack).hasResourceProperties(FUNCTION, { Handler: 'index.main' });
  });

  it('accepts Node.js 22', () => {
    const stack = testStack();
    tracedFunction(stack, 'Orders', { runtime: lambda.Runtime.NODEJS_22_X });
    Template.fromStack(stack).hasResourceProperties(FUNCTION, { Runtime: 'nodejs22.x' });
  });

  it('bundles a generated entry that wraps the chosen export with this package runtime', () => {
    // GIVEN
    const stack = testStack();
    const fn = tracedFunction(stack, 'Orders', { handler: 'main' });

    // WHEN
    const entry = fn.bundledEntry!;

    // THEN
    const source = readFileSync(entry, 'utf8');
    expect(source).toContain('import * as userModule from "../../../test/fixtures/cdk/handler.ts"');
    expect(source).toContain('import { wrapHandler } from "datadog-lambda-ts/runtime"');
    expect(source).toContain('export { wrapped as main }');
    expect(entry).toMatch(/cdk\.out\/jest-\w+\/\.datadog-lambda-ts\/[0-9a-f]{16}\.mjs$/);
  });

  it('bundles the user entry itself when wrapHandler is false', () => {
    const stack = testStack();
    const fn = tracedFunction(stack, 'Orders', { wrapHandler: false });
    expect(fn.bundledEntry).toBe(FIXTURE_ENTRY);
  });

  it('accepts prebuilt code when wrapHandler is false', () => {
    const stack = testStack();
    new DatadogTracedFunction(stack, 'Orders', { ...tracedProps({ wrapHandler: false }), code: lambda.Code.fromInline('exports.handler=async()=>1'), handler: 'index.handler' });
    Template.fromStack(stack).hasResourceProperties(FUNCTION, { Handler: 'index.handler', Code: { ZipFile: Match.anyValue() } });
  });
});

describe('DatadogTracedFunction errors', () => {
  const cases: Array<[string, Parameters<typeof tracedProps>[0], RegExp]> = [
    ['a Python runtime', { runtime: lambda.Runtime.PYTHON_3_13 }, /`runtime` 'python3.13' is not a Node.js runtime. Use Runtime.NODEJS_24_X/],
    ['Node.js 18', { runtime: lambda.Runtime.NODEJS_18_X }, /`runtime` 'nodejs18.x' is older than Node.js 20/],
    ['a missing entry', { entry: undefined }, /`entry` is required, got undefined/],
    ['an entry file that does not exist', { entry: 'test/fixtures/cdk/missing.ts' }, /`entry` 'test\/fixtures\/cdk\/missing.ts' does not exist \(resolved to \/.+\/test\/fixtures\/cdk\/missing.ts from \/.+\)\. Give the path of the file that exports your handler/],
    ['an entry that is a directory', { entry: 'test/fixtures/cdk' }, /`entry` 'test\/fixtures\/cdk' is a directory, not a file/],
    ['a handler path instead of a name', { handler: 'index.main' }, /`handler` must be the name of the exported function \(e.g. 'handler'\), got 'index.main'/],
    ['code with wrapping', { code: lambda.Code.fromInline('x') }, /`code` is set, so nothing is bundled and the handler cannot be wrapped/],
    ['a non-boolean wrapHandler', { wrapHandler: 'yes' as unknown as boolean }, /`wrapHandler` must be true or false, got 'yes'/],
  ];

  it.each(cases)('throws for %s, naming the prop and the construct path', (_name, overrides, message) => {
    const stack = testStack();
    let error: unknown;
    try {
      tracedFunction(stack, 'Orders', overrides);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/\(at Stack\/Orders\)$/);
  });

  it('throws when the datadog settings are missing', () => {
    const stack = testStack();
    const props = { entry: FIXTURE_ENTRY } as unknown as ConstructorParameters<typeof DatadogTracedFunction>[2];
    expect(() => new DatadogTracedFunction(stack, 'Orders', props)).toThrow(/`datadog` is required/);
  });

  it('throws when the API key source is missing', () => {
    const stack = testStack();
    expect(() => tracedFunction(stack, 'Orders', { datadog: { apiKey: undefined } })).toThrow(/`datadog.apiKey` is required/);
  });

  it('throws when the API key is not a DatadogApiKey', () => {
    const stack = testStack();
    const apiKey = 'abc' as unknown as DatadogApiKey;
    expect(() => tracedFunction(stack, 'Orders', { datadog: { apiKey } })).toThrow(/`datadog.apiKey` must be a DatadogApiKey, got 'abc'/);
  });

  it('fails before NodejsFunction runs, so nothing is half built', () => {
    const app = testApp();
    const stack = new Stack(app, 'Stack');
    expect(() => tracedFunction(stack, 'Orders', { datadog: { site: 'datadoghq.con' } })).toThrow(ConfigurationError);
    expect(stack.node.tryFindChild('Orders')).toBeUndefined();
  });
});
