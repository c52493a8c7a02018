import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AssetStaging } from 'aws-cdk-lib';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { clientRegistrationLines } from './aws-sdk-bundling';

/**
 * Bundling defaults, chosen for cold start; every one can be overridden through `bundling`.
 *
 * Measured 2026-11 on this package's wrapper around an empty handler (esbuild 0.28,
 * `--platform=node --target=node22 --minify --main-fields=module,main`, 83 KB), loaded the way
 * the Lambda runtime loads handlers (`require` for .js, `import()` for .mjs), 20 interleaved
 * fresh processes each, p50:
 *
 * | load time                | Node 22 | Node 24 |
 * | CJS                      |  6.1 ms |  6.5 ms |
 * | ESM (+ createRequire)    | 11.1 ms | 12.1 ms |
 * | CJS, --enable-source-maps| 11.4 ms | 11.8 ms |
 *
 * Re-measured 2026-12-01 on the construct's own bundle of `test/fixtures/cdk/handler.ts`
 * (`npx tsx bench/format-init.ts --samples 30`, a shared 2-core machine at load ≈ 18, so wall
 * times are mostly queueing): CPU time of the load, p50, CJS / ESM: Node 20 11.9 / 11.0 ms,
 * Node 22 9.3 / 10.2 ms, Node 24 9.8 / 9.8 ms. The formats cost about the same CPU; the quiet
 * run above saw ESM ≈ 5 ms slower in wall time.
 *
 * So: CJS output, unless the entry is an ES module (see `bundlingOptions`), which CJS cannot
 * hold. Source maps are written (for debugging and upload) but
 * `NODE_OPTIONS=--enable-source-maps` is not set: it would nearly double the wrapper's init
 * cost (+5 ms here, more with a larger bundle). Set it in `environment` if you want mapped
 * stack traces.
 *
 * `sourcesContent: false`: the map names each source file and line but does not embed the
 * sources, which are 513 KB of its 675 KB. The asset goes from 775 KB to 262 KB, the zip
 * (`zip -9`) from 198 KB to 80 KB. Stack traces map the same; a debugger or an uploaded map
 * shows the code from your checkout instead.
 *
 * `mainFields: module,main` bundles the ESM builds of dependencies, which esbuild can
 * tree-shake (the OpenTelemetry SDK goes from 186 KB to 44 KB).
 */
export const BUNDLING_DEFAULTS: BundlingOptions = {
  format: OutputFormat.CJS,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
};

/** The import path users write for the runtime; the construct's bundles resolve it to one copy. */
export const RUNTIME_SPECIFIER = 'datadog-lambda-ts/runtime';

/**
 * Makes `require` exist in an ESM bundle: CommonJS dependencies of the user's code that
 * esbuild bundles into it call `require` for Node built-ins. (The runtime itself needs none.)
 */
export const ESM_REQUIRE_BANNER = "import{createRequire as __ddCreateRequire}from'node:module';const require=__ddCreateRequire(import.meta.url);";

/** What the construct knows about the entry when it picks the bundling options. */
export interface BundlingContext {
  /** The entry is an ES module (`esmReason`): ESM output unless the user chose a format. */
  readonly esm?: boolean;
  /** `--alias` target for `RUNTIME_SPECIFIER` (`runtimeAlias`); none when not wrapping. */
  readonly runtimeAlias?: string;
}

/**
 * The bundling options: ours, then the user's on top. An ES module entry gets ESM output
 * (`index.mjs`), since `import.meta` and top-level await cannot be compiled to CommonJS; an
 * ESM bundle gets the `require` banner; the runtime alias joins any `--alias` the user gave.
 */
export function bundlingOptions(user: BundlingOptions = {}, context: BundlingContext = {}): BundlingOptions {
  const options: BundlingOptions = { ...BUNDLING_DEFAULTS, ...(context.esm ? { format: OutputFormat.ESM } : {}), ...user };
  const banner = options.format === OutputFormat.ESM && options.banner === undefined ? { banner: ESM_REQUIRE_BANNER } : {};
  const alias = context.runtimeAlias === undefined ? {} : { esbuildArgs: withRuntimeAlias(user.esbuildArgs, context.runtimeAlias) };
  return { ...options, ...banner, ...alias };
}

/** `--alias:datadog-lambda-ts/runtime=<target>` added to the user's esbuild arguments (theirs win). */
function withRuntimeAlias(args: BundlingOptions['esbuildArgs'] = {}, target: string): NonNullable<BundlingOptions['esbuildArgs']> {
  const ours = `${RUNTIME_SPECIFIER}=${target}`;
  const theirs = args['--alias'];
  if (theirs === undefined) return { ...args, '--alias': ours };
  const list = (Array.isArray(theirs) ? theirs : [theirs]).map(String);
  if (list.some((entry) => entry.startsWith(`${RUNTIME_SPECIFIER}=`))) return args;
  return { ...args, '--alias': [ours, ...list] };
}

/**
 * Where `datadog-lambda-ts/runtime` (and any subpath) resolves in the construct's bundles: the
 * directory of `runtimeEntryPath()`, so the generated wrapper's import and the user's own
 * imports reach the same files and esbuild includes the runtime once (a handler using
 * `processBatch` and metrics: 106 KB, against 206 KB with two copies). A directory, not the
 * index file, so a subpath maps to the file beside it.
 *
 * esbuild resolves alias targets from its working directory: the project root locally, `/` in
 * Docker, where the project root is mounted at `/asset-input`.
 */
export function runtimeAlias(projectRoot: string, docker: boolean, runtimeEntry: string = runtimeEntryPath()): string {
  const directory = path.dirname(runtimeEntry);
  if (!docker) return directory;
  const relative = path.relative(projectRoot, directory).split(path.sep).join('/');
  return path.posix.join(AssetStaging.BUNDLING_INPUT_DIR, relative);
}

/**
 * The runtime of *this* package (not whatever `datadog-lambda-ts` the user's project resolves):
 * `runtime/index.ts` beside `lib/` when running from source, else the published module-per-file build
 * beside `dist/lib/` (it has the OpenTelemetry SDK inside, so the user's project needs only
 * `@opentelemetry/api`, and it tree-shakes like the sources).
 */
export function runtimeEntryPath(libDir: string = __dirname): string {
  const candidates = [path.join(libDir, '..', 'runtime', 'index.ts'), path.join(libDir, '..', 'module', 'index.js')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`datadog-lambda-ts: runtime not found next to ${libDir} (looked for ${candidates.join(', ')}); reinstall the package`);
  return found;
}

/** What the generated entry wraps. */
export interface WrapperEntryOptions {
  /** Absolute path of the user's entry. */
  readonly userEntry: string;
  /** The exported handler's name. */
  readonly handler: string;
  /** Directory to write the entry to; it must be under the bundling project root. */
  readonly directory: string;
  /**
   * Bundled smithy-client files whose `Client` the entry registers for the runtime's `aws-sdk`
   * integration (see `bundledSmithyClientFiles`). @default - none (the SDK is external)
   */
  readonly awsSdkClientFiles?: readonly string[];
}

/**
 * Writes the entry that esbuild bundles instead of the user's: it imports the user's module and
 * exports `wrapHandler(module[handler])` under the same name, so the function's handler string
 * stays `index.<handler>`.
 *
 * The user's module is imported relative to the entry, the runtime by its package path, and
 * the file is named by its content hash, so the same project layout gives the same bytes,
 * hence the same bundle and asset hash, on every machine.
 *
 * @returns the entry's absolute path
 */
export function writeWrapperEntry(options: WrapperEntryOptions): string {
  const source = [
    '// Generated by datadog-lambda-ts (DatadogTracedFunction). Do not edit: rewritten on every synth.',
    `import * as userModule from ${JSON.stringify(importSpecifier(options.directory, options.userEntry))};`,
    // Resolved by the bundling's alias (`runtimeAlias`), like the user's own runtime imports.
    `import { wrapHandler } from ${JSON.stringify(RUNTIME_SPECIFIER)};`,
    ...clientRegistrationLines(options.awsSdkClientFiles ?? [], (file) => importSpecifier(options.directory, file)),
    `const wrapped = wrapHandler(userModule[${JSON.stringify(options.handler)}]);`,
    `export { wrapped as ${options.handler} };`,
    '',
  ].join('\n');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const file = path.join(options.directory, `${hash}.mjs`);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== source) {
    mkdirSync(options.directory, { recursive: true });
    writeFileSync(file, source);
  }
  return file;
}

function importSpecifier(fromDirectory: string, target: string): string {
  const relative = path.relative(fromDirectory, target).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/**
 * Where generated entries go. `NodejsFunction` requires the entry under its project root:
 * the cloud assembly directory when it is inside the project (`cdk synth`'s default
 * `cdk.out`), else `node_modules/.cache/datadog-lambda-ts` under the project root.
 */
export function generatedEntryDirectory(outdir: string, projectRoot: string): string {
  const relative = path.relative(projectRoot, outdir);
  const insideProject = relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  return insideProject
    ? path.join(outdir, '.datadog-lambda-ts')
    : path.join(projectRoot, 'node_modules', '.cache', 'datadog-lambda-ts');
}

const LOCK_FILES = ['pnpm-lock.yaml', 'yarn.lock', 'bun.lockb', 'bun.lock', 'package-lock.json'];

/**
 * The project root `NodejsFunction` will use: `projectRoot`, else the directory of
 * `depsLockFilePath`, else of the nearest lock file above the working directory
 * (`NodejsFunction` searches from `process.cwd()`, not from the entry).
 *
 * @returns undefined when no lock file is found (NodejsFunction then explains what to set)
 */
export function bundlingProjectRoot(projectRoot?: string, depsLockFilePath?: string, cwd: string = process.cwd()): string | undefined {
  if (projectRoot) return path.resolve(projectRoot);
  if (depsLockFilePath) return path.dirname(path.resolve(depsLockFilePath));
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (LOCK_FILES.some((name) => existsSync(path.join(dir, name)))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Whether `NodejsFunction` can bundle without Docker: it looks for esbuild next to aws-cdk-lib,
 * then on the PATH. Without it, it silently switches to Docker and fails in `docker build`.
 */
export function localEsbuildAvailable(): boolean {
  try {
    require.resolve('esbuild/package.json', { paths: [path.dirname(require.resolve('aws-cdk-lib/package.json'))] });
    return true;
  } catch {
    return spawnSync('esbuild', ['--version'], { stdio: 'ignore' }).status === 0;
  }
}
