/**
 * `--instructions`: the cold start in instructions executed (valgrind callgrind), which
 * repeat to within ≈ 0.01 % from run to run even on a loaded machine, where wall and CPU times
 * do not. Each scenario runs the cold harness twice, stopping after init and after the first
 * invocation; V8 runs single-threaded with fixed seeds so background compilation and GC
 * threads do not vary the count. Datadog's path is left out: under callgrind it takes minutes.
 */
import { spawn } from 'node:child_process';
import { startStandIn } from './child-process';
import { nodeVersions } from './measure';
import { lambdaEnv, scenarios, type ScenarioId } from './scenarios';
import { paths } from './workspace';

/** Instructions (millions) of one scenario: init, and init through the first invocation. */
export interface InstructionCount {
  readonly id: ScenarioId;
  readonly label: string;
  readonly initM: number;
  readonly throughFirstM: number;
}

export interface InstructionCounts {
  readonly version: string;
  readonly scenarios: InstructionCount[];
}

const MEASURED: readonly ScenarioId[] = ['empty', 'ours-cjs', 'ours-esm', 'baseline-cjs'];

/** Counts the instructions of each measured scenario on one Node (the `--baseline` build too), with the stand-in up. */
export async function measureInstructions(node: string, baseline?: string): Promise<InstructionCounts> {
  const { node: version } = nodeVersions(node);
  const major = Number(/^v(\d+)/.exec(version)![1]);
  const standIn = await startStandIn();
  const counts: InstructionCount[] = [];
  try {
    for (const scenario of scenarios(major, baseline).filter((s) => MEASURED.includes(s.id))) {
      const run = async (stopAfter: 'init' | 'first') => {
        process.stderr.write(`${version} callgrind: ${scenario.label}, through ${stopAfter}\n`);
        return callgrind(node, { ...lambdaEnv(major), ...scenario.env, BENCH_ENTRY: scenario.entry, BENCH_STOP_AFTER: stopAfter });
      };
      counts.push({ id: scenario.id, label: scenario.label, initM: (await run('init')) / 1e6, throughFirstM: (await run('first')) / 1e6 });
    }
  } finally {
    standIn.kill();
  }
  return { version, scenarios: counts };
}

function callgrind(node: string, env: NodeJS.ProcessEnv): Promise<number> {
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', node, '--single-threaded', '--random-seed=1', '--hash-seed=1', paths.process('cold-init')];
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.on('close', () => {
      const collected = /Collected : (\d+)/.exec(stderr);
      if (collected) resolve(Number(collected[1]));
      else reject(new Error(`callgrind gave no count (is valgrind installed?)\n${stderr.slice(-1000)}`));
    });
  });
}

/** The printed table: Δ instructions vs the empty handler. */
export function formatInstructions(counts: InstructionCounts): string {
  const empty = counts.scenarios.find((s) => s.id === 'empty');
  const rows = counts.scenarios
    .filter((s) => s.id !== 'empty')
    .map((s) => {
      const init = s.initM - (empty?.initM ?? 0);
      const through = s.throughFirstM - (empty?.throughFirstM ?? 0);
      return `  ${s.label.padEnd(34)} init Δ ${init.toFixed(1).padStart(6)} M   wait + 1st Δ ${(through - init).toFixed(1).padStart(6)} M   sum ${through.toFixed(1).padStart(6)} M`;
    });
  return [`Instructions on Node ${counts.version} (callgrind, Δ vs empty handler; repeatable, unlike times on a busy machine)`, ...rows].join('\n');
}
