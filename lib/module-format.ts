import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Why an entry is an ES module, for the bundling comment and the tests. */
export type EsmReason = 'extension' | 'package-type';

/**
 * Whether Node would load `entry` as an ES module: `.mts` / `.mjs` always, `.cts` / `.cjs`
 * never, any other extension when the nearest `package.json` has `"type": "module"` (the rule
 * Node applies to `.js`, and TypeScript's `nodenext` to `.ts`).
 *
 * Such code may use `import.meta` and top-level await, which CommonJS output cannot hold:
 * esbuild fails on top-level await and empties `import.meta`, so the function dies at init.
 *
 * @returns the reason, or undefined for CommonJS
 */
export function esmReason(entry: string): EsmReason | undefined {
  const extension = path.extname(entry);
  if (extension === '.mts' || extension === '.mjs') return 'extension';
  if (extension === '.cts' || extension === '.cjs') return undefined;
  return nearestPackageType(path.dirname(path.resolve(entry))) === 'module' ? 'package-type' : undefined;
}

/** The `type` of the nearest `package.json` above `directory`, as Node looks it up. */
function nearestPackageType(directory: string): unknown {
  for (let dir = directory; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type;
      } catch {
        return undefined; // an unreadable manifest is NodejsFunction's to report, not ours
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
