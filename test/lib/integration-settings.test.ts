import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ConfigurationError } from '../../lib';
import { resolveConfig } from '../../runtime/config';
import { removeTestApps, testStack, tracedFunction } from './support';

afterAll(removeTestApps);

function variables(stack: Stack): Record<string, string> {
  const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
  return fn.Properties.Environment.Variables as Record<string, string>;
}

describe('datadog.integrations', () => {
  it('writes nothing when unset: every integration stays on', () => {
    const stack = testStack();
    tracedFunction(stack);
    expect(Object.keys(variables(stack)).filter((name) => name.startsWith('DD_TRACE_') || name === 'DD_LOGS_INJECTION')).toEqual([]);
  });

  it("writes the variable dd-trace reads for each setting, which the runtime resolves to the same switches", () => {
    const stack = testStack();
    tracedFunction(stack, 'Orders', { datadog: { integrations: { http: false, fetch: true, awsSdk: false, logs: false } } });

    const env = variables(stack);
    expect(env).toMatchObject({
      DD_TRACE_HTTP_ENABLED: 'false',
      DD_TRACE_FETCH_ENABLED: 'true',
      DD_TRACE_AWS_SDK_ENABLED: 'false',
      DD_LOGS_INJECTION: 'false',
    });
    expect(resolveConfig({}, env).integrations).toEqual({ http: false, fetch: true, 'aws-sdk': false, logs: false });
  });

  it('refuses a non-boolean switch, and an additionalEnvironment entry that a switch writes', () => {
    expect(() => tracedFunction(testStack(), 'Orders', { datadog: { integrations: { logs: 'no' as unknown as boolean } } })).toThrow(ConfigurationError);
    expect(() => tracedFunction(testStack(), 'Orders', { datadog: { additionalEnvironment: { DD_LOGS_INJECTION: 'false' } } })).toThrow(
      /datadog\.integrations\.logs/,
    );
  });
});
