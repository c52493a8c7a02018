/**
 * Builds the published runtime and testing kit, three ways, each with the OpenTelemetry SDK
 * and msgpack inside and only `@opentelemetry/api` left as an import:
 *
 * - `dist/module/**.js` (the `module` condition, for bundlers): one ESM file per source
 *   module, so the user's bundler drops unused modules whole (`sideEffects: false`) and keeps
 *   the SDK lazily loaded, exactly as when it bundles our sources. `.js`, not `.mjs`:
 *   webpack treats `.mjs` as strict ESM, where `require` is unavailable, and one module here
 *   loads the SDK with `require` (esbuild and webpack bundle that; Rollup needs its commonjs
 *   plugin's `transformMixedEsModules`);
 * - `dist/esm/*.mjs` (the `import` condition, Node's own ESM loader): one file per entry,
 *   code-split so the two entries share one runtime;
 * - `dist/cjs/*.cjs` (the `require` condition).
 *
 * Why esbuild and not tsc: the sources use extensionless relative imports, which Node's ESM
 * loader rejects, and the SDK must be inside: with no SDK package in `dependencies`, nothing in
 * an install pins the API's minor version (SDK 2.x requires `@opentelemetry/api` < 1.10, SDK
 * 3.x ≥ 1.10), so the user's API line is the only one (README, Install).
 *
 * Usage: `tsx scripts/build-runtime.ts` (run by `npm run build`, after tsc).
 */
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..');

/** The one package the user's code and ours must share: the API's global registry. */
export const EXTERNAL = ['@opentelemetry/api'];

const common: BuildOptions = {
  entryPoints: { index: join(root, 'runtime/index.ts'), 'testing/index': join(root, 'runtime/testing/index.ts') },
  bundle: true,
  platform: 'node',
  // Lambda's oldest Node.js runtime we support; the user's own bundler may target newer.
  target: 'node20',
  external: EXTERNAL,
  // The ESM builds of the SDK and msgpack: they tree-shake, their CommonJS builds do not.
  mainFields: ['module', 'main'],
  sourcemap: true,
  // Not minified: the user's bundler minifies, and readable stack frames help when it does not.
  minify: false,
  legalComments: 'inline',
  metafile: true,
  logLevel: 'warning',
};

const runtimeDir = join(root, 'runtime');

/** Every runtime module but the tests: the entries of the module-per-file build. */
function runtimeModules(dir: string = runtimeDir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) return runtimeModules(file);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') ? [file] : [];
  });
}

/**
 * Leaves each import of another runtime module as an import of its `.js` output, so every
 * module stays a file of its own and the user's bundler can drop the unused ones whole
 * (`sideEffects: false`), as it does when bundling our sources.
 */
const keepModules: Plugin = {
  name: 'keep-modules',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point' || !args.importer.startsWith(runtimeDir)) return undefined;
      const base = resolve(args.resolveDir, args.path);
      const target = [`${base}.ts`, join(base, 'index.ts')].find((file) => existsSync(file));
      if (!target) return undefined;
      const specifier = relative(dirname(args.importer), target).replace(/\.ts$/, '.js');
      return { path: specifier.startsWith('.') ? specifier : `./${specifier}`, external: true };
    });
  },
};

export async function buildRuntime(): Promise<void> {
  for (const dir of ['dist/esm', 'dist/cjs', 'dist/module']) rmSync(join(root, dir), { recursive: true, force: true });
  const modules = await build({
    ...common,
    entryPoints: runtimeModules(),
    outbase: runtimeDir,
    format: 'esm',
    outdir: join(root, 'dist/module'),
    plugins: [keepModules],
  });
  restoreRelativeRequires(join(root, 'dist/module'));
  const esm = await build({
    ...common,
    format: 'esm',
    splitting: true,
    outdir: join(root, 'dist/esm'),
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
  });
  // CommonJS has no code splitting: each entry carries the runtime parts it uses. Shared state
  // lives on `globalThis` under `Symbol.for` keys (runtime/global-state.ts), so both agree.
  const cjs = await build({
    ...common,
    format: 'cjs',
    outdir: join(root, 'dist/cjs'),
    outExtension: { '.js': '.cjs' },
  });
  writeThirdPartyNotices([modules.metafile, esm.metafile, cjs.metafile]);
}

/**
 * esbuild writes a `require` it leaves in ESM output as `__require`, which the user's bundler
 * does not follow. `require('./sdk-provider')` loads the SDK on first use (tracing/tracer-provider.ts);
 * as a plain `require` again, the user's bundler bundles it and keeps it lazy, as from source.
 * This build is for bundlers only (the `module` condition); Node's own ESM loader gets dist/esm.
 */
function restoreRelativeRequires(dir: string): void {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) {
      restoreRelativeRequires(file);
    } else if (name.endsWith('.js')) {
      const code = readFileSync(file, 'utf8');
      const restored = code.replace(/\b__require\((["']\.\.?\/[^"']+\.js["'])\)/g, 'require($1)');
      if (restored !== code) writeFileSync(file, restored);
    }
  }
}

/** The licenses of the packages bundled into dist, which their licenses ask to keep with copies. */
function writeThirdPartyNotices(metafiles: readonly (Metafile | undefined)[]): void {
  const packages = new Set<string>();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile?.inputs ?? {})) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match) packages.add(match[1]);
    }
  }
  // One section per license text: the OpenTelemetry packages share theirs.
  const byText = new Map<string, string[]>();
  for (const name of [...packages].sort()) {
    const dir = join(root, 'node_modules', name);
    const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; license: string };
    const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license'].map((f) => join(dir, f)).find((f) => existsSync(f));
    const text = file ? readFileSync(file, 'utf8').trim() : `${license} (no license file in the package)`;
    byText.set(text, [...(byText.get(text) ?? []), `${name}@${version} (${license})`]);
  }
  const sections = [...byText].map(([text, names]) => `## ${names.join(', ')}\n\n${text}\n`);
  const header = '# Third-party notices\n\nThe runtime in `dist/esm` and `dist/cjs` includes code from these packages.\n\n';
  writeFileSync(join(root, 'dist/THIRD-PARTY-NOTICES.md'), header + sections.join('\n'));
}

if (require.main === module) {
  buildRuntime().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
