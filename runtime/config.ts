import { globalSlot } from './global-state';
import { INTEGRATION_NAMES, type IntegrationName } from './integrations/integration';
import { log, LOG_LEVELS, setLogLevel, type LogLevel } from './log';
import { DEFAULT_PROPAGATION_STYLES, PROPAGATION_STYLES, type PropagationStyle } from './propagation/headers';

/** Where finished spans go. */
export type TraceExporterKind =
  /** The extension's trace intake when the extension is present, else nowhere. */
  | 'auto'
  /** Always the trace intake at `traceAgentUrl` (v0.4 msgpack). */
  | 'agent'
  /** Standard output, one `{"traces":[[…]]}` JSON line per flush (Datadog Forwarder format). */
  | 'log'
  /** Dropped. */
  | 'none';

/** Where custom and enhanced metrics go. */
export type MetricsExporterKind =
  /** DogStatsD when the extension is present, else standard output in the Forwarder format. */
  | 'auto'
  /** DogStatsD over UDP to `dogstatsdHost:dogstatsdPort`. */
  | 'dogstatsd'
  /** Standard output, one Forwarder JSON line per metric. */
  | 'log'
  /** Dropped. */
  | 'none';

/** The resolved configuration: every field set, frozen. */
export interface DatadogConfig {
  /**
   * `DD_TRACE_ENABLED`. When false the wrapper calls the handler and only flushes custom metrics.
   * @default true
   */
  readonly traceEnabled: boolean;
  /**
   * `DD_SERVICE`: the service of your spans.
   * @default - the function name, lower-cased: `AWS_LAMBDA_FUNCTION_NAME`, else (outside Lambda,
   * as in tests) the first invocation's `context.functionName`, else 'aws.lambda'
   */
  readonly service: string;
  /**
   * `DD_ENV`: the `env` tag.
   * @default - no `env` tag
   */
  readonly env?: string;
  /**
   * `DD_VERSION`: the `version` tag.
   * @default - no `version` tag
   */
  readonly version?: string;
  /**
   * `DD_TAGS`: `key:value` pairs (commas or spaces between them) on every span and metric.
   * @default {}
   */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * `DD_LOG_LEVEL`: this library's own JSON log lines.
   * @default 'warn'
   */
  readonly logLevel: LogLevel;
  /**
   * `DD_ENHANCED_METRICS`: the enhanced metrics the extension cannot compute itself.
   * @default true
   */
  readonly enhancedMetrics: boolean;
  /**
   * `DD_CAPTURE_LAMBDA_PAYLOAD`: payload capture (done by the extension in universal mode).
   * @default false
   */
  readonly captureLambdaPayload: boolean;
  /**
   * `DD_UNIVERSAL_INSTRUMENTATION`: true lets the extension build `aws.lambda`; false builds it in-process.
   * @default true
   */
  readonly universalInstrumentation: boolean;
  /**
   * `DD_TRACE_AGENT_URL`: the trace intake.
   * @default 'http://127.0.0.1:8126'
   */
  readonly traceAgentUrl: string;
  /**
   * `DD_LAMBDA_EXTENSION_URL`: the extension's lifecycle API.
   * @default 'http://127.0.0.1:8124'
   */
  readonly extensionUrl: string;
  /**
   * `DD_LAMBDA_EXTENSION_PATH`: the file whose presence means the extension is installed.
   * @default '/opt/extensions/datadog-agent'
   */
  readonly extensionPath: string;
  /**
   * `DD_LAMBDA_EXTENSION_TIMEOUT_MS`: budget of one lifecycle call once the connection is warm
   * (a process's first call gets at least 500 ms).
   * @default 100
   */
  readonly extensionTimeoutMs: number;
  /**
   * `DD_TRACE_FLUSH_TIMEOUT_MS`: budget of one trace flush.
   * @default 1000
   */
  readonly flushTimeoutMs: number;
  /**
   * `DD_TRACE_EXPORTER`: where spans go.
   * @default 'auto'
   */
  readonly traceExporter: TraceExporterKind;
  /**
   * `DD_METRICS_EXPORTER`: where metrics go.
   * @default 'auto'
   */
  readonly metricsExporter: MetricsExporterKind;
  /**
   * `DD_DOGSTATSD_HOST`.
   * @default '127.0.0.1'
   */
  readonly dogstatsdHost: string;
  /**
   * `DD_DOGSTATSD_PORT`.
   * @default 8125
   */
  readonly dogstatsdPort: number;
  /**
   * The zero-code integrations, each on or off: `DD_TRACE_<NAME>_ENABLED` (`DD_TRACE_HTTP_ENABLED`,
   * `DD_TRACE_FETCH_ENABLED`, `DD_TRACE_AWS_SDK_ENABLED`), `DD_TRACE_DISABLED_INTEGRATIONS`
   * (comma-separated names) and, for log injection, `DD_LOGS_INJECTION`, as in dd-trace.
   * @default - every integration on
   */
  readonly integrations: Readonly<Record<IntegrationName, boolean>>;
  /**
   * `DD_TRACE_PROPAGATION_STYLE_INJECT`, else `DD_TRACE_PROPAGATION_STYLE`: the headers outgoing
   * HTTP requests carry (`datadog`, `tracecontext`; `baggage` is accepted and carries nothing,
   * `none` injects nothing).
   * @default ['datadog', 'tracecontext']
   */
  readonly propagationStyleInject: readonly PropagationStyle[];
  /**
   * `DD_TRACE_PROPAGATION_STYLE_EXTRACT`, else `DD_TRACE_PROPAGATION_STYLE`: which incoming headers
   * continue a trace, tried in order (`datadog`, `tracecontext`; `none` continues none), as the
   * extension reads them from the same variables.
   * @default ['datadog', 'tracecontext']
   */
  readonly propagationStyleExtract: readonly PropagationStyle[];
  /**
   * `DD_TRACE_HTTP_CLIENT_ERROR_STATUSES`: the response statuses that mark an HTTP client span as
   * an error, as inclusive ranges (`'400-403,405-499'`; values and ranges from 100 to 599, as dd-trace parses
   * `DD_TRACE_HTTP_SERVER_ERROR_STATUSES`).
   * @default [[400, 499]]
   */
  readonly httpClientErrorStatuses: ReadonlyArray<readonly [number, number]>;
  /**
   * `DD_TRACE_AWS_SDK_KINESIS_BATCH_PROPAGATION_ENABLED`, else `DD_TRACE_AWS_SDK_BATCH_PROPAGATION_ENABLED`
   * (dd-trace's names and precedence): Kinesis `PutRecords` puts the trace context into every
   * record, not only the first.
   * @default false
   */
  readonly kinesisBatchPropagation: boolean;
}

/** What callers may set explicitly; every field falls back to its environment variable. */
export type DatadogConfigOptions = Partial<Omit<DatadogConfig, 'integrations'>> & {
  /**
   * Turns single integrations on or off; unset ones follow the environment.
   * @default - every integration on, unless the environment turns it off
   */
  readonly integrations?: Partial<Record<IntegrationName, boolean>>;
};

/** Environment variable names, in one place so docs, tests and the construct agree. */
export const ENV = {
  TRACE_ENABLED: 'DD_TRACE_ENABLED',
  SERVICE: 'DD_SERVICE',
  ENV: 'DD_ENV',
  VERSION: 'DD_VERSION',
  TAGS: 'DD_TAGS',
  LOG_LEVEL: 'DD_LOG_LEVEL',
  ENHANCED_METRICS: 'DD_ENHANCED_METRICS',
  CAPTURE_LAMBDA_PAYLOAD: 'DD_CAPTURE_LAMBDA_PAYLOAD',
  UNIVERSAL_INSTRUMENTATION: 'DD_UNIVERSAL_INSTRUMENTATION',
  TRACE_AGENT_URL: 'DD_TRACE_AGENT_URL',
  EXTENSION_URL: 'DD_LAMBDA_EXTENSION_URL',
  EXTENSION_PATH: 'DD_LAMBDA_EXTENSION_PATH',
  EXTENSION_TIMEOUT_MS: 'DD_LAMBDA_EXTENSION_TIMEOUT_MS',
  FLUSH_TIMEOUT_MS: 'DD_TRACE_FLUSH_TIMEOUT_MS',
  TRACE_EXPORTER: 'DD_TRACE_EXPORTER',
  METRICS_EXPORTER: 'DD_METRICS_EXPORTER',
  DOGSTATSD_HOST: 'DD_DOGSTATSD_HOST',
  DOGSTATSD_PORT: 'DD_DOGSTATSD_PORT',
  DISABLED_INTEGRATIONS: 'DD_TRACE_DISABLED_INTEGRATIONS',
  LOGS_INJECTION: 'DD_LOGS_INJECTION',
  PROPAGATION_STYLE_INJECT: 'DD_TRACE_PROPAGATION_STYLE_INJECT',
  PROPAGATION_STYLE_EXTRACT: 'DD_TRACE_PROPAGATION_STYLE_EXTRACT',
  PROPAGATION_STYLE: 'DD_TRACE_PROPAGATION_STYLE',
  HTTP_CLIENT_ERROR_STATUSES: 'DD_TRACE_HTTP_CLIENT_ERROR_STATUSES',
  KINESIS_BATCH_PROPAGATION: 'DD_TRACE_AWS_SDK_KINESIS_BATCH_PROPAGATION_ENABLED',
  BATCH_PROPAGATION: 'DD_TRACE_AWS_SDK_BATCH_PROPAGATION_ENABLED',
} as const;

/** The variable that switches one integration, as dd-trace names it. */
export function integrationEnvName(name: IntegrationName): string {
  return name === 'logs' ? ENV.LOGS_INJECTION : `DD_TRACE_${name.toUpperCase().replace(/-/g, '_')}_ENABLED`;
}

export const DEFAULTS = {
  traceAgentUrl: 'http://127.0.0.1:8126',
  extensionUrl: 'http://127.0.0.1:8124',
  extensionPath: '/opt/extensions/datadog-agent',
  // A healthy local extension answers in well under a millisecond. 100 ms bounds what a sick
  // one costs while riding out one CFS period of CPU throttling at small memory sizes.
  extensionTimeoutMs: 100,
  flushTimeoutMs: 1000,
  dogstatsdHost: '127.0.0.1',
  dogstatsdPort: 8125,
  logLevel: 'warn' as LogLevel,
  propagationStyleInject: DEFAULT_PROPAGATION_STYLES,
  propagationStyleExtract: DEFAULT_PROPAGATION_STYLES,
  httpClientErrorStatuses: [[400, 499]] as ReadonlyArray<readonly [number, number]>,
} as const;

const TRACE_EXPORTERS: readonly TraceExporterKind[] = ['auto', 'agent', 'log', 'none'];
const METRICS_EXPORTERS: readonly MetricsExporterKind[] = ['auto', 'dogstatsd', 'log', 'none'];

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Resolves the configuration: explicit `options` win, then environment variables, then defaults.
 *
 * An unparseable environment value never throws: it logs one warning naming the variable and
 * the value used instead.
 *
 * @example
 * const config = resolveConfig({ service: 'orders', extensionTimeoutMs: 100 });
 */
export function resolveConfig(options: DatadogConfigOptions = {}, env: Env = process.env): DatadogConfig {
  const read = new EnvReader(env);
  const logLevel = options.logLevel ?? read.oneOf(ENV.LOG_LEVEL, LOG_LEVELS, DEFAULTS.logLevel, (v) => v.toLowerCase());
  setLogLevel(logLevel);
  const config: DatadogConfig = {
    traceEnabled: options.traceEnabled ?? read.boolean(ENV.TRACE_ENABLED, true),
    service: options.service ?? read.string(ENV.SERVICE) ?? defaultService(env),
    env: options.env ?? read.string(ENV.ENV),
    version: options.version ?? read.string(ENV.VERSION),
    tags: Object.freeze({ ...read.tags(ENV.TAGS), ...options.tags }),
    logLevel,
    enhancedMetrics: options.enhancedMetrics ?? read.boolean(ENV.ENHANCED_METRICS, true),
    captureLambdaPayload: options.captureLambdaPayload ?? read.boolean(ENV.CAPTURE_LAMBDA_PAYLOAD, false),
    universalInstrumentation: options.universalInstrumentation ?? read.boolean(ENV.UNIVERSAL_INSTRUMENTATION, true),
    traceAgentUrl: options.traceAgentUrl ?? read.url(ENV.TRACE_AGENT_URL, DEFAULTS.traceAgentUrl),
    extensionUrl: options.extensionUrl ?? read.url(ENV.EXTENSION_URL, DEFAULTS.extensionUrl),
    extensionPath: options.extensionPath ?? read.string(ENV.EXTENSION_PATH) ?? DEFAULTS.extensionPath,
    extensionTimeoutMs: options.extensionTimeoutMs ?? read.integer(ENV.EXTENSION_TIMEOUT_MS, DEFAULTS.extensionTimeoutMs, 1, 60_000),
    flushTimeoutMs: options.flushTimeoutMs ?? read.integer(ENV.FLUSH_TIMEOUT_MS, DEFAULTS.flushTimeoutMs, 1, 60_000),
    traceExporter: options.traceExporter ?? read.oneOf(ENV.TRACE_EXPORTER, TRACE_EXPORTERS, 'auto'),
    metricsExporter: options.metricsExporter ?? read.oneOf(ENV.METRICS_EXPORTER, METRICS_EXPORTERS, 'auto'),
    dogstatsdHost: options.dogstatsdHost ?? read.string(ENV.DOGSTATSD_HOST) ?? DEFAULTS.dogstatsdHost,
    dogstatsdPort: options.dogstatsdPort ?? read.integer(ENV.DOGSTATSD_PORT, DEFAULTS.dogstatsdPort, 1, 65_535),
    integrations: resolveIntegrations(options.integrations ?? {}, read),
    propagationStyleInject: options.propagationStyleInject ?? read.propagationStyles(ENV.PROPAGATION_STYLE_INJECT, DEFAULTS.propagationStyleInject),
    propagationStyleExtract: options.propagationStyleExtract ?? read.propagationStyles(ENV.PROPAGATION_STYLE_EXTRACT, DEFAULTS.propagationStyleExtract),
    httpClientErrorStatuses: options.httpClientErrorStatuses ?? read.statusRanges(ENV.HTTP_CLIENT_ERROR_STATUSES, DEFAULTS.httpClientErrorStatuses),
    // The service's own variable, when set, wins over the general one (dd-trace's aws-sdk base plugin).
    kinesisBatchPropagation: options.kinesisBatchPropagation ?? read.boolean(ENV.KINESIS_BATCH_PROPAGATION, read.boolean(ENV.BATCH_PROPAGATION, false)),
  };
  return Object.freeze(config);
}

/** The configuration from the environment alone, resolved once per process. */
export function processConfig(): DatadogConfig {
  return globalSlot('config', () => resolveConfig());
}

/** Option, then `DD_TRACE_<NAME>_ENABLED`, then `DD_TRACE_DISABLED_INTEGRATIONS`, then on. */
function resolveIntegrations(options: Partial<Record<IntegrationName, boolean>>, read: EnvReader): Record<IntegrationName, boolean> {
  const disabled = new Set((read.string(ENV.DISABLED_INTEGRATIONS) ?? '').toLowerCase().split(/[,\s]+/).filter(Boolean));
  const switches = {} as Record<IntegrationName, boolean>;
  for (const name of INTEGRATION_NAMES) {
    switches[name] = options[name] ?? read.boolean(integrationEnvName(name), !disabled.has(name));
  }
  return Object.freeze(switches);
}

function defaultService(env: Env): string {
  return (env.AWS_LAMBDA_FUNCTION_NAME ?? 'aws.lambda').toLowerCase();
}

/**
 * The configuration an invocation runs with: `config`, with the service taken from the Lambda
 * context's function name when nothing else named it (no `service` option, no `DD_SERVICE`, no
 * `AWS_LAMBDA_FUNCTION_NAME`). In Lambda the two names agree; outside it (tests, local runs) the
 * context is the only place the function's name is found.
 */
export function withContextService(
  config: DatadogConfig,
  options: DatadogConfigOptions,
  lambdaContext: { readonly functionName?: unknown } | undefined,
  env: Env = process.env,
): DatadogConfig {
  const functionName = lambdaContext?.functionName;
  if (typeof functionName !== 'string' || !functionName.trim()) return config;
  if (options.service !== undefined || env[ENV.SERVICE]?.trim() || env.AWS_LAMBDA_FUNCTION_NAME !== undefined) return config;
  return Object.freeze({ ...config, service: functionName.trim().toLowerCase() });
}

/** Reads typed values from the environment, warning once per bad value. */
class EnvReader {
  constructor(private readonly env: Env) {}

  string(name: string): string | undefined {
    const raw = this.env[name]?.trim();
    return raw ? raw : undefined;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const lower = raw.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    return this.invalid(name, raw, 'true or false', fallback);
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    return this.invalid(name, raw, `an integer from ${min} to ${max}`, fallback);
  }

  url(name: string, fallback: string): string {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    try {
      const url = new URL(raw);
      if (url.protocol === 'http:') return raw.replace(/\/+$/, '');
    } catch {
      // fall through to the warning
    }
    return this.invalid(name, raw, 'an http:// URL', fallback);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T, normalize: (v: string) => string = (v) => v): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = normalize(raw);
    if ((allowed as readonly string[]).includes(value)) return value as T;
    return this.invalid(name, raw, `one of ${allowed.join(', ')}`, fallback);
  }

  tags(name: string): Record<string, string> {
    const raw = this.string(name);
    const tags: Record<string, string> = {};
    if (raw === undefined) return tags;
    for (const pair of raw.split(/[,\s]+/)) {
      if (!pair) continue;
      const colon = pair.indexOf(':');
      if (colon <= 0) {
        log.warn(`${name} entry '${pair}' is not key:value; ignoring it`);
        continue;
      }
      tags[pair.slice(0, colon)] = pair.slice(colon + 1);
    }
    return tags;
  }

  /** The styles of one direction: its own variable (`_INJECT`, `_EXTRACT`) wins over `DD_TRACE_PROPAGATION_STYLE`, as in dd-trace. */
  propagationStyles(directionVariable: string, fallback: readonly PropagationStyle[]): readonly PropagationStyle[] {
    const name = this.string(directionVariable) !== undefined ? directionVariable : ENV.PROPAGATION_STYLE;
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const styles: PropagationStyle[] = [];
    for (const entry of raw.toLowerCase().split(/[,\s]+/).filter(Boolean)) {
      if ((PROPAGATION_STYLES as readonly string[]).includes(entry)) styles.push(entry as PropagationStyle);
      else log.warn(`${name} entry '${entry}' is not one of ${PROPAGATION_STYLES.join(', ')}; ignoring it`);
    }
    if (styles.length > 0) return Object.freeze(styles);
    return this.invalid(name, raw, `a list of ${PROPAGATION_STYLES.join(', ')}`, fallback);
  }

  /** `100-599` values and ranges, comma-separated, whitespace ignored (dd-trace's syntax). */
  statusRanges(name: string, fallback: ReadonlyArray<readonly [number, number]>): ReadonlyArray<readonly [number, number]> {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const normalized = raw.replace(/\s/g, '');
    if (!/^[1-5]\d{2}(?:-[1-5]\d{2})?(?:,[1-5]\d{2}(?:-[1-5]\d{2})?)*$/.test(normalized)) {
      return this.invalid(name, raw, 'comma-separated status codes or ranges from 100 to 599', fallback);
    }
    return Object.freeze(
      normalized.split(',').map((entry) => {
        const [first, second = first] = entry.split('-').map(Number) as [number, number?];
        return Object.freeze([Math.min(first, second), Math.max(first, second)] as const);
      }),
    );
  }

  private invalid<T>(name: string, raw: string, expected: string, fallback: T): T {
    log.warn(`${name}='${raw}' is not ${expected}; using ${String(fallback)}`);
    return fallback;
  }
}
