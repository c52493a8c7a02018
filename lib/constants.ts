import { ENV as RUNTIME_ENV } from '../runtime/config';

/**
 * Environment variables the construct writes. The runtime's names come from `runtime/config.ts`
 * (one source of truth); the rest are read by the Datadog Lambda Extension only.
 */
export const DD_ENV = {
  ...RUNTIME_ENV,
  SITE: 'DD_SITE',
  SERVERLESS_LOGS_ENABLED: 'DD_SERVERLESS_LOGS_ENABLED',
  API_KEY: 'DD_API_KEY',
  API_KEY_SECRET_ARN: 'DD_API_KEY_SECRET_ARN',
  API_KEY_SSM_ARN: 'DD_API_KEY_SSM_ARN',
  KMS_API_KEY: 'DD_KMS_API_KEY',
} as const;

/** The variables that each name an API key source; the extension needs exactly one. */
export const API_KEY_VARIABLES: readonly string[] = [DD_ENV.API_KEY, DD_ENV.API_KEY_SECRET_ARN, DD_ENV.API_KEY_SSM_ARN, DD_ENV.KMS_API_KEY];

/**
 * The Datadog Lambda Extension layer version used when none is given: release v105, the newest
 * found on 2026-12-01. Source: the v105 release notes,
 * https://newreleases.io/project/github/DataDog/datadog-lambda-extension/release/v105 (a mirror
 * of https://github.com/DataDog/datadog-lambda-extension/releases/tag/v105), which list
 * `Datadog-Extension[-ARM][-FIPS]:105` for both the commercial and the GovCloud account.
 * Since v104 the extension binds its trace listener before registering (#1506).
 */
export const DEFAULT_EXTENSION_LAYER_VERSION = 105;

/** The AWS account that publishes the extension layer, per partition. Other partitions have none. */
export const EXTENSION_LAYER_ACCOUNTS: Readonly<Record<string, string>> = {
  aws: '464622532012',
  'aws-us-gov': '002406178527',
};

/** Layer names per Lambda architecture (`Architecture.name`). */
export const EXTENSION_LAYER_NAMES: Readonly<Record<string, string>> = {
  arm64: 'Datadog-Extension-ARM',
  x86_64: 'Datadog-Extension',
};

/**
 * FIPS 140 builds of the same releases, per architecture, published by the same accounts
 * (commercial and GovCloud) with the same version numbers.
 * @see https://docs.datadoghq.com/serverless/aws_lambda/fips-compliance/
 */
export const FIPS_EXTENSION_LAYER_NAMES: Readonly<Record<string, string>> = {
  arm64: 'Datadog-Extension-ARM-FIPS',
  x86_64: 'Datadog-Extension-FIPS',
};

/**
 * The Datadog sites (`DD_SITE`), as listed by Datadog's own tools in 2026-11
 * (datadog-cdk-constructs `siteList`).
 * @see https://docs.datadoghq.com/getting_started/site/
 */
export const DATADOG_SITES: readonly string[] = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'uk1.datadoghq.com',
  'ddog-gov.com',
  'us2.ddog-gov.com',
];

/** Prefix of the ids of the warnings this package adds (`cdk synth` prints them with the id). */
export const WARNING_PREFIX = 'datadog-lambda-ts';
