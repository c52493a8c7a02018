/**
 * Process-wide state shared by every copy of this library in a bundle.
 *
 * A Lambda bundle can end up with two copies of the runtime (the construct's wrapper and a
 * user import resolved to another version). Keying the state by `Symbol.for` makes both
 * copies agree on one tracer provider, one config and one metrics socket.
 */
const STATE_KEY = Symbol.for('datadog-lambda-ts.state');

export interface GlobalState {
  /** Arbitrary named slots; each module owns its own key. */
  readonly slots: Map<string, unknown>;
}

type GlobalWithState = typeof globalThis & { [STATE_KEY]?: GlobalState };

export function globalState(): GlobalState {
  const holder = globalThis as GlobalWithState;
  return (holder[STATE_KEY] ??= { slots: new Map() });
}

/** Returns the slot's value, creating it with `init` on first use. */
export function globalSlot<T>(name: string, init: () => T): T {
  const { slots } = globalState();
  if (!slots.has(name)) slots.set(name, init());
  return slots.get(name) as T;
}

export function setGlobalSlot<T>(name: string, value: T): void {
  globalState().slots.set(name, value);
}

export function getGlobalSlot<T>(name: string): T | undefined {
  return globalState().slots.get(name) as T | undefined;
}
