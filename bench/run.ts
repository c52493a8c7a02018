/**
 * `npm run bench`: our runtime side by side with an empty handler and Datadog's Node path
 * (datadog-lambda-js + dd-trace through `handler.mjs`, extension present) on each Node binary.
 * Prints the tables and writes the raw JSON to `bench/.work/results.json`.
 *
 * Two stages: this process prepares (npm installs, esbuild), then re-runs itself inside a
 * private mount and network namespace (`unshare --mount --net`, root only) where
 * `/opt/extensions/datadog-agent` exists and the extension stand-in owns the real ports
 * 8124/8126 on a loopback of its own, without touching the host.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, release } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureNode, nodeVersions, type NodeMeasurement } from './measure';
import { DOWNLOADED_NODE_MAJORS, parseOptions, type BenchOptions } from './options';
import { buildBaselineBundle, buildBundles, buildDatadogBundle, ensureDatadogInstall, ensureNodeBinary, fileSize, installedSize, writeFixtures, type ArtefactSize } from './prepare';
import { formatAcrossRuns, formatNode, formatSizes, goalsAcrossRuns, summarizeNode } from './report';
import { runPhaseProfile, formatPhaseProfile, type PhaseProfile } from './profile';
import { formatInstructions, measureInstructions, type InstructionCounts } from './instructions';
import { ddTraceMajorFor, paths } from './workspace';

const INNER = 'BENCH_IN_NAMESPACE';

interface RawResults {
  readonly nodes: NodeMeasurement[];
  readonly profiles: PhaseProfile[];
  readonly instructions: InstructionCounts[];
}

async function prepare(options: BenchOptions): Promise<ArtefactSize[]> {
  const majors = [...new Set(options.nodes.map((node) => ddTraceMajorFor(Number(/^v(\d+)/.exec(nodeVersions(node).node)![1]))))];
  for (const major of majors) ensureDatadogInstall(major);
  writeFixtures(majors);
  await buildBundles();
  if (options.baseline) await buildBaselineBundle(options.baseline);
  const sizes = [
    fileSize('ours: handler + runtime (ESM)', paths.oursEsm),
    fileSize('ours: handler + runtime (CJS)', paths.oursCjs),
    ...(options.baseline ? [fileSize(`ours at ${options.baseline}: handler + runtime (CJS)`, paths.baselineCjs)] : []),
    fileSize('ours: runtime/index.ts, every export (ESM)', paths.runtimeOnlyEsm),
    fileSize('ours: I/O handler + runtime, @aws-sdk/* external (CJS)', paths.oursIoCjs),
    fileSize('I/O handler alone, @aws-sdk/* external (CJS)', paths.ioPlainCjs),
  ];
  for (const major of majors) {
    if (await buildDatadogBundle(major)) sizes.push(fileSize(`datadog-lambda-js + dd-trace ${major}, esbuild (unsupported by Datadog)`, paths.datadogBundle));
    sizes.push(installedSize(`datadog-lambda-js + dd-trace ${major}, npm install`, join(paths.datadogInstall(major), 'node_modules')));
  }
  return sizes;
}

/** Inside the namespace: private loopback up, fake `/opt` mounted, then every measurement. */
async function inner(options: BenchOptions): Promise<void> {
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  execFileSync('mount', ['--bind', paths.fakeOpt, '/opt']);
  const raw: RawResults = { nodes: [], profiles: [], instructions: [] };
  // Every Node in each run, so a slow spell of the machine lands on all of them, not on one.
  for (let run = 0; run < options.repeat; run += 1) {
    for (const node of options.nodes) raw.nodes.push(await measureNode(node, options));
  }
  // Diagnostics, once: the profile and the instruction counts do not need repeating.
  for (const node of options.nodes) {
    if (options.profile) raw.profiles.push(await runPhaseProfile(node, options));
    if (options.instructions) raw.instructions.push(await measureInstructions(node, options.baseline));
  }
  writeFileSync(paths.raw, JSON.stringify(raw));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (process.env[INNER] !== '1' && !argv.includes('--node')) DOWNLOADED_NODE_MAJORS.forEach(ensureNodeBinary);
  const options = parseOptions(argv);
  if (process.env[INNER] === '1') return inner(options);

  const began = Date.now();
  const sizes = await prepare(options);
  const stage = spawnSync('unshare', ['--mount', '--net', '--', process.execPath, ...process.execArgv, process.argv[1], ...argv], {
    env: { ...process.env, [INNER]: '1' },
    stdio: 'inherit',
  });
  if (stage.status !== 0) {
    process.stderr.write(`the measurement stage failed (${stage.error?.message ?? `exit ${stage.status}`}); it needs root for unshare --mount --net\n`);
    process.exit(1);
  }
  const raw = JSON.parse(readFileSync(paths.raw, 'utf8')) as RawResults;
  const summaries = raw.nodes.map((m) => summarizeNode(m, sizes[0]));
  const machine = { cpu: cpus()[0]?.model, cores: cpus().length, kernel: release() };
  writeFileSync(paths.results, JSON.stringify({ date: new Date().toISOString(), machine, options, sizes, summaries, profiles: raw.profiles, instructions: raw.instructions, raw: raw.nodes }, null, 1));

  const lifecycle = options.nodeHttpLifecycle ? "Node's http server (--node-http-lifecycle)" : 'a raw HTTP/1.1 responder, as fast as a native server';
  const out = [`datadog-lambda-ts bench · ${machine.cpu} ×${machine.cores} · kernel ${machine.kernel} · extension stand-in's lifecycle API: ${lifecycle}`, ''];
  summaries.forEach((summary, index) => {
    if (options.repeat > 1 && index % options.nodes.length === 0) out.push(`##### run ${index / options.nodes.length + 1} of ${options.repeat}`, '');
    out.push(formatNode(summary, options.coldSamples, options.invocations * options.warmRuns), '');
  });
  if (options.repeat > 1) out.push(formatAcrossRuns(goalsAcrossRuns(summaries), options.repeat), '');
  out.push(formatSizes(sizes), '');
  for (const profile of raw.profiles) out.push(formatPhaseProfile(profile), '');
  for (const counts of raw.instructions) out.push(formatInstructions(counts), '');
  out.push(metricsCost(options), '');
  out.push(`raw JSON: ${paths.results} · ${((Date.now() - began) / 1000).toFixed(0)} s`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/** The metrics path's cost per invocation (`bench/metrics-flush.ts`), on this machine's Node. */
function metricsCost(options: BenchOptions): string {
  const iterations = String(options.invocations);
  const run = spawnSync(process.execPath, [...process.execArgv, join(__dirname, 'metrics-flush.ts'), iterations], { encoding: 'utf8' });
  const lines = run.status === 0 ? run.stdout.trim() : `metrics benchmark failed: ${run.stderr.trim().split('\n')[0] ?? ''}`;
  return [`Metrics cost per invocation (${process.version}, wrapped no-op handler, DogStatsD to a loopback listener, n=${iterations})`, lines].join('\n');
}

void main();
