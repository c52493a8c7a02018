import { builtin } from '../../builtins';
import type { ClientClass } from './client-registry';

/**
 * Finds the smithy `Client` classes Node loads from `node_modules` (the SDK external to the
 * bundle, e.g. the Lambda runtime's own copy): those already in the require cache (the
 * handler module is loaded before `wrapHandler` runs) and, through a hook on
 * `Module._load`, those loaded later (a lazy `require` or `import()` in the handler). Every
 * copy counts: each client package may resolve its own smithy-client.
 *
 * Nothing is resolved or loaded here: a function that never uses the SDK pays nothing.
 */

/** Module files that may define the smithy `Client`: `@smithy/smithy-client`, `@aws-sdk/smithy-client` (old), `@smithy/core/client`. */
const SMITHY_FILE = /[\\/]node_modules[\\/]@(?:smithy[\\/](?:smithy-client|core)|aws-sdk[\\/]smithy-client)[\\/]/;
/** The same, as `require` specifiers. */
const SMITHY_REQUEST = /^@(?:smithy\/(?:smithy-client|core\/client|core)|aws-sdk\/smithy-client)$/;

type Load = (this: unknown, request: string, parent: unknown, isMain: boolean) => unknown;

interface ModuleInternals {
  _cache: Record<string, { exports?: unknown } | undefined>;
  _load: Load;
}

/** The exported `Client` class when `exports` looks like a smithy client module. */
export function smithyClientOf(exports: unknown): ClientClass | undefined {
  const client = (exports as { Client?: unknown } | null | undefined)?.Client;
  if (typeof client !== 'function') return undefined;
  const prototype = client.prototype as Record<string, unknown> | undefined;
  return typeof prototype?.send === 'function' && typeof prototype.destroy === 'function' ? (client as ClientClass) : undefined;
}

const HOOKED = Symbol.for('datadog-lambda-ts.aws-sdk.module-hook');

/** Reports every smithy `Client` loaded so far and from now on. */
export function hookModuleLoads(onClass: (client: ClientClass) => void): void {
  const Module = builtin<{ Module: ModuleInternals }>('node:module').Module;
  for (const [file, cached] of Object.entries(Module._cache)) {
    if (!SMITHY_FILE.test(file)) continue;
    const client = smithyClientOf(cached?.exports);
    if (client) onClass(client);
  }
  const holder = Module as unknown as Record<symbol, boolean>;
  if (holder[HOOKED]) return;
  holder[HOOKED] = true;
  const load = Module._load;
  Module._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
    const exports = load.call(this, request, parent, isMain);
    if (typeof request === 'string' && SMITHY_REQUEST.test(request)) {
      try {
        const client = smithyClientOf(exports);
        if (client) onClass(client);
      } catch {
        // Never fail a require.
      }
    }
    return exports;
  };
}
