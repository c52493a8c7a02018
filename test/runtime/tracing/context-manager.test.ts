import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { LambdaContextManager } from '../../../runtime/tracing/context-manager';

const KEY = createContextKey('test-key');

describe('LambdaContextManager', () => {
  const manager = new LambdaContextManager().enable();
  afterAll(() => manager.disable());

  it('is the root context outside any with()', () => {
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('keeps the context across awaits and timers, separately for concurrent work', async () => {
    const seen = await Promise.all(
      ['a', 'b', 'c'].map((value, i) =>
        manager.with(ROOT_CONTEXT.setValue(KEY, value), async () => {
          await new Promise((resolve) => setTimeout(resolve, 5 - i));
          await Promise.resolve();
          return manager.active().getValue(KEY);
        }),
      ),
    );
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('passes thisArg and arguments through with()', () => {
    const result = manager.with(ROOT_CONTEXT, function (this: { base: number }, a: number, b: number) {
      return this.base + a + b;
    }, { base: 1 }, 2, 3);
    expect(result).toBe(6);
  });

  it('binds a function to a context, keeping this, arguments and arity', () => {
    const context = ROOT_CONTEXT.setValue(KEY, 'bound');
    const fn = function (this: { tag: string }, x: number, _y: number) {
      return `${this.tag}:${x}:${String(manager.active().getValue(KEY))}`;
    };
    const bound = manager.bind(context, fn);
    expect(bound.length).toBe(2);
    expect(bound.call({ tag: 't' }, 1, 2)).toBe('t:1:bound');
  });

  it('returns non-functions unchanged from bind()', () => {
    const emitter = { on: () => undefined };
    expect(manager.bind(ROOT_CONTEXT, emitter)).toBe(emitter);
  });
});
