import { DEFAULTS, ENV, resolveConfig } from '../../runtime/config';

describe('resolveConfig', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  const warnings = () => warn.mock.calls.map(([line]) => JSON.parse(line as string) as { level: string; message: string });

  it('uses the defaults when the environment is empty', () => {
    const config = resolveConfig({}, {});
    expect(config).toMatchObject({
      traceEnabled: true,
      service: 'aws.lambda',
      enhancedMetrics: true,
      captureLambdaPayload: false,
      universalInstrumentation: true,
      traceAgentUrl: DEFAULTS.traceAgentUrl,
      extensionUrl: DEFAULTS.extensionUrl,
      extensionPath: '/opt/extensions/datadog-agent',
      extensionTimeoutMs: 100,
      flushTimeoutMs: 1000,
      traceExporter: 'auto',
      logLevel: 'warn',
      tags: {},
      kinesisBatchPropagation: false,
    });
    expect(warn).not.toHaveBeenCalled();
  });

  it('reads every documented variable', () => {
    const config = resolveConfig(
      {},
      {
        [ENV.TRACE_ENABLED]: 'false',
        [ENV.SERVICE]: 'orders',
        [ENV.ENV]: 'prod',
        [ENV.VERSION]: '1.2.3',
        [ENV.TAGS]: 'team:payments,cost-center:42 tier:gold',
        [ENV.LOG_LEVEL]: 'DEBUG',
        [ENV.ENHANCED_METRICS]: 'false',
        [ENV.CAPTURE_LAMBDA_PAYLOAD]: 'true',
        [ENV.UNIVERSAL_INSTRUMENTATION]: 'false',
        [ENV.TRACE_AGENT_URL]: 'http://127.0.0.1:9126/',
        [ENV.EXTENSION_URL]: 'http://127.0.0.1:9124',
        [ENV.EXTENSION_TIMEOUT_MS]: '75',
        [ENV.FLUSH_TIMEOUT_MS]: '300',
        [ENV.TRACE_EXPORTER]: 'log',
        [ENV.DOGSTATSD_PORT]: '9125',
      },
    );
    expect(config).toMatchObject({
      traceEnabled: false,
      service: 'orders',
      env: 'prod',
      version: '1.2.3',
      tags: { team: 'payments', 'cost-center': '42', tier: 'gold' },
      logLevel: 'debug',
      enhancedMetrics: false,
      captureLambdaPayload: true,
      universalInstrumentation: false,
      traceAgentUrl: 'http://127.0.0.1:9126',
      extensionUrl: 'http://127.0.0.1:9124',
      extensionTimeoutMs: 75,
      flushTimeoutMs: 300,
      traceExporter: 'log',
      dogstatsdPort: 9125,
    });
  });

  it('lets explicit options win over the environment', () => {
    const config = resolveConfig({ service: 'explicit', extensionTimeoutMs: 10, tags: { team: 'core' } }, { [ENV.SERVICE]: 'from-env', [ENV.TAGS]: 'team:env,region:eu' });
    expect(config.service).toBe('explicit');
    expect(config.extensionTimeoutMs).toBe(10);
    expect(config.tags).toEqual({ team: 'core', region: 'eu' });
  });

  it('falls back to the function name, lower-cased, for the service', () => {
    expect(resolveConfig({}, { AWS_LAMBDA_FUNCTION_NAME: 'Orders-Prod' }).service).toBe('orders-prod');
  });

  it.each([
    [ENV.TRACE_ENABLED, 'yes please', 'true'],
    [ENV.EXTENSION_TIMEOUT_MS, '-5', '100'],
    [ENV.EXTENSION_TIMEOUT_MS, '12.5', '100'],
    [ENV.DOGSTATSD_PORT, '70000', '8125'],
    [ENV.TRACE_AGENT_URL, 'not a url', 'http://127.0.0.1:8126'],
    [ENV.TRACE_AGENT_URL, 'https://intake.example.com', 'http://127.0.0.1:8126'],
    [ENV.TRACE_EXPORTER, 'kafka', 'auto'],
    [ENV.LOG_LEVEL, 'loud', 'warn'],
    [ENV.BATCH_PROPAGATION, 'yes please', 'false'],
    [ENV.KINESIS_BATCH_PROPAGATION, 'all', 'false'],
  ])('warns naming %s when it is %p and uses %s instead', (name, raw, used) => {
    resolveConfig({}, { [name]: raw });
    expect(warnings()).toEqual([{ level: 'warn', source: 'datadog-lambda-ts', message: expect.stringContaining(`${name}='${raw}'`) }]);
    expect(warnings()[0].message).toContain(`using ${used}`);
  });

  it('warns about a DD_TAGS entry without a value and keeps the others', () => {
    const config = resolveConfig({}, { [ENV.TAGS]: 'team:core,orphan' });
    expect(config.tags).toEqual({ team: 'core' });
    expect(warnings()[0].message).toContain("DD_TAGS entry 'orphan'");
  });

  it('returns a frozen object', () => {
    const config = resolveConfig({}, {});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.tags)).toBe(true);
  });
});

describe('integration switches', () => {
  it('turns every integration on by default', () => {
    expect(resolveConfig({}, {}).integrations).toEqual({ http: true, fetch: true, 'aws-sdk': true, logs: true });
  });

  it('reads DD_TRACE_<NAME>_ENABLED, DD_LOGS_INJECTION and DD_TRACE_DISABLED_INTEGRATIONS as dd-trace does', () => {
    const env = { DD_TRACE_HTTP_ENABLED: 'false', DD_LOGS_INJECTION: 'false', DD_TRACE_DISABLED_INTEGRATIONS: 'fetch, aws-sdk' };
    expect(resolveConfig({}, env).integrations).toEqual({ http: false, fetch: false, 'aws-sdk': false, logs: false });
  });

  it('lets a per-integration variable re-enable one named in the disabled list, and options win over both', () => {
    const env = { DD_TRACE_DISABLED_INTEGRATIONS: 'fetch,http', DD_TRACE_FETCH_ENABLED: 'true' };
    const config = resolveConfig({ integrations: { http: true, logs: false } }, env);
    expect(config.integrations).toEqual({ http: true, fetch: true, 'aws-sdk': true, logs: false });
  });
});

describe('HTTP client settings', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());
  const messages = () => warn.mock.calls.map(([line]) => (JSON.parse(line as string) as { message: string }).message);

  it('injects datadog and tracecontext and treats 400-499 as errors by default', () => {
    const config = resolveConfig({}, {});
    expect(config.propagationStyleInject).toEqual(['datadog', 'tracecontext']);
    expect(config.httpClientErrorStatuses).toEqual([[400, 499]]);
  });

  it('reads DD_TRACE_PROPAGATION_STYLE_INJECT before DD_TRACE_PROPAGATION_STYLE', () => {
    expect(resolveConfig({}, { DD_TRACE_PROPAGATION_STYLE: 'tracecontext' }).propagationStyleInject).toEqual(['tracecontext']);
    const both = { DD_TRACE_PROPAGATION_STYLE: 'tracecontext', DD_TRACE_PROPAGATION_STYLE_INJECT: 'Datadog, baggage' };
    expect(resolveConfig({}, both).propagationStyleInject).toEqual(['datadog', 'baggage']);
  });

  it('reads DD_TRACE_PROPAGATION_STYLE_EXTRACT before DD_TRACE_PROPAGATION_STYLE, independently of the inject side', () => {
    expect(resolveConfig({}, {}).propagationStyleExtract).toEqual(['datadog', 'tracecontext']);
    const env = { DD_TRACE_PROPAGATION_STYLE: 'datadog', DD_TRACE_PROPAGATION_STYLE_EXTRACT: 'tracecontext,datadog' };
    expect(resolveConfig({}, env).propagationStyleExtract).toEqual(['tracecontext', 'datadog']);
    expect(resolveConfig({}, env).propagationStyleInject).toEqual(['datadog']);
    expect(resolveConfig({}, { DD_TRACE_PROPAGATION_STYLE_EXTRACT: 'none' }).propagationStyleExtract).toEqual(['none']);
    expect(resolveConfig({}, { DD_TRACE_PROPAGATION_STYLE_EXTRACT: 'xray' }).propagationStyleExtract).toEqual(['datadog', 'tracecontext']);
    expect(messages()).toEqual([expect.stringContaining("DD_TRACE_PROPAGATION_STYLE_EXTRACT entry 'xray'"), expect.stringContaining('DD_TRACE_PROPAGATION_STYLE_EXTRACT')]);
  });

  it('warns about unknown styles, keeps the known ones, and falls back when none is known', () => {
    expect(resolveConfig({}, { DD_TRACE_PROPAGATION_STYLE_INJECT: 'b3multi,tracecontext' }).propagationStyleInject).toEqual(['tracecontext']);
    expect(messages()).toEqual([expect.stringContaining("DD_TRACE_PROPAGATION_STYLE_INJECT entry 'b3multi'")]);
    expect(resolveConfig({}, { DD_TRACE_PROPAGATION_STYLE_INJECT: 'xray' }).propagationStyleInject).toEqual(['datadog', 'tracecontext']);
  });

  it('parses DD_TRACE_HTTP_CLIENT_ERROR_STATUSES as dd-trace parses its status lists: values and ranges, either order', () => {
    expect(resolveConfig({}, { DD_TRACE_HTTP_CLIENT_ERROR_STATUSES: '400-403, 405-499,599-500' }).httpClientErrorStatuses).toEqual([
      [400, 403],
      [405, 499],
      [500, 599],
    ]);
    expect(resolveConfig({}, { DD_TRACE_HTTP_CLIENT_ERROR_STATUSES: '404' }).httpClientErrorStatuses).toEqual([[404, 404]]);
  });

  it.each(['4xx', '400-', '600', '400;500'])('warns about DD_TRACE_HTTP_CLIENT_ERROR_STATUSES=%p and keeps the default', (raw) => {
    expect(resolveConfig({}, { DD_TRACE_HTTP_CLIENT_ERROR_STATUSES: raw }).httpClientErrorStatuses).toEqual([[400, 499]]);
    expect(messages()).toEqual([expect.stringContaining(`DD_TRACE_HTTP_CLIENT_ERROR_STATUSES='${raw}'`)]);
  });
});
