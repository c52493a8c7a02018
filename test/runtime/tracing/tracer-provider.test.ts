import { context, trace } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { resolveConfig } from '../../../runtime/config';
import { createTracerProvider, ensureTracerProvider, getTracerProvider, setTracerProvider } from '../../../runtime/tracing/tracer-provider';
import { globalState } from '../../../runtime/global-state';

describe('tracer provider registry', () => {
  beforeEach(() => {
    trace.disable();
    context.disable();
    globalState().slots.delete('tracer-provider');
  });

  it('creates the default provider once and registers it globally with an async context manager', async () => {
    const flush = ensureTracerProvider(resolveConfig({ traceExporter: 'none' }, {}));
    const provider = getTracerProvider();
    expect(provider).toBeInstanceOf(TracerProvider);
    expect(ensureTracerProvider(resolveConfig({}, {}))).toBe(flush);

    // Spans started through the global API reach our provider, and context survives an await.
    const tracer = trace.getTracer('t');
    await tracer.startActiveSpan('outer', async (outer) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(trace.getActiveSpan()).toBe(outer);
      outer.end();
    });
    await expect(flush(1000)).resolves.toBeUndefined();
  });

  it('adopts a provider the application registered through the OTel API instead of creating another', () => {
    const theirs = new TracerProvider();
    trace.setGlobalTracerProvider(theirs);
    const forceFlush = jest.spyOn(theirs, 'forceFlush');

    const flush = ensureTracerProvider(resolveConfig({}, {}));

    expect(getTracerProvider()).toBe(theirs);
    void flush(1000);
    expect(forceFlush).toHaveBeenCalled();
  });

  it('lets setTracerProvider replace the registered provider; the last call wins', () => {
    createTracerProvider({ config: { traceExporter: 'none' }, registerGlobal: false });
    const mine = { getTracer: () => trace.getTracer('x'), forceFlush: jest.fn(() => Promise.resolve()) };
    setTracerProvider(mine);
    expect(getTracerProvider()).toBe(mine);
  });

  it.each([undefined, null, {}, { forceFlush: 'no' }])('throws a TypeError for %p', (value) => {
    expect(() => setTracerProvider(value as never)).toThrow(/forceFlush/);
  });

  it('shares one registry between two copies of the library (Symbol.for keyed)', () => {
    createTracerProvider({ config: { traceExporter: 'none' }, registerGlobal: false });
    const key = Symbol.for('datadog-lambda-ts.state');
    const state = (globalThis as unknown as Record<symbol, { slots: Map<string, unknown> }>)[key];
    expect(state?.slots.get('tracer-provider')).toBeDefined();
  });
});
