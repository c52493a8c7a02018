/**
 * What the output format costs at init: the construct's bundle of one handler, as CommonJS
 * (the default) and as ESM (the default for ES module entries), loaded in fresh processes the
 * way Lambda's Node runtime loads a handler (`require` for index.js, `import()` for index.mjs,
 * after the built-ins the runtime itself has loaded), interleaved, per Node binary.
 *
 * Usage: npx tsx bench/format-init.ts [--samples 20]
 * Node 22 and 24 are fetched from the npm registry into bench/.work/node, as `npm run bench` does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { DatadogApiKey, DatadogTracedFunction } from '../lib';
import { DOWNLOADED_NODE_MAJORS, downloadedNodePath } from './options';
import { ensureNodeBinary } from './prepare';
import { percentile } from './stats';
import { REPO_DIR } from './workspace';

const samples = Number(process.argv[process.argv.indexOf('--samples') + 1]) || 20;

/** Synthesizes the construct around the test fixture handler and returns the bundle file. */
function constructBundle(outdir: string, format: OutputFormat): string {
  AssetStaging.clearAssetHashCache();
  const app = new App({ outdir });
  const stack = new Stack(app, 'FormatInit', { env: { account: '123456789012', region: 'us-east-1' } });
  new DatadogTracedFunction(stack, 'Fn', {
    entry: path.join(REPO_DIR, 'test', 'fixtures', 'cdk', 'handler.ts'),
    bundling: { format },
    datadog: { service: 'bench', apiKey: DatadogApiKey.fromSecretArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbCdEf') },
  });
  const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
  const assetDir = path.join(outdir, `asset.${(fn.Properties.Code.S3Key as string).replace(/\.zip$/, '')}`);
  const file = readdirSync(assetDir).find((name) => /^index\.m?js$/.test(name))!;
  return path.join(assetDir, file);
}

/** The loader each sample runs: the runtime's built-ins first, then the clock, then the handler module. */
const LOADER = [
  "import 'node:util'; import 'node:net'; import 'node:http';",
  "import { createRequire } from 'node:module';",
  'const file = process.env.BUNDLE;',
  'const started = process.hrtime.bigint();',
  'const cpu = process.cpuUsage();',
  "const mod = file.endsWith('.mjs') ? await import(file) : createRequire(import.meta.url)(file);",
  "if (typeof mod.handler !== 'function') throw new Error('no handler');",
  'const used = process.cpuUsage(cpu);',
  "process.stdout.write(`${Number(process.hrtime.bigint() - started) / 1e6} ${(used.user + used.system) / 1e3}`);",
  '',
].join('\n');

/** One fresh process: wall and CPU (user + system) milliseconds of loading the bundle. */
function sample(node: string, loader: string, bundle: string): { wall: number; cpu: number } {
  const run = spawnSync(node, [loader], { encoding: 'utf8', env: { PATH: process.env.PATH, BUNDLE: bundle, DD_LAMBDA_EXTENSION_PATH: '/nonexistent' } });
  if (run.status !== 0) throw new Error(`${node} ${bundle}: ${run.stderr}`);
  const [wall, cpu] = run.stdout.split(' ').map(Number);
  return { wall, cpu };
}

function main(): void {
  for (const major of DOWNLOADED_NODE_MAJORS) ensureNodeBinary(major);
  const nodes = [process.execPath, ...DOWNLOADED_NODE_MAJORS.map(downloadedNodePath).filter((file) => existsSync(file))];
  mkdirSync(path.join(REPO_DIR, 'cdk.out'), { recursive: true });
  const dir = mkdtempSync(path.join(REPO_DIR, 'cdk.out', 'format-init-'));
  try {
    const bundles = { CJS: constructBundle(path.join(dir, 'cjs'), OutputFormat.CJS), ESM: constructBundle(path.join(dir, 'esm'), OutputFormat.ESM) };
    const loader = path.join(dir, 'loader.mjs');
    writeFileSync(loader, LOADER);
    console.log(`bundles: CJS ${statSync(bundles.CJS).size} B, ESM ${statSync(bundles.ESM).size} B; ${samples} fresh processes each, interleaved, after 3 warm-up rounds`);
    console.log('| Node | wall p50, CJS / ESM | wall p90, CJS / ESM | CPU p50, CJS / ESM |');
    console.log('| --- | --- | --- | --- |');
    for (const node of nodes) {
      const times = { CJS: { wall: [] as number[], cpu: [] as number[] }, ESM: { wall: [] as number[], cpu: [] as number[] } };
      for (let round = 0; round < samples + 3; round++) {
        for (const format of ['CJS', 'ESM'] as const) {
          const { wall, cpu } = sample(node, loader, bundles[format]);
          if (round < 3) continue;
          times[format].wall.push(wall);
          times[format].cpu.push(cpu);
        }
      }
      const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
      const at = (metric: 'wall' | 'cpu', p: number) =>
        (['CJS', 'ESM'] as const).map((format) => percentile([...times[format][metric]].sort((a, b) => a - b), p).toFixed(1)).join(' / ') + ' ms';
      console.log(`| ${version} | ${at('wall', 50)} | ${at('wall', 90)} | ${at('cpu', 50)} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
