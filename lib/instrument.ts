import { Annotations, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DatadogApiKey } from './api-key';
import { API_KEY_VARIABLES, WARNING_PREFIX } from './constants';
import type { DatadogSettings } from './datadog-settings';
import { datadogEnvironment, mergeEnvironment } from './environment';
import { ConfigurationError, show } from './errors';
import { extensionLayerArn } from './extension-layer';

/**
 * Adds the Datadog Lambda Extension layer, the Datadog environment and the API key grants to a
 * Node.js function you already have, e.g. a `NodejsFunction` from another construct library.
 *
 * It cannot wrap the handler: the function's code is already bundled. Wrap it in your code
 * (`export const handler = wrapHandler(async (event) => …)` from `datadog-lambda-ts/runtime`),
 * or build the function with `DatadogTracedFunction` instead, which does it at bundling time.
 *
 * Variables the function already has win over the settings (with a synth warning when they
 * differ); variables added later with `addEnvironment` replace ours.
 *
 * @example
 * const fn = new NodejsFunction(this, 'Legacy', { entry: 'src/legacy.ts', architecture: Architecture.ARM_64 });
 * instrumentFunction(fn, { service: 'legacy', apiKey: DatadogApiKey.fromSecret(secret) });
 *
 * @throws ConfigurationError when a setting is invalid or the runtime is not Node.js
 */
export function instrumentFunction(fn: lambda.Function, settings: DatadogSettings): void {
  if (fn.runtime.family !== lambda.RuntimeFamily.NODEJS) {
    throw new ConfigurationError(fn, `\`runtime\` ${show(fn.runtime.name)} is not Node.js; datadog-lambda-ts instruments Node.js functions only. Use a Node.js runtime, or Datadog's own library for ${fn.runtime.name}.`);
  }
  applyDatadog(fn, checkSettings(fn.node.path, settings), existingVariables(fn));
}

/**
 * Checks what can be checked before the function exists, so a bad setting fails before
 * `NodejsFunction` runs (and, e.g., before esbuild does).
 *
 * @returns the Datadog variables for the settings (all but the API key's)
 */
export function checkSettings(path: string, settings: DatadogSettings | undefined): ValidatedSettings {
  if (typeof settings !== 'object' || settings === null) {
    throw new ConfigurationError(path, "`datadog` is required: at least { service: 'my-service', apiKey: DatadogApiKey.fromSecret(secret) }.");
  }
  const environment = datadogEnvironment(settings, path);
  if (settings.apiKey === undefined || settings.apiKey === null) {
    throw new ConfigurationError(path, '`datadog.apiKey` is required: the extension needs a Datadog API key. Use DatadogApiKey.fromSecret(secret), or another DatadogApiKey source.');
  }
  if (!(settings.apiKey instanceof DatadogApiKey)) {
    throw new ConfigurationError(path, `\`datadog.apiKey\` must be a DatadogApiKey, got ${show(settings.apiKey)}. Use DatadogApiKey.fromSecret(secret), fromSecretArn(arn), fromSsmParameter(param), fromKmsEncrypted(ciphertext, key) or fromPlainText(key).`);
  }
  return { settings, environment };
}

/** Settings that passed `checkSettings`. */
export interface ValidatedSettings {
  readonly settings: DatadogSettings;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * Instruments `fn`: layer, variables (the user's `existing` ones win, with a warning when they
 * differ), API key grants.
 */
export function applyDatadog(fn: lambda.Function, { settings, environment }: ValidatedSettings, existing: Readonly<Record<string, unknown>>): void {
  const key = settings.apiKey.bind(fn);
  const otherKeys = API_KEY_VARIABLES.filter((name) => name !== key.variable && name in existing);
  if (otherKeys.length > 0) {
    throw new ConfigurationError(fn, `\`environment\` sets ${otherKeys.join(', ')} and \`datadog.apiKey\` sets ${key.variable}: two API key sources. Remove ${otherKeys.join(', ')} from \`environment\`, or the apiKey setting.`);
  }
  const { toAdd, conflicts } = mergeEnvironment(existing, { ...environment, [key.variable]: key.value });
  for (const [name, value] of Object.entries(toAdd)) fn.addEnvironment(name, value);
  for (const { name, userValue, settingValue } of conflicts) {
    Annotations.of(fn).addWarningV2(
      `${WARNING_PREFIX}:environmentOverridesSetting`,
      `\`environment.${name}\` is ${show(userValue)} but the datadog settings give ${show(settingValue)}; the environment value wins. Remove one of them.`,
    );
  }
  const arn = extensionLayerArn(fn, { architecture: fn.architecture, version: settings.extensionLayerVersion, arn: settings.extensionLayerArn, fips: settings.fips });
  fn.addLayers(lambda.LayerVersion.fromLayerVersionArn(fn, 'DatadogExtensionLayer', arn));
}

/** The variables `fn` has now, read from its CloudFormation resource (the L2 keeps them private). */
function existingVariables(fn: lambda.Function): Readonly<Record<string, unknown>> {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const resolved = Stack.of(fn).resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined;
  return resolved?.variables ?? {};
}
