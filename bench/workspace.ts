import { join, resolve } from 'node:path';

/** The scratch folder: installs, bundles and results. Git-ignored; never a dependency of the package. */
export const WORK_DIR = resolve(__dirname, '.work');
/** The repository root. */
export const REPO_DIR = resolve(__dirname, '..');

/** Versions of Datadog's Node path installed on demand, pinned: dd-trace 6 needs Node ≥ 22. */
export const DATADOG_VERSIONS = {
  datadogLambdaJs: '12.143.0',
  ddTraceForNode20: '5.132.0',
  ddTraceForNode22Plus: '6.21.0',
} as const;

/** dd-trace's major for a Node major, as Datadog's layers pick it. */
export function ddTraceMajorFor(nodeMajor: number): 5 | 6 {
  return nodeMajor >= 22 ? 6 : 5;
}

export const paths = {
  /** `npm install --prefix` target of datadog-lambda-js + dd-trace `major`. */
  datadogInstall: (ddTraceMajor: 5 | 6) => join(WORK_DIR, `datadog-dd${ddTraceMajor}`),
  /** `LAMBDA_TASK_ROOT` of the Datadog scenario: the user's code, next to that install's node_modules. */
  datadogTaskRoot: (ddTraceMajor: 5 | 6) => join(WORK_DIR, `datadog-dd${ddTraceMajor}`, 'task'),
  /** The layer's handler redirect. */
  datadogHandler: (ddTraceMajor: 5 | 6) =>
    join(WORK_DIR, `datadog-dd${ddTraceMajor}`, 'node_modules', 'datadog-lambda-js', 'dist', 'handler.mjs'),
  /** Bind-mounted over `/opt` inside the bench's namespace so `/opt/extensions/datadog-agent` exists. */
  fakeOpt: join(WORK_DIR, 'fakeopt'),
  emptyHandler: join(WORK_DIR, 'fixtures', 'empty-handler.cjs'),
  oursCjs: join(WORK_DIR, 'bundles', 'ours.cjs'),
  oursEsm: join(WORK_DIR, 'bundles', 'ours.mjs'),
  /** The `--baseline` ref's sources (`git archive`), and our handler built from them. */
  baselineSrc: join(WORK_DIR, 'baseline-src'),
  baselineCjs: join(WORK_DIR, 'bundles', 'baseline.cjs'),
  /** The I/O handler on our runtime (`bench/fixtures/ours-io-handler.ts`), CJS, `@aws-sdk/*` external. */
  oursIoCjs: join(WORK_DIR, 'bundles', 'ours-io.cjs'),
  /** The same handler untraced: the I/O scenarios' baseline, and Datadog's user code. */
  ioPlainCjs: join(WORK_DIR, 'bundles', 'io-plain.cjs'),
  runtimeOnlyEsm: join(WORK_DIR, 'bundles', 'runtime-index.mjs'),
  datadogBundle: join(WORK_DIR, 'bundles', 'datadog.cjs'),
  /** Compiled child-process entries (`bench/processes/*.ts`). */
  process: (name: string) => join(WORK_DIR, 'bin', `${name}.mjs`),
  raw: join(WORK_DIR, 'raw.json'),
  results: join(WORK_DIR, 'results.json'),
  profiles: join(WORK_DIR, 'profiles'),
} as const;
