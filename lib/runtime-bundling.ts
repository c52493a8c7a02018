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
  /** `--alias` target for `OTEL_API_SPECIFIER` (`otelApiAlias`); none when the installed API needs none. */
  readonly otelApiAlias?: string;
}

/**
 * The bundling options: ours, then the user's on top. An ES module entry gets ESM output
 * (`index.mjs`), since `import.meta` and top-level await cannot be compiled to CommonJS; an
 * ESM bundle gets the `require` banner; our aliases join any `--alias` the user gave.
 */
export function bundlingOptions(user: BundlingOptions = {}, context: BundlingContext = {}): BundlingOptions {
  const options: BundlingOptions = { ...BUNDLING_DEFAULTS, ...(context.esm ? { format: OutputFormat.ESM } : {}), ...user };
  const banner = options.format === OutputFormat.ESM && options.banner === undefined ? { banner: ESM_REQUIRE_BANNER } : {};
  const aliases: Record<string, string> = {};
  if (context.runtimeAlias !== undefined) aliases[RUNTIME_SPECIFIER] = context.runtimeAlias;
  if (context.otelApiAlias !== undefined) aliases[OTEL_API_SPECIFIER] = context.otelApiAlias;
  const alias = Object.keys(aliases).length === 0 ? {} : { esbuildArgs: withAliases(user.esbuildArgs, aliases) };
  return { ...options, ...banner, ...alias };
}

/** `--alias:<specifier>=<target>` for each of ours, before the user's own; theirs win for a specifier they alias. */
function withAliases(args: BundlingOptions['esbuildArgs'] = {}, aliases: Readonly<Record<string, string>>): NonNullable<BundlingOptions['esbuildArgs']> {
  const theirs = args['--alias'];
  const list = theirs === undefined ? [] : (Array.isArray(theirs) ? theirs : [theirs]).map(String);
  const ours = Object.entries(aliases)
    .filter(([specifier]) => !list.some((entry) => entry.startsWith(`${specifier}=`)))
    .map(([specifier, target]) => `${specifier}=${target}`);
  if (ours.length === 0) return args;
  const all = [...ours, ...list];
  return { ...args, '--alias': all.length === 1 ? all[0] : all };
}

/** The OpenTelemetry API, which the user's code and the runtime share. */
export const OTEL_API_SPECIFIER = '@opentelemetry/api';

/**
 * Where `@opentelemetry/api` resolves in the construct's bundles: its ES2017 build, when the
 * API installed in the project points bundlers at an ES5 one.
 *
 * The 1.x API up to 1.9 (the line the OpenTelemetry SDK 2.x requires) gives bundlers its
 * `module` build, compiled to ES5: its `__read`/`__spreadArray` helpers run on every
 * `context.with`, and the code is larger. The same package also ships the same code compiled
 * to ES2017 (its `esnext` build), which every Node.js Lambda runtime runs. Measured on a
 * wrapped handler (`bench/fixtures/ours-handler.ts`, API 1.9.0, Node 24): 5.2 KB less bundle,
 * 2.4 M fewer instructions from process start through the first invocation. API 1.10 and
 * later ship modern code only, and get no alias.
 *
 * One target for every import of the API in the bundle, so the user's code and the runtime
 * share one copy, as they do without the alias when the project has one API installed.
 *
 * @returns undefined when the API does not resolve from `projectRoot`, has no `esnext` build,
 *   or, under Docker, lies outside the project root (the only directory mounted)
 */
export function otelApiAlias(projectRoot: string, docker: boolean): string | undefined {
  const packageDir = installedPackageDir(OTEL_API_SPECIFIER, projectRoot);
  if (!packageDir) return undefined;
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { esnext?: unknown };
  if (typeof manifest.esnext !== 'string') return undefined;
  const directory = path.dirname(path.join(packageDir, manifest.esnext));
  if (!existsSync(path.join(directory, 'index.js'))) return undefined;
  if (!docker) return directory;
  const relative = path.relative(projectRoot, directory);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return path.posix.join(AssetStaging.BUNDLING_INPUT_DIR, relative.split(path.sep).join('/'));
}

/** `otelApiAlias` as esbuild's `alias` option, for builds through its API (the bench, the bundle guard). */
export function otelApiAliasOption(projectRoot: string): Record<string, string> {
  const target = otelApiAlias(projectRoot, false);
  return target === undefined ? {} : { [OTEL_API_SPECIFIER]: target };
}

/** The directory of the package `name` as Node resolves it from `fromDir`, or undefined. */
function installedPackageDir(name: string, fromDir: string): string | undefined {
  let entry: string;
  try {
    // The package's main file: its exports map may not expose package.json.
    entry = require.resolve(name, { paths: [fromDir] });
  } catch {
    return undefined;
  }
  for (let dir = path.dirname(entry); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === name) return dir;
  }
  return undefined;
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
