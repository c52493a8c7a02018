/**
 * Measures the runtime bundle of a minimal wrapped handler, built exactly as
 * `test/runtime/bundle.test.ts` builds it, and lists the inputs that weigh most in it: the tool
 * for keeping the bundle within its budget.
 *
 * Usage: `npx tsx scripts/bundle-size.ts [count]` (count: how many inputs to list, 40 by default).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { BUNDLE_GUARD_BYTES, bundleWrappedHandler } from './wrapped-handler-bundle';

const root = resolve(__dirname, '..');

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 40);
  const dir = mkdtempSync(join(tmpdir(), 'dd-bundle-size-'));
  try {
    const { metafile } = await bundleWrappedHandler(dir);
    const output = Object.values(metafile.outputs)[0];
    const inputs = Object.entries(output.inputs)
      .map(([path, { bytesInOutput }]) => ({ path: relative(root, resolve(path)), bytes: bytesInOutput }))
      .sort((a, b) => b.bytes - a.bytes);
    console.log(`total: ${output.bytes} B (${(output.bytes / 1024).toFixed(1)} KiB), guard ${BUNDLE_GUARD_BYTES} B (test/runtime/bundle.test.ts)`);
    for (const { path, bytes } of inputs.slice(0, count)) console.log(`${String(bytes).padStart(7)}  ${path}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
