/**
 * Builds the published runtime and testing kit: `dist/esm/*.mjs` (code-split, so the two
 * entries share one copy of the runtime) and `dist/cjs/*.cjs`, each with the OpenTelemetry
 * SDK and msgpack inside and only `@opentelemetry/api` left as an import.
 *
 * Why bundle rather than compile file by file:
 * - the sources use extensionless relative imports, which Node's ESM loader rejects; one
 *   bundled file per entry needs none;
 * - the SDK inside means no SDK package in `dependencies`, so nothing in an install pins the
 *   API's minor version (SDK 2.x requires `@opentelemetry/api` < 1.10, SDK 3.x ≥ 1.10): the
 *   user's API line is the only one, see the README's Install section;
 * - esbuild tree-shakes the SDK here once, from its ESM build, and again in the user's bundle.
 *
 * Usage: `tsx scripts/build-runtime.ts` (run by `npm run build`, after tsc).
 */
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

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

export async function buildRuntime(): Promise<Metafile[]> {
  rmSync(join(root, 'dist/esm'), { recursive: true, force: true });
  rmSync(join(root, 'dist/cjs'), { recursive: true, force: true });
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
  writeThirdPartyNotices([esm.metafile, cjs.metafile]);
  return [esm.metafile, cjs.metafile];
}

/** The licenses of the packages bundled into dist, which their licenses ask to keep with copies. */
function writeThirdPartyNotices(metafiles: Metafile[]): void {
  const packages = new Set<string>();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match) packages.add(match[1]);
    }
  }
  const sections = [...packages].sort().map((name) => {
    const dir = join(root, 'node_modules', name);
    const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; license: string };
    const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license'].map((f) => join(dir, f)).find((f) => existsSync(f));
    const text = file ? readFileSync(file, 'utf8').trim() : `${license} (no license file in the package)`;
    return `## ${name}@${version} (${license})\n\n${text}\n`;
  });
  const header = '# Third-party notices\n\nThe runtime in `dist/esm` and `dist/cjs` includes code from these packages.\n\n';
  writeFileSync(join(root, 'dist/THIRD-PARTY-NOTICES.md'), header + sections.join('\n'));
}

if (require.main === module) {
  buildRuntime().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
