/**
 * The process-wide list of AWS SDK v3 (smithy) `Client` classes, keyed by `Symbol.for` so
 * every party agrees on it without importing anything: the code our esbuild plugin appends to
 * a bundled smithy-client module pushes its `Client` here, and so does the run-time loader
 * hook. The integration consumes what is already listed and every later push.
 */
export const CLIENT_REGISTRY_KEY = Symbol.for('datadog-lambda-ts.aws-sdk.clients');

/** A smithy `Client` class, as far as this library relies on it. */
export type ClientClass = abstract new (...args: never[]) => unknown;

type Holder = typeof globalThis & { [CLIENT_REGISTRY_KEY]?: ClientClass[] };

/** The registry, created empty on first use. */
export function clientRegistry(): ClientClass[] {
  return ((globalThis as Holder)[CLIENT_REGISTRY_KEY] ??= []);
}

/**
 * Calls `onClass` for every class listed now and for every class pushed later (the push
 * itself is replaced, so a bundle that registers after the integration is enabled is still
 * seen). `onClass` must not throw; it is guarded anyway.
 */
export function watchClientRegistry(onClass: (client: ClientClass) => void): void {
  const registry = clientRegistry();
  const safe = (client: unknown) => {
    try {
      if (typeof client === 'function') onClass(client as ClientClass);
    } catch {
      // A class we cannot patch stays untraced; the SDK still works.
    }
  };
  registry.forEach(safe);
  Object.defineProperty(registry, 'push', {
    configurable: true,
    writable: true,
    value: (...clients: ClientClass[]) => {
      clients.forEach(safe);
      return Array.prototype.push.apply(registry, clients);
    },
  });
}
