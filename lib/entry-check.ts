import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type * as esbuild from 'esbuild';

/** What `handlerExport` found out about the entry's exports. */
export type HandlerExport =
  | { readonly found: true }
  /** Statically known exports, and the handler is not one of them. */
  | { readonly found: false; readonly decided: true; readonly exports: readonly string[] }
  /** Cannot be known without running the code (CommonJS, `export *` from a package); `why` says which. */
  | { readonly found: false; readonly decided: false; readonly why: string };

/**
 * Why `entry` cannot be bundled, or undefined when it is a file. Checked before bundling so
 * the error names the user's path, not esbuild's "Could not resolve" inside a generated file.
 */
export function missingEntryProblem(entry: string): string | undefined {
  try {
    if (statSync(entry).isFile()) return undefined;
    return `is a directory, not a file`;
  } catch {
    return `does not exist`;
  }
}

/** The esbuild options that change how the entry's imports resolve, taken from `bundling`. */
export interface ExportCheckOptions {
  /** `bundling.tsconfig`. */
  readonly tsconfig?: string;
  /** `bundling.loader`: extension → esbuild loader name. */
  readonly loader?: Readonly<Record<string, string>>;
}

/**
 * Whether `entry` exports `handler`, read from esbuild's metafile: the entry and its local
 * imports are bundled in memory as ESM with packages external, so `export { x as handler }`,
 * `export default` and `export * from './local'` are all resolved the way the real bundle
 * resolves them. ~10–50 ms per entry.
 *
 * @returns undefined when esbuild is not installed or fails: the real bundling then reports it
 */
export function handlerExport(entry: string, handler: string, options: ExportCheckOptions = {}): HandlerExport | undefined {
  const api = loadEsbuild();
  if (!api) return undefined;
  let result: esbuild.BuildResult<{ metafile: true; write: false }>;
  try {
    result = api.buildSync({
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      outfile: path.join(path.dirname(entry), 'datadog-lambda-ts-export-check.mjs'),
      logLevel: 'silent',
      tsconfig: options.tsconfig,
      loader: options.loader as Record<string, esbuild.Loader> | undefined,
    });
  } catch {
    return undefined;
  }
  const [output] = Object.values(result.metafile.outputs);
  const exports = output?.exports ?? [];
  if (exports.includes(handler)) return { found: true };
  const input = Object.entries(result.metafile.inputs).find(([file]) => path.resolve(file) === path.resolve(entry))?.[1];
  if (input?.format === 'cjs') {
    // CommonJS exports are assigned at run time; a plain `exports.handler =` is the common case.
    if (assignsCommonJsExport(entry, handler)) return { found: true };
    return { found: false, decided: false, why: 'it is CommonJS (module.exports)' };
  }
  const text = result.outputFiles[0]?.text ?? '';
  if (/^export\s*\*\s*from\s*["']/m.test(text)) return { found: false, decided: false, why: 'it re-exports a package with `export * from`' };
  return { found: false, decided: true, exports: exports.filter((name) => name !== '__esModule') };
}

function assignsCommonJsExport(entry: string, name: string): boolean {
  const source = readFileSync(entry, 'utf8');
  const escaped = name.replace(/\$/g, '\\$');
  return new RegExp(`exports\\s*(?:\\.\\s*${escaped}\\b|\\[\\s*["']${escaped}["']\\s*\\])\\s*=`).test(source);
}

/** esbuild's JS API, from wherever the project has it; the check is skipped without it. */
function loadEsbuild(): typeof esbuild | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional at run time
    return require('esbuild') as typeof esbuild;
  } catch {
    return undefined;
  }
}
