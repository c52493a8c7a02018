import type { LogLevel } from '../runtime/log';
import type { DatadogApiKey } from './api-key';

/**
 * How the `aws.lambda` span of each invocation is built.
 * - `universal`: the extension builds it (start/end-invocation calls); the runtime parents your spans under it.
 * - `local`: the runtime builds it in-process and the extension only receives spans.
 */
export type SpanMode = 'universal' | 'local';

/** Log level of this package's runtime and of the extension (`DD_LOG_LEVEL`). */
export type DatadogLogLevel = LogLevel;

/**
 * The runtime wrapper's zero-code integrations, each on unless turned off here. Each writes the
 * variable dd-trace reads for it, so the same switch works with either library.
 */
export interface DatadogIntegrations {
  /**
   * A span and propagation headers for every `node:http` / `node:https` request (`DD_TRACE_HTTP_ENABLED`).
   * @default true
   */
  readonly http?: boolean;
  /**
   * A span and propagation headers for every global `fetch` (undici) request (`DD_TRACE_FETCH_ENABLED`).
   * @default true
   */
  readonly fetch?: boolean;
  /**
   * A span for every AWS SDK v3 call, with the trace carrier injected into messages (`DD_TRACE_AWS_SDK_ENABLED`).
   * @default true
   */
  readonly awsSdk?: boolean;
  /**
   * The active trace and span ids in every `console.*` line written during an invocation (`DD_LOGS_INJECTION`).
   * @default true
   */
  readonly logs?: boolean;
}

/**
 * Datadog settings of one function: what the extension layer and the runtime wrapper read.
 *
 * Every optional setting writes its environment variable only when set, so the template carries
 * no variable whose value is already the default (Lambda allows 4 KB of variables in total).
 */
export interface DatadogSettings {
  /**
   * The service name (`DD_SERVICE`), as shown in Datadog APM. Letters, digits and `_ - . / :`,
   * at most 100 characters.
   */
  readonly service: string;

  /**
   * Where the Datadog API key comes from: exactly one source, e.g.
   * `DatadogApiKey.fromSecret(secret)`. The construct grants the function read access to it.
   */
  readonly apiKey: DatadogApiKey;

  /**
   * The environment tag (`DD_ENV`), e.g. `prod`.
   * @default - no `env` tag
   */
  readonly env?: string;

  /**
   * The version tag (`DD_VERSION`). Prefer a release version over a commit SHA: a value that
   * changes on every commit redeploys every function on every commit.
   * @default - no `version` tag
   */
  readonly version?: string;

  /**
   * Extra tags on every span, metric and log (`DD_TAGS`, written as `key:value,key:value`).
   * @default - no extra tags
   */
  readonly tags?: Readonly<Record<string, string>>;

  /**
   * The Datadog site to send data to (`DD_SITE`), one of `DATADOG_SITES`. Tokens (e.g. an SSM
   * parameter) are accepted without a check.
   * @default - the extension's default, `datadoghq.com`
   * @see https://docs.datadoghq.com/getting_started/site/
   */
  readonly site?: string;

  /**
   * Whether invocations are traced (`DD_TRACE_ENABLED`). `false` keeps the layer and the
   * wrapper but makes the wrapper call your handler and nothing else.
   * @default true
   */
  readonly traceEnabled?: boolean;

  /**
   * Log level of the runtime and the extension (`DD_LOG_LEVEL`).
   * @default - `warn` in the runtime, `info` in the extension
   */
  readonly logLevel?: DatadogLogLevel;

  /**
   * Whether enhanced Lambda metrics are sent (`DD_ENHANCED_METRICS`).
   * @default true
   */
  readonly enhancedMetrics?: boolean;

  /**
   * Whether the request and response payloads are recorded on the `aws.lambda` span
   * (`DD_CAPTURE_LAMBDA_PAYLOAD`). They may contain personal data.
   * @default false
   */
  readonly captureLambdaPayload?: boolean;

  /**
   * Whether the extension forwards the function's logs to Datadog (`DD_SERVERLESS_LOGS_ENABLED`).
   * @default true
   */
  readonly serverlessLogsEnabled?: boolean;

  /**
   * Who builds the `aws.lambda` span (`DD_UNIVERSAL_INSTRUMENTATION`: `true` for `universal`,
   * `false` for `local`).
   * @default 'universal'
   */
  readonly spanMode?: SpanMode;

  /**
   * The extension's DogStatsD port (`DD_DOGSTATSD_PORT`), read by both the extension and the
   * runtime's metrics client.
   * @default 8125
   */
  readonly dogstatsdPort?: number;

  /**
   * Turns single zero-code integrations off, e.g. `{ logs: false }`.
   * @default - every integration on
   */
  readonly integrations?: DatadogIntegrations;

  /**
   * Version of the `Datadog-Extension[-ARM][-FIPS]` layer, the number at the end of its ARN.
   * Cannot be combined with `extensionLayerArn`.
   * @default - `DEFAULT_EXTENSION_LAYER_VERSION` (105)
   * @see https://github.com/DataDog/datadog-lambda-extension/releases
   */
  readonly extensionLayerVersion?: number;

  /**
   * The full ARN of the extension layer, for partitions where Datadog publishes none (China,
   * ISO) or a copy in your own account. Cannot be combined with `extensionLayerVersion` or
   * `fips`.
   * @default - Datadog's layer for the stack's partition, region and the function's architecture
   */
  readonly extensionLayerArn?: string;

  /**
   * Whether to use the FIPS 140 build of the extension (`Datadog-Extension-ARM-FIPS` or
   * `Datadog-Extension-FIPS`), e.g. for FedRAMP workloads. Same versions, same accounts.
   * Cannot be combined with `extensionLayerArn` (whose ARN already names the layer).
   * @default false
   */
  readonly fips?: boolean;

  /**
   * More environment variables for the extension or the runtime, e.g.
   * `{ DD_SERVERLESS_FLUSH_STRATEGY: 'end' }`. A variable that a typed setting above also
   * writes is refused: use the setting.
   * @default - none
   */
  readonly additionalEnvironment?: Readonly<Record<string, string>>;
}
