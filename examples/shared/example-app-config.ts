import { Aws, type Environment } from 'aws-cdk-lib';
import { DatadogApiKey } from '../../lib';
import { WARNING_PREFIX } from '../../lib/constants';
import type { ExampleDatadogProps } from './example-props';

/** The secret the examples read the API key from when no variable names one. */
export const PLACEHOLDER_SECRET_NAME = 'datadog/api-key';

/** Id of the synth warning shown when the placeholder secret is used. */
export const PLACEHOLDER_WARNING_ID = `${WARNING_PREFIX}:examplesPlaceholderApiKey`;

/** What `bin/app.ts` builds the example stacks with. */
export interface ExampleAppConfig {
  /** Account and region: the CLI's defaults when it has them, else environment-agnostic. */
  readonly env: Environment;
  /** The Datadog settings of every example function. */
  readonly datadog: ExampleDatadogProps;
  /** A synth warning for every stack, when the API key source is a guess. */
  readonly warning?: string;
}

/**
 * Reads the example app's settings from the environment, so that `cdk synth` works anywhere:
 * - API key: `DD_API_KEY_SECRET_ARN` (a Secrets Manager secret), else `DD_API_KEY` (plain text:
 *   the construct warns), else the secret named `datadog/api-key` in the deploy account and
 *   region, with a warning;
 * - `DD_ENV` (default `dev`) and `DD_SITE`;
 * - `CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION`, which the CDK CLI sets when it finds them.
 */
export function exampleAppConfig(variables: NodeJS.ProcessEnv = process.env): ExampleAppConfig {
  const env: Environment = { account: nonEmpty(variables.CDK_DEFAULT_ACCOUNT), region: nonEmpty(variables.CDK_DEFAULT_REGION) };
  const common = { env: nonEmpty(variables.DD_ENV), site: nonEmpty(variables.DD_SITE) };
  const secretArn = nonEmpty(variables.DD_API_KEY_SECRET_ARN);
  if (secretArn) return { env, datadog: { ...common, apiKey: DatadogApiKey.fromSecretArn(secretArn) } };
  const plainText = nonEmpty(variables.DD_API_KEY);
  if (plainText) return { env, datadog: { ...common, apiKey: DatadogApiKey.fromPlainText(plainText) } };
  // Pseudo-parameters: each stack resolves them to its own partition, region and account.
  const placeholder = `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${PLACEHOLDER_SECRET_NAME}`;
  return {
    env,
    datadog: { ...common, apiKey: DatadogApiKey.fromSecretArn(placeholder) },
    warning:
      `Neither DD_API_KEY_SECRET_ARN nor DD_API_KEY is set: the functions read the Datadog API key from the secret '${PLACEHOLDER_SECRET_NAME}' ` +
      'of the deploy account and region. Create it, or set DD_API_KEY_SECRET_ARN to the ARN of the secret that holds your key.',
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value?.trim() ? value.trim() : undefined;
}
