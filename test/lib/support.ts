import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DatadogApiKey, DatadogTracedFunction, type DatadogTracedFunctionProps } from '../../lib';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURE_ENTRY = path.join(REPO_ROOT, 'test', 'fixtures', 'cdk', 'handler.ts');
export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key-AbCdEf';
export const US_EAST_1 = { account: '123456789012', region: 'us-east-1' };

const outdirs: string[] = [];

/**
 * An App whose cloud assembly is under the repository (as `cdk synth`'s `cdk.out` is under a
 * project), so generated entries land there and never in `node_modules`. Bundling is skipped
 * unless asked for: esbuild costs a second per stack.
 */
export function testApp(options: { bundle?: boolean; outdir?: string } = {}): App {
  const parent = path.join(REPO_ROOT, 'cdk.out');
  mkdirSync(parent, { recursive: true });
  const outdir = options.outdir ?? mkdtempSync(path.join(parent, 'jest-'));
  outdirs.push(outdir);
  return new App({ outdir, context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] } });
}

/** Removes the cloud assemblies of this test file. */
export function removeTestApps(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A stack in `app` (us-east-1 by default; `env: undefined` for environment-agnostic). */
export function testStack(app: App = testApp(), props: StackProps = { env: US_EAST_1 }): Stack {
  return new Stack(app, 'Stack', props);
}

/** Minimal valid props, with `overrides` on top (and on top of `datadog`). */
export function tracedProps(
  overrides: Partial<Omit<DatadogTracedFunctionProps, 'datadog'>> & { datadog?: Partial<DatadogTracedFunctionProps['datadog']> } = {},
): DatadogTracedFunctionProps {
  const { datadog, ...rest } = overrides;
  return {
    entry: FIXTURE_ENTRY,
    ...rest,
    datadog: { service: 'orders', apiKey: DatadogApiKey.fromSecretArn(SECRET_ARN), ...datadog },
  };
}

/** Adds a DatadogTracedFunction with `tracedProps(overrides)`. */
export function tracedFunction(scope: Construct, id = 'Orders', overrides: Parameters<typeof tracedProps>[0] = {}): DatadogTracedFunction {
  return new DatadogTracedFunction(scope, id, tracedProps(overrides));
}

/** A secret owned by the stack, for `DatadogApiKey.fromSecret`. */
export function ownedSecret(scope: Construct, id = 'DdApiKey'): secretsmanager.Secret {
  return new secretsmanager.Secret(scope, id);
}
