import { Duration, RemovalPolicy, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as path from 'node:path';
import type { Construct } from 'constructs';
import type { DatadogApiKey, DatadogSettings } from '../../lib';

/** The repository root: its `package-lock.json` tells esbuild where the project is. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Datadog settings shared by every function of an example stack. */
export interface ExampleDatadogProps {
  /** Where the extension finds the Datadog API key. */
  readonly apiKey: DatadogApiKey;

  /**
   * The `env` tag (`DD_ENV`).
   * @default 'dev'
   */
  readonly env?: string;

  /**
   * The Datadog site (`DD_SITE`).
   * @default - the extension's default, `datadoghq.com`
   */
  readonly site?: string;
}

/** Properties of the example stacks. */
export interface ExampleStackProps extends StackProps {
  /** Datadog settings for the stack's functions. */
  readonly datadog: ExampleDatadogProps;
}

/** The `DatadogSettings` of one function of an example: its service, the stack's key, env and site. */
export function exampleSettings({ apiKey, env, site }: ExampleDatadogProps, service: string): DatadogSettings {
  return { service, apiKey, env: env ?? 'dev', site };
}

/** Explicit size and time limits for every example function (the Lambda defaults are 128 MB, 3 s). */
export const FUNCTION_LIMITS = { memorySize: 256, timeout: Duration.seconds(30) } as const;

/**
 * A log group for a function, with a retention and removed with the stack, so that
 * `npm run destroy` leaves nothing behind.
 */
export function exampleLogGroup(scope: Construct, id: string): logs.LogGroup {
  return new logs.LogGroup(scope, id, { retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY });
}
