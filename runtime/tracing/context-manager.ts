import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';
import type * as AsyncHooks from 'node:async_hooks';
import { builtin } from '../builtins';

/**
 * The OTel context manager on Node's AsyncLocalStorage: the active context follows
 * `await`s and callbacks, so concurrent invocations in one process each see their own.
 *
 * What `@opentelemetry/context-async-hooks`' AsyncLocalStorageContextManager does for
 * `active`/`with`/`bind` on functions. That package ships CommonJS only, so its two other
 * managers and the EventEmitter patching come along untree-shaken (~4 KB of a 100 KB
 * Lambda bundle budget). EventEmitters passed to `bind` are returned unchanged here.
 */
export class LambdaContextManager implements ContextManager {
  readonly #storage: AsyncHooks.AsyncLocalStorage<Context> = new (builtin<typeof AsyncHooks>('node:async_hooks').AsyncLocalStorage)();

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const callback = thisArg === undefined || thisArg === null ? fn : (fn.bind(thisArg) as F);
    return this.#storage.run(context, callback, ...args);
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const storage = this.#storage;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    const bound = function (this: unknown, ...args: unknown[]) {
      return storage.run(context, () => fn.apply(this, args));
    };
    Object.defineProperty(bound, 'length', { value: fn.length });
    return bound as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.#storage.disable();
    return this;
  }
}
