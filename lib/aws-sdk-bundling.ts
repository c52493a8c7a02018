import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as esbuild from 'esbuild';
import type { Loader } from 'esbuild';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { CLIENT_REGISTRY_SYMBOL, hasClientDeclaration, SMITHY_CLIENT_FILE } from './esbuild-plugin';

/**
 * The construct's side of tracing a *bundled* AWS SDK. `NodejsFunction` runs the esbuild CLI,
 * which takes no plugins, so the construct cannot use `datadogAwsSdkPlugin`. Instead, when the
 * bundling options bundle the SDK (no `@aws-sdk/*` among `externalModules`), it asks esbuild
 * (the JS API, same options) which smithy-client module files the user's code pulls in, and the
 * generated entry imports exactly those files and registers their `Client` class. esbuild
 * identifies modules by path, so these imports are the very modules the SDK uses: nothing is
 * added to the bundle. With the SDK external (the default), nothing runs: the runtime finds the
 * SDK through Node's module loader.
 */

/** NodejsFunction's default `externalModules` on Node.js 18+ runtimes. */
const DEFAULT_EXTERNALS = ['@aws-sdk/*'];

/** Whether these bundling options leave the AWS SDK v3 out of the bundle. */
export function sdkIsExternal(bundling: BundlingOptions = {}): boolean {
  const externals = [...(bundling.externalModules ?? DEFAULT_EXTERNALS), ...(bundling.nodeModules ?? [])];
  return externals.some((name) => name === '@aws-sdk/*' || name === '@aws-sdk/' || name === '@aws-sdk');
}

/**
 * The smithy-client files declaring `Client` that bundling `userEntry` includes, absolute.
 * Empty when the SDK is external, or when the trial bundle fails (the real one then reports why).
 */
export function bundledSmithyClientFiles(userEntry: string, bundling: BundlingOptions = {}, workingDir: string = process.cwd()): string[] {
  if (sdkIsExternal(bundling)) return [];
  try {
    // esbuild is an optional peer, loaded here only: the construct says so itself when it is missing.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional at run time
    const { buildSync } = require('esbuild') as typeof esbuild;
    const { metafile } = buildSync({
      entryPoints: [userEntry],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      logLevel: 'silent',
      absWorkingDir: workingDir,
      format: bundling.format === OutputFormat.ESM ? 'esm' : 'cjs',
      mainFields: bundling.mainFields ?? ['module', 'main'],
      external: [...(bundling.externalModules ?? []), ...(bundling.nodeModules ?? [])],
      ...(bundling.tsconfig && { tsconfig: bundling.tsconfig }),
      ...(bundling.loader && { loader: bundling.loader as Record<string, Loader> }),
      ...(bundling.define && { define: bundling.define }),
    });
    return Object.keys(metafile?.inputs ?? {})
      .map((input) => path.resolve(workingDir, input))
      .filter((file) => SMITHY_CLIENT_FILE.test(file) && hasClientDeclaration(readFileSync(file, 'utf8')));
  } catch {
    return [];
  }
}

/** The generated entry's lines importing each file's `Client` and registering it, for `writeWrapperEntry`. */
export function clientRegistrationLines(files: readonly string[], importSpecifier: (file: string) => string): string[] {
  return files.flatMap((file, i) => [
    `import { Client as __ddAwsSdkClient${i} } from ${JSON.stringify(importSpecifier(file))};`,
    `(globalThis[Symbol.for(${JSON.stringify(CLIENT_REGISTRY_SYMBOL)})] ??= []).push(__ddAwsSdkClient${i});`,
  ]);
}
