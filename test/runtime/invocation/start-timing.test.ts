import { trace } from '@opentelemetry/api';
import { wrapHandler, type WrapHandlerOptions } from '../../../runtime';
import * as client from '../../../runtime/extension/client';
import * as providers from '../../../runtime/tracing/tracer-provider';
import { ExtensionEmulator } from '../../../runtime/testing';
import { lambdaContext } from '../../helpers/lambda-context';

// Call-through wrappers, so which lifecycle calls go out, and when, can be watched.
jest.mock('../../../runtime/extension/client', () => {
  const actual = jest.requireActual<typeof client>('../../../runtime/extension/client');
  return {
    ...actual,
    startInvocation: jest.fn(actual.startInvocation),
    endInvocation: jest.fn(actual.endInvocation),
    startAndEndInvocation: jest.fn(actual.startAndEndInvocation),
  };
});
jest.mock('../../../runtime/tracing/tracer-provider', () => {
  const actual = jest.requireActual<typeof providers>('../../../runtime/tracing/tracer-provider');
  return { ...actual, ensureTracerProvider: jest.fn(actual.ensureTracerProvider) };
});

const startInvocation = jest.mocked(client.startInvocation);
const endInvocation = jest.mocked(client.endInvocation);
const startAndEndInvocation = jest.mocked(client.startAndEndInvocation);
const ensureTracerProvider = jest.mocked(providers.ensureTracerProvider);

/**
 * start-invocation goes out at the next turn of the event loop, or together with end-invocation
 * (one write, one connection) when the handler ends first.
 */
describe('when start-invocation is written', () => {
  let extension: ExtensionEmulator;
  let options: WrapHandlerOptions;

  beforeEach(async () => {
    trace.disable();
    extension = await ExtensionEmulator.start();
    options = { ...extension.config() };
    jest.clearAllMocks();
  });
  afterEach(() => extension.close());

  it('goes out together with end-invocation when the handler ends within a turn of the event loop', async () => {
    // GIVEN a handler that does no I/O
    const handler = wrapHandler(async () => {
      trace.getTracer('timing-test').startSpan('work').end();
      return 'result';
    }, options);

    // WHEN invoked
    const result = await handler({}, lambdaContext());

    // THEN start and end went out as one pipelined pair, and the invocation is traced in full
    expect(result).toBe('result');
    expect(startAndEndInvocation).toHaveBeenCalledTimes(1);
    expect(startInvocation).not.toHaveBeenCalled();
    expect(endInvocation).not.toHaveBeenCalled();
    expect(extension.received.filter((route) => route !== 'traces')).toEqual(['start-invocation', 'end-invocation']);
    expect(extension.spans().map((span) => span.name)).toContain('aws.lambda');
    expect(extension.spans().map((span) => span.resource)).toContain('work');
  });

  it('goes out at the first turn of the event loop when the handler waits on I/O, before the handler ends', async () => {
    // GIVEN a handler that waits on a timer
    let startsSentWhileWaiting = -1;
    const handler = wrapHandler(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      startsSentWhileWaiting = startInvocation.mock.calls.length;
      return 'result';
    }, options);

    // WHEN invoked
    await handler({}, lambdaContext());

    // THEN start was written while the handler waited, and end followed on its own
    expect(startsSentWhileWaiting).toBe(1);
    expect(startAndEndInvocation).not.toHaveBeenCalled();
    expect(endInvocation).toHaveBeenCalledTimes(1);
    expect(extension.starts).toHaveLength(1);
    expect(extension.ends).toHaveLength(1);
  });

  it('keeps the extension lifecycle when the tracer provider cannot be built', async () => {
    // GIVEN building the provider fails
    ensureTracerProvider.mockImplementationOnce(() => {
      throw new Error('provider bug');
    });
    const handler = wrapHandler(async () => 'result', options);

    // WHEN invoked
    const result = await handler({}, lambdaContext());

    // THEN the result is untouched, and start-invocation is matched by an end
    expect(result).toBe('result');
    expect(extension.starts).toHaveLength(1);
    expect(extension.ends).toHaveLength(1);
  });
});
