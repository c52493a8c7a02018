import { wrapHandler, type WrapHandlerOptions } from '../../../runtime';
import { createTracerProvider } from '../../../runtime/tracing/tracer-provider';
import { ExtensionEmulator } from '../../../runtime/testing';
import { lambdaContext } from '../../helpers/lambda-context';

type Callback = (error?: unknown, result?: unknown) => void;

/** The Node.js 24 runtime's rule (aws-lambda-ric 4.x `errorOnDeprecatedCallback`): arity 3 or more, not streaming. */
const rejectedByNode24 = (handler: { length: number }) => handler.length >= 3;

describe('callback-style handlers (Node.js 24 refuses them; the wrapper keeps them working)', () => {
  let extension: ExtensionEmulator;
  let options: WrapHandlerOptions;

  beforeAll(async () => {
    extension = await ExtensionEmulator.start();
    options = { ...extension.config(), service: 'orders' };
    createTracerProvider({ config: options });
  });
  beforeEach(() => extension.reset());
  afterAll(() => extension.close());

  it('is presented to the runtime as (event, context), so Node.js 24 accepts it', () => {
    const userHandler = (_event: unknown, _context: unknown, callback: Callback) => callback(null, 1);
    expect(rejectedByNode24(userHandler)).toBe(true);

    const handler = wrapHandler(userHandler, options);

    expect(handler.length).toBe(2);
    expect(rejectedByNode24(handler)).toBe(false);
  });

  it('Node.js 24 (no runtime callback): resolves with what the handler called back, with this and the context kept', async () => {
    // GIVEN a callback handler that answers later and reads `this` and its context
    const seen: unknown[] = [];
    const handler = wrapHandler(function (this: { tag: string }, event: { x: number }, context: unknown, callback: Callback) {
      seen.push(this, context);
      setTimeout(() => callback(null, { doubled: event.x * 2, tag: this.tag }), 1);
    }, options);
    const self = { tag: 'bound' };
    const context = lambdaContext();

    // WHEN the runtime calls it as Node.js 24 does: two arguments, awaiting the promise
    const result = await handler.call(self, { x: 21 }, context);

    // THEN the result is the called-back one, and end-invocation carried it before the promise settled
    expect(result).toEqual({ doubled: 42, tag: 'bound' });
    expect(seen[0]).toBe(self);
    expect(seen[1]).toBe(context);
    expect(extension.ends).toHaveLength(1);
    expect(extension.ends[0]!.result).toEqual({ doubled: 42, tag: 'bound' });
  });

  it('Node.js 24: an error passed to the callback rejects with that very object and is reported to the extension', async () => {
    const failure = Object.assign(new RangeError('no such order'), { code: 'E_ORDER' });
    const handler = wrapHandler((_event: unknown, _context: unknown, callback: Callback) => setImmediate(() => callback(failure)), options);

    await expect(handler({}, lambdaContext())).rejects.toBe(failure);

    const end = extension.ends[0]!;
    expect(end.headers['x-datadog-invocation-error']).toBe('true');
    expect(Buffer.from(String(end.headers['x-datadog-invocation-error-type']), 'base64').toString()).toBe('RangeError');
  });

  it('Node.js 24: a synchronous throw rejects with the thrown object', async () => {
    const failure = new TypeError('bad event');
    const handler = wrapHandler((_event: unknown, _context: unknown, _callback: Callback) => {
      throw failure;
    }, options);

    await expect(handler({}, lambdaContext())).rejects.toBe(failure);
    expect(extension.ends).toHaveLength(1);
  });

  it('the first outcome wins: a second callback, or a later promise, is ignored', async () => {
    const handler = wrapHandler((_event: unknown, _context: unknown, callback: Callback) => {
      callback(null, 'first');
      callback(new Error('second'));
      return Promise.resolve('third');
    }, options);

    await expect(handler({}, lambdaContext())).resolves.toBe('first');
    expect(extension.ends).toHaveLength(1);
  });

  it('an async handler declared with a third parameter is accepted too, and its promise counts', async () => {
    // Node.js 24 refuses this one as well (it only looks at the arity).
    const handler = wrapHandler(async (event: { x: number }, _context: unknown, _unused: unknown) => event.x + 1, options);

    expect(handler.length).toBe(2);
    await expect(handler({ x: 1 }, lambdaContext())).resolves.toBe(2);
  });

  it('Node.js 20/22 (runtime passes its callback): answers through it after end-invocation, returning nothing', async () => {
    // GIVEN the runtime's callback, which is what honours callbackWaitsForEmptyEventLoop there
    const handler = wrapHandler((event: { x: number }, _context: unknown, callback: Callback) => {
      setTimeout(() => callback(null, event.x * 2), 1);
    }, options);
    let endsWhenCalledBack = -1;
    const calledBack = new Promise<unknown[]>((resolve) => {
      const runtimeCallback = (...args: unknown[]) => {
        endsWhenCalledBack = extension.ends.length;
        resolve(args);
      };
      // WHEN the runtime calls it as Node.js 20/22 do: three arguments
      const returned = (handler as unknown as (...args: unknown[]) => unknown)({ x: 4 }, lambdaContext(), runtimeCallback);
      // THEN nothing is returned (a promise would make the runtime answer without waiting)
      expect(returned).toBeUndefined();
    });

    // AND the runtime's callback gets (null, result) once end-invocation is done
    await expect(calledBack).resolves.toEqual([null, 8]);
    expect(endsWhenCalledBack).toBe(1);
  });

  it('Node.js 20/22: the user error goes to the runtime callback as the same object', async () => {
    const failure = new Error('boom');
    const handler = wrapHandler((_event: unknown, _context: unknown, callback: Callback) => callback(failure), options);

    const args = await new Promise<unknown[]>((resolve) => {
      (handler as unknown as (...a: unknown[]) => unknown)({}, lambdaContext(), (...a: unknown[]) => resolve(a));
    });

    expect(args).toHaveLength(1);
    expect(args[0]).toBe(failure);
  });

  it('Node.js 20/22: a promise rejected with nothing still fails the invocation', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const handler = wrapHandler((_event: unknown, _context: unknown, _callback: Callback) => Promise.reject(undefined), options);

    const args = await new Promise<unknown[]>((resolve) => {
      (handler as unknown as (...a: unknown[]) => unknown)({}, lambdaContext(), (...a: unknown[]) => resolve(a));
    });

    expect(args[0]).toBeInstanceOf(Error);
  });

  it('leaves streaming handlers alone: three parameters and the marker stay', () => {
    const marker = Symbol.for('aws.lambda.runtime.handler.streaming');
    const streaming = Object.assign(async (_event: unknown, _stream: unknown, _context: unknown) => undefined, { [marker]: 'response' });

    const handler = wrapHandler(streaming, options);

    expect(handler.length).toBe(3);
    expect((handler as unknown as Record<symbol, unknown>)[marker]).toBe('response');
  });
});
