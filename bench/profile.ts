/**
 * The profile of what remains of our cost: the phase timings of `processes/phase-profile.ts`,
 * and a V8 CPU profile of the warm loop on our ESM bundle, summarized by self time.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runChild, startStandIn } from './child-process';
import { nodeVersions } from './measure';
import type { BenchOptions } from './options';
import type { PhaseTiming } from './processes/phase-profile';
import { lambdaEnv, scenarios } from './scenarios';
import { paths } from './workspace';

/** Phase timings and CPU-profile hot spots on one Node. */
export interface PhaseProfile {
  readonly version: string;
  readonly phases: PhaseTiming[];
  /** Self time by function over the warm loop of our ESM handler, top first. */
  readonly hotSpots: Array<{ readonly fn: string; readonly selfMs: number; readonly share: number }>;
  readonly profileFile: string;
}

interface CpuProfile {
  readonly nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>;
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: number[];
}

/** Runs the phase profile and the CPU-profiled warm loop on one Node, with the stand-in up. */
export async function runPhaseProfile(node: string, options: BenchOptions): Promise<PhaseProfile> {
  const { node: version } = nodeVersions(node);
  const major = Number(/^v(\d+)/.exec(version)![1]);
  const env = { ...lambdaEnv(major), BENCH_WARMUP: String(options.warmupInvocations), BENCH_INVOCATIONS: String(options.invocations) };
  const standIn = await startStandIn(options.intakeDelayMs, options.nodeHttpLifecycle);
  try {
    process.stderr.write(`${version} phase profile\n`);
    const { phases } = await runChild<{ phases: PhaseTiming[] }>(node, [paths.process('phase-profile')], env);
    const dir = join(paths.profiles, version);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const ours = scenarios(major).find((s) => s.id === 'ours-esm')!;
    await runChild(node, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100', paths.process('warm-invocations')], {
      ...env,
      BENCH_ENTRY: ours.entry,
    });
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!);
    return { version, phases, hotSpots: hotSpots(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile), profileFile: file };
  } finally {
    standIn.kill();
  }
}

/** Self time per function (name + file + line), from the profile's samples. */
function hotSpots(profile: CpuProfile): PhaseProfile['hotSpots'] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const intervalMs = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const totals = new Map<string, number>();
  for (const id of profile.samples) {
    const frame = byId.get(id)!.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url ? basename(frame.url) : ''}:${frame.lineNumber + 1}`;
    totals.set(key, (totals.get(key) ?? 0) + 1);
  }
  const all = profile.samples.length || 1;
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([fn, count]) => ({ fn, selfMs: count * intervalMs, share: count / all }));
}

/** The printed phase table and hot spots. */
export function formatPhaseProfile(profile: PhaseProfile): string {
  const rows = profile.phases.map(
    (p) => `  ${p.phase.padEnd(58)} ${p.us.p50.toFixed(0).padStart(6)} ${p.us.p90.toFixed(0).padStart(6)} ${p.us.p99.toFixed(0).padStart(6)}`,
  );
  const hot = profile.hotSpots.slice(0, 15).map((h) => `  ${(h.share * 100).toFixed(1).padStart(5)} %  ${h.selfMs.toFixed(0).padStart(6)} ms  ${h.fn}`);
  return [
    `Profile of our invocation on Node ${profile.version} (µs: p50 p90 p99)`,
    ...rows,
    `CPU profile of the warm loop (ours ESM, self time; ${profile.profileFile})`,
    ...hot,
  ].join('\n');
}
