/**
 * `datadog-lambda-ts`: the CDK side. The code that runs in Lambda is `datadog-lambda-ts/runtime`.
 */
export { DatadogTracedFunction, type DatadogTracedFunctionProps } from './datadog-traced-function';
export { DatadogApiKey, type DatadogApiKeyBinding } from './api-key';
export type { DatadogSettings, DatadogIntegrations, DatadogLogLevel, SpanMode } from './datadog-settings';
export { instrumentFunction } from './instrument';
export { ConfigurationError } from './errors';
export { DATADOG_SITES, DEFAULT_EXTENSION_LAYER_VERSION, DD_ENV } from './constants';
export { BUNDLING_DEFAULTS } from './runtime-bundling';
