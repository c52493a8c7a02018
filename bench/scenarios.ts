import { ddTraceMajorFor, paths } from './workspace';

/** The handlers measured side by side. */
export type ScenarioId = 'empty' | 'datadog' | 'ours-esm' | 'ours-cjs' | 'baseline-cjs' | 'io-plain' | 'datadog-io' | 'ours-io';

export interface Scenario {
  readonly id: ScenarioId;
  readonly label: string;
  /** The module the harness loads; it exports `handler`. */
  readonly entry: string;
  /** Environment on top of the common Lambda one. */
  readonly env: Readonly<Record<string, string>>;
}

/** Ports of the extension stand-in inside the bench's network namespace: the extension's real ones. */
export const PORTS = { lifecycle: 8124, dogstatsd: 8125, traces: 8126, runtimeApi: 9001, downstream: 9002 } as const;

export const SCENARIO_IDS: readonly ScenarioId[] = ['empty', 'datadog', 'ours-esm', 'ours-cjs', 'baseline-cjs', 'io-plain', 'datadog-io', 'ours-io'];

/** Where the I/O handlers find their downstream stand-in; the SDK reads no other AWS setting. */
const IO_ENV = { BENCH_DOWNSTREAM_PORT: String(PORTS.downstream), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } as const;

/** The scenarios for one Node major (Datadog's dd-trace major follows it), and the baseline's when one is given. */
export function scenarios(nodeMajor: number, baseline?: string): Scenario[] {
  const ddMajor = ddTraceMajorFor(nodeMajor);
  const list: Scenario[] = [
    { id: 'empty', label: 'empty handler', entry: paths.emptyHandler, env: {} },
    {
      id: 'datadog',
      label: `datadog (dd-trace ${ddMajor}, handler.mjs)`,
      entry: paths.datadogHandler(ddMajor),
      // The layer's redirect: Lambda runs handler.mjs, which loads the user's `index.handler`.
      env: { LAMBDA_TASK_ROOT: paths.datadogTaskRoot(ddMajor), DD_LAMBDA_HANDLER: 'index.handler', _HANDLER: 'index.handler' },
    },
    { id: 'ours-esm', label: 'ours (esbuild ESM)', entry: paths.oursEsm, env: {} },
    { id: 'ours-cjs', label: 'ours (esbuild CJS)', entry: paths.oursCjs, env: {} },
    // The I/O handler (fetch + DynamoDB GetItem + SQS SendMessage + two log lines): untraced, then both ways.
    { id: 'io-plain', label: 'I/O handler, untraced (esbuild CJS)', entry: paths.ioPlainCjs, env: IO_ENV },
    {
      id: 'datadog-io',
      label: `datadog I/O handler (dd-trace ${ddMajor})`,
      entry: paths.datadogHandler(ddMajor),
      env: { LAMBDA_TASK_ROOT: paths.datadogTaskRoot(ddMajor), DD_LAMBDA_HANDLER: 'io.handler', _HANDLER: 'io.handler', ...IO_ENV },
    },
    { id: 'ours-io', label: 'ours I/O handler (esbuild CJS)', entry: paths.oursIoCjs, env: IO_ENV },
  ];
  // The baseline's row follows ours.
  if (baseline) list.splice(list.findIndex((s) => s.id === 'ours-cjs') + 1, 0, { id: 'baseline-cjs', label: `ours at ${baseline} (esbuild CJS)`, entry: paths.baselineCjs, env: {} });
  return list;
}

/**
 * The environment of every child: what Lambda sets, the stand-in's endpoints, and nothing from
 * the caller's environment (NODE_EXTRA_CA_CERTS alone adds ~50 ms to each Node start here, and
 * tsx's NODE_OPTIONS must not reach the measured processes).
 */
export function lambdaEnv(nodeMajor: number): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/bench',
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/25/[$LATEST]0123456789abcdef',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${nodeMajor}.x`,
    AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${PORTS.runtimeApi}`,
    DD_LAMBDA_EXTENSION_URL: `http://127.0.0.1:${PORTS.lifecycle}`,
    DD_TRACE_AGENT_URL: `http://127.0.0.1:${PORTS.traces}`,
    DD_LAMBDA_EXTENSION_PATH: '/opt/extensions/datadog-agent',
  };
}
