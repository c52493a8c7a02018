/**
 * Node built-in modules, loaded on first use rather than at import.
 *
 * In an ESM bundle a static `import` of a built-in evaluates its every lazy export at init
 * (≈ 90–105 ms for `node:http` on Node 22, ≈ 2–6 ms for `node:crypto` or `node:fs`, measured
 * by `npm run bench`); in CJS it is cheaper but still paid before the first invocation needs
 * it. `process.getBuiltinModule` works in both bundle formats; `require` is the fallback on
 * Node versions older than 20.16.
 */
type ProcessWithBuiltins = NodeJS.Process & { getBuiltinModule?: (id: string) => unknown };

export function builtin<T>(id: `node:${string}`): T {
  const fromProcess = (process as ProcessWithBuiltins).getBuiltinModule?.(id) as T | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return fromProcess ?? (require(id) as T);
}
