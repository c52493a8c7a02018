import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WORK_DIR } from './workspace';

/** What `npm run bench -- …` accepts. */
export interface BenchOptions {
  /** Node binaries to measure, in order. */
  readonly nodes: readonly string[];
  /** Measured cold samples per scenario (fresh processes). */
  readonly coldSamples: number;
  /** Unrecorded warm-up rounds before the cold samples. */
  readonly coldWarmupRounds: number;
  /** Measured warm invocations per handler. */
  readonly invocations: number;
  /** Unrecorded warm-up invocations per handler. */
  readonly warmupInvocations: number;
  /** Warm runs (fresh processes) per scenario; their samples are pooled. */
  readonly warmRuns: number;
  /** Also break our warm invocation down by phase and write a CPU profile. */
  readonly profile: boolean;
  /** Delay of every trace-intake answer (ms): a diagnostic showing who waits for the flush. */
  readonly intakeDelayMs: number;
  /** A git ref whose runtime is measured beside the working tree's (CJS), alternating with it. */
  readonly baseline?: string;
  /** Serve the stand-in's lifecycle API with Node's `http` server instead of the raw HTTP/1.1 responder. */
  readonly nodeHttpLifecycle: boolean;
  /** Also count the cold start's instructions under valgrind callgrind. */
  readonly instructions: boolean;
  /** Whole measurements in a row (every Node each time), summarized by the median of their ratios. */
  readonly repeat: number;
}

/** The Node majors fetched from the npm registry (`node-linux-<arch>`) when no `--node` is given. */
export const DOWNLOADED_NODE_MAJORS = [22, 24] as const;

/** Where a downloaded Node binary lives. */
export function downloadedNodePath(major: number): string {
  return join(WORK_DIR, 'node', String(major), 'package', 'bin', 'node');
}

/** The Node binaries measured when no `--node` is given: this machine's and the 22 and 24 downloads. */
export const DEFAULT_NODES: readonly string[] = [process.execPath, ...DOWNLOADED_NODE_MAJORS.map(downloadedNodePath)];

const USAGE = `usage: npm run bench -- [--node <path>]... [--quick] [--cold <n>] [--invocations <n>] [--warm-runs <n>] [--profile] [--baseline <ref>] [--repeat <n>]
  --node <path>      a Node binary to measure (repeatable; default: ${DEFAULT_NODES.join(', ')})
  --quick            fewer samples (cold 8, invocations 500): a smoke run in about a minute
  --cold <n>         cold samples per scenario (default 20, after 3 warm-up rounds)
  --invocations <n>  warm invocations per handler (default 2000, after 500 warm-up)
  --warm-runs <n>    warm processes per scenario, pooled (default 2)
  --profile          also time our invocation phase by phase and write a CPU profile
  --intake-delay <ms>  the stand-in holds each trace-intake answer back (diagnostic: who awaits the flush?)
  --node-http-lifecycle  the stand-in serves the lifecycle API with Node's http server (≈ 100 µs more per request than a native server)
  --instructions     also count init and first-invocation instructions under valgrind (repeatable under load; minutes per Node)
  --baseline <ref>   also measure the runtime at a git ref (a commit, a tag, main~3), CJS, interleaved with ours: what a change bought
  --repeat <n>       run the whole measurement n times (every Node each time) and add the median of each goal's ratios across runs:
                     single runs on a shared VM move by ±10–30 %`;

/** Parses argv (without `node script`); exits with the usage text on `--help` or a bad flag. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const nodes: string[] = [];
  let quick = false;
  let profile = false;
  let instructions = false;
  let cold: number | undefined;
  let invocations: number | undefined;
  let warmRuns: number | undefined;
  let intakeDelayMs = 0;
  let nodeHttpLifecycle = false;
  let baseline: string | undefined;
  let repeat = 1;
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = () => {
      const next = argv[(i += 1)];
      if (next === undefined) fail(`${flag} needs a value`);
      return next;
    };
    if (flag === '--node') nodes.push(value());
    else if (flag === '--quick') quick = true;
    else if (flag === '--profile') profile = true;
    else if (flag === '--instructions') instructions = true;
    else if (flag === '--cold') cold = positiveInteger(flag, value());
    else if (flag === '--invocations') invocations = positiveInteger(flag, value());
    else if (flag === '--warm-runs') warmRuns = positiveInteger(flag, value());
    else if (flag === '--intake-delay') intakeDelayMs = positiveInteger(flag, value());
    else if (flag === '--node-http-lifecycle') nodeHttpLifecycle = true;
    else if (flag === '--baseline') baseline = value();
    else if (flag === '--repeat') repeat = positiveInteger(flag, value());
    else if (flag === '--help' || flag === '-h') fail();
    else fail(`unknown option ${flag}`);
  }
  const chosen = nodes.length > 0 ? nodes : DEFAULT_NODES.filter((path) => existsSync(path));
  for (const path of chosen) if (!existsSync(path)) fail(`no Node binary at ${path}`);
  return {
    nodes: chosen,
    coldSamples: cold ?? (quick ? 8 : 20),
    coldWarmupRounds: quick ? 1 : 3,
    invocations: invocations ?? (quick ? 500 : 2000),
    warmupInvocations: quick ? 100 : 500,
    warmRuns: warmRuns ?? (quick ? 1 : 2),
    profile,
    intakeDelayMs,
    nodeHttpLifecycle,
    instructions,
    baseline,
    repeat,
  };
}

function positiveInteger(flag: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) fail(`${flag} expects a positive integer, got ${raw}`);
  return value;
}

function fail(message?: string): never {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write(`${USAGE}\n`);
  process.exit(message ? 2 : 0);
}
