/**
 * Measures the runtime bundle of a minimal wrapped handler, built exactly as
 * `test/runtime/bundle.test.ts` builds it, and lists the inputs that weigh most in it: the tool
 * for keeping the bundle within its budget.
 *
 * Usage: `npx tsx scripts/bundle-size.ts [count]` (count: how many inputs to list, 40 by default).
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..');

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 40);
  const dir = mkdtempSync(join(tmpdir(), 'dd-bundle-size-'));
  try {
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, `import { wrapHandler } from ${JSON.stringify(join(root, 'runtime/index.ts'))};\nexport const handler = wrapHandler(async () => ({ statusCode: 200 }));\n`);
    const outfile = join(dir, 'index.js');
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      mainFields: ['module', 'main'],
      outfile,
      metafile: true,
      logLevel: 'silent',
    });
    const output = Object.values(result.metafile.outputs)[0];
    const inputs = Object.entries(output.inputs)
      .map(([path, { bytesInOutput }]) => ({ path: relative(root, resolve(path)), bytes: bytesInOutput }))
      .sort((a, b) => b.bytes - a.bytes);
    console.log(`total: ${output.bytes} B (${(output.bytes / 1024).toFixed(1)} KiB), budget ${120 * 1024} B`);
    for (const { path, bytes } of inputs.slice(0, count)) console.log(`${String(bytes).padStart(7)}  ${path}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
