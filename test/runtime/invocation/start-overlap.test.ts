import { trace } from '@opentelemetry/api';
import { wrapHandler, type WrapHandlerOptions } from '../../../runtime';
import * as client from '../../../runtime/extension/client';
import * as providers from '../../../runtime/tracing/tracer-provider';
import { ExtensionEmulator } from '../../../runtime/testing';
import { lambdaContext } from '../../helpers/lambda-context';

// Call-through wrappers, so the order of the two steps can be watched and one step made to fail.
jest.mock('../../../runtime/extension/client', () => {
  const actual = jest.requireActual<typeof client>('../../../runtime/extension/client');
  return { ...actual, startInvocation: jest.fn(actual.startInvocation) };
});
jest.mock('../../../runtime/tracing/tracer-provider', () => {
  const actual = jest.requireActual<typeof providers>('../../../runtime/tracing/tracer-provider');
  return { ...actual, ensureTracerProvider: jest.fn(actual.ensureTracerProvider) };
});

const startInvocation = jest.mocked(client.startInvocation);
const ensureTracerProvider = jest.mocked(providers.ensureTracerProvider);

describe('start-invocation overlaps the tracer provider setup (design A)', () => {
  let extension: ExtensionEmulator;
  let options: WrapHandlerOptions;

  beforeEach(async () => {
    trace.disable();
    extension = await ExtensionEmulator.start();
    options = { ...extension.config() };
    startInvocation.mockClear();
    ensureTracerProvider.mockClear();
  });
  afterEach(() => extension.close());

  it('writes start-invocation before it makes the tracer provider ready', async () => {
    // GIVEN no provider yet, as on the first invocation of a sandbox
    const handler = wrapHandler(async () => {
      trace.getTracer('overlap-test').startSpan('work').end();
      return 'result';
    }, options);

    // WHEN invoked
    const result = await handler({}, lambdaContext());

    // THEN the request went out first, and the invocation is still traced in full
    expect(result).toBe('result');
    expect(startInvocation.mock.invocationCallOrder[0]).toBeLessThan(ensureTracerProvider.mock.invocationCallOrder[0]);
    expect(extension.ends).toHaveLength(1);
    expect(extension.spans().map((span) => span.name)).toContain('aws.lambda');
    expect(extension.spans().map((span) => span.resource)).toContain('work');
  });

  it('keeps the extension lifecycle when the tracer provider cannot be built', async () => {
    // GIVEN building the provider fails
    ensureTracerProvider.mockImplementationOnce(() => {
      throw new Error('provider bug');
    });
    const handler = wrapHandler(async () => 'result', options);

    // WHEN invoked
    const result = await handler({}, lambdaContext());

    // THEN the result is untouched, and start-invocation, already sent, is matched by an end
    expect(result).toBe('result');
    expect(extension.starts).toHaveLength(1);
    expect(extension.ends).toHaveLength(1);
  });
});
