/**
 * The measurement of one Node binary, run inside the bench's namespace (private `/opt` and
 * loopback): the extension stand-in in its own process, then interleaved, shuffled cold rounds
 * (a fresh process per sample), then warm runs (a fresh process per scenario and run).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChild, startStandIn } from './child-process';
import type { BenchOptions } from './options';
import type { ColdSample } from './processes/cold-init';
import type { StandInStats } from './processes/extension-stand-in';
import type { WarmRun } from './processes/warm-invocations';
import { lambdaEnv, PORTS, scenarios, type Scenario, type ScenarioId } from './scenarios';
import { shuffled } from './stats';
import { ddTraceMajorFor, paths } from './workspace';

/** One warm run and what the stand-in received during it. */
export interface WarmRunResult {
  readonly run: WarmRun;
  readonly standIn: StandInStats;
}

/** Everything measured for one Node binary; raw samples, summarized by the report. */
export interface NodeMeasurement {
  readonly node: string;
  readonly version: string;
  readonly v8: string;
  readonly ddTrace: string;
  readonly datadogLambdaJs: string;
  readonly scenarioLabels: Record<ScenarioId, string>;
  readonly cold: Partial<Record<ScenarioId, ColdSample[]>>;
  readonly warm: Partial<Record<ScenarioId, WarmRunResult[]>>;
}

/** Node version and V8 of a binary. */
export function nodeVersions(node: string): { node: string; v8: string } {
  const out = execFileSync(node, ['-p', 'JSON.stringify({ node: process.version, v8: process.versions.v8 })'], {
    env: { PATH: process.env.PATH },
    encoding: 'utf8',
  });
  return JSON.parse(out) as { node: string; v8: string };
}

function installedVersion(ddMajor: 5 | 6, name: string): string {
  const manifest = join(paths.datadogInstall(ddMajor), 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

async function standInStats(path: 'stats' | 'reset'): Promise<StandInStats> {
  const response = await fetch(`http://127.0.0.1:${PORTS.runtimeApi}/bench/${path}`, { method: path === 'reset' ? 'POST' : 'GET' });
  return (await response.json()) as StandInStats;
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Measures every scenario on one Node binary. */
export async function measureNode(node: string, options: BenchOptions): Promise<NodeMeasurement> {
  const versions = nodeVersions(node);
  const major = Number(/^v(\d+)/.exec(versions.node)![1]);
  const ddMajor = ddTraceMajorFor(major);
  const list = scenarios(major, options.baseline);
  const env = (scenario: Scenario, extra: Record<string, string> = {}) => ({
    ...lambdaEnv(major),
    ...scenario.env,
    BENCH_ENTRY: scenario.entry,
    ...extra,
  });
  const result: NodeMeasurement = {
    node,
    version: versions.node,
    v8: versions.v8,
    ddTrace: installedVersion(ddMajor, 'dd-trace'),
    datadogLambdaJs: installedVersion(ddMajor, 'datadog-lambda-js'),
    scenarioLabels: Object.fromEntries(list.map((s) => [s.id, s.label])) as Record<ScenarioId, string>,
    cold: {},
    warm: {},
  };

  const standIn = await startStandIn(options.intakeDelayMs, options.nodeHttpLifecycle);
  try {
    const rounds = options.coldWarmupRounds + options.coldSamples;
    for (let round = 0; round < rounds; round += 1) {
      progress(`${versions.node} cold round ${round + 1}/${rounds}${round < options.coldWarmupRounds ? ' (warm-up)' : ''}`);
      for (const scenario of shuffled(list)) {
        const sample = await runChild<ColdSample>(node, ['--expose-gc', paths.process('cold-init')], env(scenario));
        if (round >= options.coldWarmupRounds) (result.cold[scenario.id] ??= []).push(sample);
      }
    }
    for (let run = 0; run < options.warmRuns; run += 1) {
      for (const scenario of shuffled(list)) {
        progress(`${versions.node} warm run ${run + 1}/${options.warmRuns}: ${scenario.label}`);
        await standInStats('reset');
        const warm = await runChild<WarmRun>(
          node,
          ['--expose-gc', paths.process('warm-invocations')],
          env(scenario, { BENCH_WARMUP: String(options.warmupInvocations), BENCH_INVOCATIONS: String(options.invocations) }),
        );
        (result.warm[scenario.id] ??= []).push({ run: warm, standIn: await standInStats('stats') });
      }
    }
  } finally {
    standIn.kill();
  }
  return result;
}
