import { Token } from 'aws-cdk-lib';
import { integrationEnvName } from '../runtime/config';
import type { IntegrationName } from '../runtime/integrations/integration';
import { LOG_LEVELS } from '../runtime/log';
import { API_KEY_VARIABLES, DATADOG_SITES, DD_ENV } from './constants';
import type { DatadogIntegrations, DatadogSettings } from './datadog-settings';
import { ConfigurationError, show } from './errors';

/** Datadog tag characters: letters, digits, `_ - : . /` (others are rewritten by Datadog). */
const TAG_VALUE = /^[\p{L}\p{N}_\-:./]+$/u;
/** A tag key starts with a letter and cannot contain the `:` that ends it. */
const TAG_KEY = /^\p{L}[\p{L}\p{N}_\-./]*$/u;
/** Each `datadog.integrations` setting and the runtime integration it switches. */
const INTEGRATION_SETTINGS: Readonly<Record<keyof DatadogIntegrations, IntegrationName>> = { http: 'http', fetch: 'fetch', awsSdk: 'aws-sdk', logs: 'logs' };
/** Variables that a typed setting writes, and that setting: `additionalEnvironment` may not set them. */
const TYPED_VARIABLES: Readonly<Record<string, string>> = {
  [DD_ENV.SERVICE]: 'datadog.service',
  [DD_ENV.ENV]: 'datadog.env',
  [DD_ENV.VERSION]: 'datadog.version',
  [DD_ENV.TAGS]: 'datadog.tags',
  [DD_ENV.SITE]: 'datadog.site',
  [DD_ENV.TRACE_ENABLED]: 'datadog.traceEnabled',
  [DD_ENV.LOG_LEVEL]: 'datadog.logLevel',
  [DD_ENV.ENHANCED_METRICS]: 'datadog.enhancedMetrics',
  [DD_ENV.CAPTURE_LAMBDA_PAYLOAD]: 'datadog.captureLambdaPayload',
  [DD_ENV.SERVERLESS_LOGS_ENABLED]: 'datadog.serverlessLogsEnabled',
  [DD_ENV.UNIVERSAL_INSTRUMENTATION]: 'datadog.spanMode',
  [DD_ENV.DOGSTATSD_PORT]: 'datadog.dogstatsdPort',
  ...Object.fromEntries(API_KEY_VARIABLES.map((name) => [name, 'datadog.apiKey'])),
  ...Object.fromEntries(Object.entries(INTEGRATION_SETTINGS).map(([setting, name]) => [integrationEnvName(name), `datadog.integrations.${setting}`])),
};
/** Lambda's rule for variable names. */
const VARIABLE_NAME = /^[a-zA-Z]\w*$/;

/**
 * The Datadog environment variables for `settings` (all but the API key's, which
 * `DatadogApiKey` adds), after validating every setting.
 *
 * A setting left unset writes nothing: the runtime and the extension already apply the
 * documented default. An explicit value is written even when it equals the default.
 *
 * @param path construct path for error messages
 * @throws ConfigurationError naming the setting and the fix
 */
export function datadogEnvironment(settings: DatadogSettings, path: string): Record<string, string> {
  const env: Record<string, string> = {};
  env[DD_ENV.SERVICE] = tagValue(path, 'datadog.service', settings.service, 100, true);
  if (settings.env !== undefined) env[DD_ENV.ENV] = tagValue(path, 'datadog.env', settings.env, 200);
  if (settings.version !== undefined) env[DD_ENV.VERSION] = tagValue(path, 'datadog.version', settings.version, 200);
  if (settings.tags !== undefined) env[DD_ENV.TAGS] = renderTags(path, settings.tags);
  if (settings.site !== undefined) env[DD_ENV.SITE] = site(path, settings.site);
  if (settings.traceEnabled !== undefined) env[DD_ENV.TRACE_ENABLED] = flag(path, 'datadog.traceEnabled', settings.traceEnabled);
  if (settings.logLevel !== undefined) env[DD_ENV.LOG_LEVEL] = oneOf(path, 'datadog.logLevel', settings.logLevel, LOG_LEVELS);
  if (settings.enhancedMetrics !== undefined) env[DD_ENV.ENHANCED_METRICS] = flag(path, 'datadog.enhancedMetrics', settings.enhancedMetrics);
  if (settings.captureLambdaPayload !== undefined) {
    env[DD_ENV.CAPTURE_LAMBDA_PAYLOAD] = flag(path, 'datadog.captureLambdaPayload', settings.captureLambdaPayload);
  }
  if (settings.serverlessLogsEnabled !== undefined) {
    env[DD_ENV.SERVERLESS_LOGS_ENABLED] = flag(path, 'datadog.serverlessLogsEnabled', settings.serverlessLogsEnabled);
  }
  if (settings.spanMode !== undefined) {
    const mode = oneOf(path, 'datadog.spanMode', settings.spanMode, ['universal', 'local']);
    env[DD_ENV.UNIVERSAL_INSTRUMENTATION] = String(mode === 'universal');
  }
  if (settings.dogstatsdPort !== undefined) env[DD_ENV.DOGSTATSD_PORT] = port(path, settings.dogstatsdPort);
  for (const [setting, name] of Object.entries(INTEGRATION_SETTINGS) as Array<[keyof DatadogIntegrations, IntegrationName]>) {
    const value = settings.integrations?.[setting];
    if (value !== undefined) env[integrationEnvName(name)] = flag(path, `datadog.integrations.${setting}`, value);
  }
  for (const [name, value] of Object.entries(settings.additionalEnvironment ?? {})) {
    const prop = `datadog.additionalEnvironment.${name}`;
    if (!VARIABLE_NAME.test(name)) {
      throw new ConfigurationError(path, `\`${prop}\`: ${show(name)} is not a valid Lambda variable name. Use letters, digits and '_', starting with a letter.`);
    }
    const setting = TYPED_VARIABLES[name];
    if (setting) {
      throw new ConfigurationError(path, `\`${prop}\` sets a variable that \`${setting}\` writes. Remove it and set \`${setting}\` instead.`);
    }
    if (typeof value !== 'string') {
      throw new ConfigurationError(path, `\`${prop}\` must be a string, got ${show(value)}. Convert it with String(...).`);
    }
    env[name] = value;
  }
  return env;
}

/** A user variable that differs from what a setting would write. */
export interface EnvironmentConflict {
  readonly name: string;
  readonly userValue: string;
  readonly settingValue: string;
}

/**
 * Merges the Datadog variables into a function's existing ones. The user's entries win; each
 * one that differs from the Datadog value is returned as a conflict, for a synth warning.
 *
 * @param existing the function's variables (values may be unresolved tokens)
 * @param datadog the variables the settings ask for
 * @returns the variables to add, and the conflicts
 */
export function mergeEnvironment(
  existing: Readonly<Record<string, unknown>>,
  datadog: Readonly<Record<string, string>>,
): { toAdd: Record<string, string>; conflicts: EnvironmentConflict[] } {
  const toAdd: Record<string, string> = {};
  const conflicts: EnvironmentConflict[] = [];
  for (const [name, value] of Object.entries(datadog)) {
    if (!(name in existing)) {
      toAdd[name] = value;
      continue;
    }
    const userValue = existing[name];
    if (userValue !== value) conflicts.push({ name, userValue: typeof userValue === 'string' ? userValue : JSON.stringify(userValue), settingValue: value });
  }
  return { toAdd, conflicts };
}

function tagValue(path: string, prop: string, value: unknown, maxLength: number, required = false): string {
  if (value === undefined || value === null || value === '') {
    if (required) throw new ConfigurationError(path, `\`${prop}\` is required: the name your function has in Datadog APM, e.g. 'orders'.`);
    throw new ConfigurationError(path, `\`${prop}\` is empty. Remove it, or give a value.`);
  }
  if (typeof value !== 'string') throw new ConfigurationError(path, `\`${prop}\` must be a string, got ${show(value)}.`);
  if (Token.isUnresolved(value)) return value;
  if (!TAG_VALUE.test(value) || value.length > maxLength) {
    const fixed = value.replace(/[^\p{L}\p{N}_\-:./]+/gu, '-').slice(0, maxLength);
    throw new ConfigurationError(
      path,
      `\`${prop}\` must be a Datadog tag value (letters, digits and '_ - : . /', at most ${maxLength} characters), got ${show(value)}. Use e.g. ${show(fixed)}.`,
    );
  }
  return value;
}

function renderTags(path: string, tags: Readonly<Record<string, string>>): string {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    throw new ConfigurationError(path, `\`datadog.tags\` must be an object of key → value, got ${show(tags)}. Use e.g. { team: 'payments' }.`);
  }
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (!TAG_KEY.test(key) || key.length > 100) {
      throw new ConfigurationError(
        path,
        `\`datadog.tags\` key ${show(key)} is not a Datadog tag key (a letter, then letters, digits and '_ - . /'). Rename it, e.g. ${show(key.replace(/[^\p{L}\p{N}_\-./]+/gu, '_'))}.`,
      );
    }
    pairs.push(`${key}:${tagValue(path, `datadog.tags.${key}`, value, 200)}`);
  }
  return pairs.join(',');
}

function site(path: string, value: string): string {
  if (Token.isUnresolved(value) || DATADOG_SITES.includes(value)) return value;
  throw new ConfigurationError(path, `\`datadog.site\` ${show(value)} is not a Datadog site. Use one of: ${DATADOG_SITES.join(', ')}.`);
}

function flag(path: string, prop: string, value: unknown): string {
  if (typeof value === 'boolean') return String(value);
  throw new ConfigurationError(path, `\`${prop}\` must be true or false, got ${show(value)}.`);
}

function oneOf<T extends string>(path: string, prop: string, value: T, allowed: readonly T[]): T {
  if (allowed.includes(value)) return value;
  throw new ConfigurationError(path, `\`${prop}\` must be one of ${allowed.map((v) => `'${v}'`).join(', ')}, got ${show(value)}.`);
}

function port(path: string, value: number): string {
  if (Token.isUnresolved(value)) return Token.asString(value);
  if (Number.isInteger(value) && value >= 1 && value <= 65_535) return String(value);
  throw new ConfigurationError(path, `\`datadog.dogstatsdPort\` must be an integer from 1 to 65535, got ${show(value)}. Leave it unset for the extension's default, 8125.`);
}
