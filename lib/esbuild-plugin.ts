import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * An esbuild plugin that makes an AWS SDK v3 bundled into the function visible to the
 * runtime's `aws-sdk` integration. Node's module loader never sees a bundled SDK, so neither
 * our loader hook nor dd-trace's can find its smithy `Client` class; this plugin appends one
 * statement to each smithy-client module file that declares `Client`, registering the class
 * in a process-wide list (`Symbol.for('datadog-lambda-ts.aws-sdk.clients')`) that the
 * integration patches when it is enabled, or as soon as the class registers if later.
 *
 * Every copy of smithy-client in the bundle registers (each is its own file). A file that does
 * not declare `Client` is left alone. The SDK's own behaviour does not change: the appended
 * code only reads the class.
 *
 * @example
 * import { build } from 'esbuild';
 * import { datadogAwsSdkPlugin } from 'datadog-lambda-ts/esbuild';
 *
 * await build({ entryPoints: ['src/handler.ts'], bundle: true, platform: 'node', plugins: [datadogAwsSdkPlugin()] });
 */
export function datadogAwsSdkPlugin(): Plugin {
  return {
    name: 'datadog-lambda-ts-aws-sdk',
    setup(build) {
      build.onLoad({ filter: SMITHY_CLIENT_FILE }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const contents = withClientRegistration(source);
        if (contents === undefined) return undefined;
        return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/** The key of the runtime's class registry (`runtime/integrations/aws-sdk/client-registry.ts`). */
export const CLIENT_REGISTRY_SYMBOL = 'datadog-lambda-ts.aws-sdk.clients';

/**
 * Files of the packages that define the smithy `Client`: `@smithy/smithy-client`,
 * `@smithy/core` (its `client` submodule, SDK ≥ 3.1046) and the old `@aws-sdk/smithy-client`.
 * Written for esbuild's Go regular expressions.
 */
export const SMITHY_CLIENT_FILE = /[\\/]node_modules[\\/]@(smithy[\\/](smithy-client|core)|aws-sdk[\\/]smithy-client)[\\/].*\.(js|mjs|cjs)$/;

/** A top-level `Client` binding: `export class Client` (dist-es), `class Client` or `var Client =` (dist-cjs). */
const CLIENT_DECLARATION = /^(?:export )?class Client\b|^(?:var|let|const) Client\s*=/m;

/** Whether a module's source declares the smithy `Client` at its top level. */
export function hasClientDeclaration(source: string): boolean {
  return CLIENT_DECLARATION.test(source);
}

/** `source` with the registration appended, or undefined when it declares no `Client`. */
export function withClientRegistration(source: string): string | undefined {
  if (!hasClientDeclaration(source)) return undefined;
  return `${source}\n;(globalThis[Symbol.for(${JSON.stringify(CLIENT_REGISTRY_SYMBOL)})] ??= []).push(Client);\n`;
}
