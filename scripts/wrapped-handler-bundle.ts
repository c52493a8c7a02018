import { build, type Metafile } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { otelApiAliasOption } from '../lib/runtime-bundling';

const root = resolve(__dirname, '..');

/** The growth guard on that bundle (`test/runtime/bundle.test.ts`). */
export const BUNDLE_GUARD_BYTES = 122 * 1000;

/**
 * Bundles, into `dir`, a handler that only calls `wrapHandler`, the way the construct bundles
 * the runtime from its sources (its `@opentelemetry/api` alias included): the yardstick of the
 * bundle budget, shared by `test/runtime/bundle.test.ts` and `scripts/bundle-size.ts`.
 */
export async function bundleWrappedHandler(dir: string): Promise<{ outfile: string; metafile: Metafile }> {
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, `import { wrapHandler } from ${JSON.stringify(join(root, 'runtime/index.ts'))};\nexport const handler = wrapHandler(async () => ({ statusCode: 200 }));\n`);
  const outfile = join(dir, 'index.js');
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    mainFields: ['module', 'main'],
    alias: otelApiAliasOption(root),
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  return { outfile, metafile };
}
