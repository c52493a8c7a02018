import { Token } from 'aws-cdk-lib';
import { DatadogApiKey } from '../../lib';
import type { DatadogSettings } from '../../lib';
import { datadogEnvironment, mergeEnvironment } from '../../lib/environment';

const base: DatadogSettings = { service: 'orders', apiKey: DatadogApiKey.fromPlainText('k') };
// Overrides are deliberately loose: they include values of the wrong type, as JavaScript callers can pass.
const build = (overrides: Record<string, unknown>) => datadogEnvironment(Object.assign({}, base, overrides), 'Stack/Orders');

describe('datadogEnvironment', () => {
  it('accepts tokens for site, service and the DogStatsD port without checking them', () => {
    const env = build({ site: Token.asString({ Ref: 'Site' }), service: Token.asString({ Ref: 'Service' }), dogstatsdPort: Token.asNumber({ Ref: 'Port' }) });
    expect(Token.isUnresolved(env.DD_SITE)).toBe(true);
    expect(Token.isUnresolved(env.DD_SERVICE)).toBe(true);
    expect(Token.isUnresolved(env.DD_DOGSTATSD_PORT)).toBe(true);
  });

  it('accepts every Datadog site', () => {
    for (const site of ['datadoghq.com', 'us3.datadoghq.com', 'us5.datadoghq.com', 'datadoghq.eu', 'ap1.datadoghq.com', 'ap2.datadoghq.com', 'ddog-gov.com']) {
      expect(build({ site }).DD_SITE).toBe(site);
    }
  });

  const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an empty service', { service: '' }, /`datadog.service` is required: the name your function has in Datadog APM/],
    ['a service with a space', { service: 'my service' }, /`datadog.service` must be a Datadog tag value .* got 'my service'. Use e.g. 'my-service'/],
    ['a service over 100 characters', { service: 'a'.repeat(101) }, /`datadog.service` must be a Datadog tag value \(.*at most 100 characters\)/],
    ['a non-string env', { env: 3 }, /`datadog.env` must be a string, got 3/],
    ['an empty env', { env: '' }, /`datadog.env` is empty. Remove it, or give a value/],
    ['a version with a comma', { version: '1,2' }, /`datadog.version` must be a Datadog tag value .* got '1,2'. Use e.g. '1-2'/],
    ['a misspelt site', { site: 'datadoghq.con' }, /`datadog.site` 'datadoghq.con' is not a Datadog site. Use one of: datadoghq.com, /],
    ['tags as a string', { tags: 'team:x' }, /`datadog.tags` must be an object of key → value, got 'team:x'/],
    ['a tag key with a colon', { tags: { 'team:x': 'a' } }, /`datadog.tags` key 'team:x' is not a Datadog tag key .* Rename it, e.g. 'team_x'/],
    ['a tag value with a space', { tags: { team: 'a b' } }, /`datadog.tags.team` must be a Datadog tag value .* got 'a b'/],
    ['a string flag', { traceEnabled: 'false' }, /`datadog.traceEnabled` must be true or false, got 'false'/],
    ['an unknown log level', { logLevel: 'verbose' }, /`datadog.logLevel` must be one of 'debug', 'info', 'warn', 'error', 'off', got 'verbose'/],
    ['an unknown span mode', { spanMode: 'extension' }, /`datadog.spanMode` must be one of 'universal', 'local', got 'extension'/],
    ['a port out of range', { dogstatsdPort: 70000 }, /`datadog.dogstatsdPort` must be an integer from 1 to 65535, got 70000/],
    ['a fractional port', { dogstatsdPort: 81.5 }, /`datadog.dogstatsdPort` must be an integer from 1 to 65535, got 81.5/],
    ['an invalid variable name', { additionalEnvironment: { 'DD-X': '1' } }, /`datadog.additionalEnvironment.DD-X`: 'DD-X' is not a valid Lambda variable name/],
    ['a variable a setting writes', { additionalEnvironment: { DD_SITE: 'datadoghq.eu' } }, /`datadog.additionalEnvironment.DD_SITE` sets a variable that `datadog.site` writes. Remove it and set `datadog.site` instead/],
    ['an API key variable', { additionalEnvironment: { DD_API_KEY: 'k' } }, /`datadog.additionalEnvironment.DD_API_KEY` sets a variable that `datadog.apiKey` writes/],
    ['a non-string variable', { additionalEnvironment: { X: 1 } }, /`datadog.additionalEnvironment.X` must be a string, got 1/],
  ];

  it.each(invalid)('throws for %s, naming the setting and the fix', (_name, overrides, message) => {
    expect(() => build(overrides)).toThrow(message);
    expect(() => build(overrides)).toThrow(/\(at Stack\/Orders\)$/);
  });
});

describe('mergeEnvironment', () => {
  it('adds what the user did not set and reports only differing values', () => {
    const { toAdd, conflicts } = mergeEnvironment({ DD_ENV: 'prod', DD_SITE: 'datadoghq.com' }, { DD_ENV: 'prod', DD_SITE: 'datadoghq.eu', DD_SERVICE: 'orders' });
    expect(toAdd).toEqual({ DD_SERVICE: 'orders' });
    expect(conflicts).toEqual([{ name: 'DD_SITE', userValue: 'datadoghq.com', settingValue: 'datadoghq.eu' }]);
  });

  it('reports a token user value as a conflict without replacing it', () => {
    const { toAdd, conflicts } = mergeEnvironment({ DD_ENV: { Ref: 'Env' } }, { DD_ENV: 'prod' });
    expect(toAdd).toEqual({});
    expect(conflicts).toEqual([{ name: 'DD_ENV', userValue: '{"Ref":"Env"}', settingValue: 'prod' }]);
  });
});
