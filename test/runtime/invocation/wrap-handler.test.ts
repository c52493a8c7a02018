import type * as Net from 'node:net';
import { context as otelContext, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { wrapHandler, type WrapHandlerOptions } from '../../../runtime';
import { createTracerProvider } from '../../../runtime/tracing/tracer-provider';
import { ExtensionEmulator, flushTraces, type DecodedSpan } from '../../../runtime/testing';
import { httpApiEvent, sqsEventWithDatadogContext } from '../../helpers/events';
import { lambdaContext } from '../../helpers/lambda-context';

const tracer = () => trace.getTracer('wrap-handler-test');

/** A handler that does some traced work, like a user's would. */
async function withChildSpans(event: unknown): Promise<{ statusCode: number; echo: unknown }> {
  await tracer().startActiveSpan('load-order', async (span) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    tracer().startSpan('cache.get').end();
    span.end();
  });
  return { statusCode: 200, echo: event };
}

const header = (headers: Record<string, unknown>, name: string) => headers[name] as string | undefined;
const decode64 = (value: string | undefined) => Buffer.from(value ?? '', 'base64').toString('utf8');

describe('wrapHandler against the extension emulator', () => {
  let extension: ExtensionEmulator;
  let options: WrapHandlerOptions;

  beforeAll(async () => {
    extension = await ExtensionEmulator.start({ service: 'orders' });
    options = { ...extension.config(), service: 'orders', env: 'test' };
    // One provider per process, pointed at this emulator's trace intake.
    createTracerProvider({ config: options });
  });
  beforeEach(() => extension.reset());
  afterAll(() => extension.close());

  /** Every span of one trace hangs under S (the extension's aws.lambda) with the extension's trace id. */
  function expectOneTraceUnderS(spans: DecodedSpan[], traceIdLow: bigint): DecodedSpan {
    const lambda = spans.find((span) => span.name === 'aws.lambda')!;
    expect(lambda).toBeDefined();
    expect(new Set(spans.map((span) => span.trace_id))).toEqual(new Set([traceIdLow]));
    const ids = new Set(spans.map((span) => span.span_id));
    const ownSpans = spans.filter((span) => span !== lambda);
    expect(ownSpans.length).toBeGreaterThan(0);
    for (const span of ownSpans) expect(ids.has(span.parent_id)).toBe(true);
    const topLevel = ownSpans.filter((span) => span.parent_id === lambda.span_id);
    expect(topLevel.map((span) => span.resource)).toEqual(['load-order']);
    return lambda;
  }

  it('traces a plain event: start, handler under S, end-invocation answered and the trace request written before it resolves', async () => {
    // GIVEN a wrapped handler and a plain event
    const handler = wrapHandler(withChildSpans, options);
    const ctx = lambdaContext();

    // WHEN it is invoked
    const result = await handler({ orderId: '42' }, ctx);

    // THEN the result is untouched and both lifecycle calls were answered before the promise resolved
    expect(result).toEqual({ statusCode: 200, echo: { orderId: '42' } });
    expect(extension.starts).toHaveLength(1);
    expect(extension.ends).toHaveLength(1);
    // The trace request was written, not awaited: it arrives once the emulator reads it.
    await flushTraces();
    expect(extension.traceRequests).toHaveLength(1);
    const start = extension.starts[0]!;
    expect(header(start.headers, 'lambda-runtime-aws-request-id')).toBe(ctx.awsRequestId);
    expect(header(start.headers, 'content-type')).toBe('application/json');
    expect(start.event).toEqual({ orderId: '42' });

    const end = extension.ends[0]!;
    expect(header(end.headers, 'lambda-runtime-aws-request-id')).toBe(ctx.awsRequestId);
    expect(end.result).toEqual(result);
    // No upstream context: the trace id is ours, 128-bit, announced with _dd.p.tid.
    const traceIdDecimal = header(end.headers, 'x-datadog-trace-id')!;
    expect(traceIdDecimal).toMatch(/^\d+$/);
    expect(header(end.headers, 'x-datadog-tags')).toMatch(/^_dd\.p\.tid=[0-9a-f]{8}00000000,_dd\.p\.dm=-0$/);
    expect(header(end.headers, 'x-datadog-sampling-priority')).toBe('1');
    expect(header(end.headers, 'x-datadog-span-id')).toMatch(/^\d+$/);
    expect(end.headers['x-datadog-parent-id']).toBeUndefined();
    expect(end.headers['x-datadog-invocation-error']).toBeUndefined();

    const lambda = expectOneTraceUnderS(extension.spans(), BigInt(traceIdDecimal));
    expect(lambda.span_id).toBe(BigInt(header(end.headers, 'x-datadog-span-id')!));
  });

  it('continues the upstream trace of an SQS event carrying a _datadog attribute', async () => {
    const handler = wrapHandler(withChildSpans, options);
    const event = sqsEventWithDatadogContext({
      'x-datadog-trace-id': '1429857782600429890',
      'x-datadog-parent-id': '5465827642083646742',
      'x-datadog-sampling-priority': '2',
      'x-datadog-tags': '_dd.p.tid=66bcb5eb00000000,_dd.p.dm=-4',
    });

    await handler(event, lambdaContext());
    await flushTraces();

    const spans = extension.spans();
    const lambda = expectOneTraceUnderS(spans, 1429857782600429890n);
    expect(lambda.parent_id).toBe(5465827642083646742n);
    const end = extension.ends[0]!;
    expect(header(end.headers, 'x-datadog-trace-id')).toBe('1429857782600429890');
    expect(header(end.headers, 'x-datadog-sampling-priority')).toBe('2');
    // The extension found the context itself and ignores these; they repeat the upstream trace's.
    expect(end.headers['x-datadog-tags']).toBe('_dd.p.tid=66bcb5eb00000000,_dd.p.dm=-4');
    const own = extension.receivedSpans();
    expect(own.every((span) => span.metrics._sampling_priority_v1 === 2)).toBe(true);
    expect(own[0]!.meta['_dd.p.tid']).toBe('66bcb5eb00000000');
  });

  it('continues a W3C traceparent from an API Gateway v2 event', async () => {
    const handler = wrapHandler(withChildSpans, options);
    const event = httpApiEvent({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });

    await handler(event, lambdaContext());
    await flushTraces();

    const lambda = expectOneTraceUnderS(extension.spans(), BigInt('0x8448eb211c80319c'));
    expect(lambda.parent_id).toBe(BigInt('0xb7ad6b7169203331'));
    // Chunk tags ride on the first span of each chunk.
    for (const chunk of extension.traceRequests.flatMap((request) => request.traces)) {
      expect(chunk[0]!.meta['_dd.p.tid']).toBe('0af7651916cd43dd');
    }
  });

  it('reports a throwing handler with base64 error headers and rethrows the same error object', async () => {
    const failure = new TypeError('order 42 is not “valid”\nsecond line');
    const handler = wrapHandler(async () => {
      tracer().startSpan('before-failure').end();
      throw failure;
    }, options);

    await expect(handler({}, lambdaContext())).rejects.toBe(failure);
    await flushTraces();

    const end = extension.ends[0]!;
    expect(header(end.headers, 'x-datadog-invocation-error')).toBe('true');
    expect(decode64(header(end.headers, 'x-datadog-invocation-error-msg'))).toBe('order 42 is not “valid”\nsecond line');
    expect(decode64(header(end.headers, 'x-datadog-invocation-error-type'))).toBe('TypeError');
    expect(decode64(header(end.headers, 'x-datadog-invocation-error-stack'))).toContain('TypeError: order 42');
    expect(end.result).toEqual({});
    const lambda = extension.lambdaSpans[0]!;
    expect(lambda.error).toBe(1);
    expect(extension.receivedSpans().map((s) => s.resource)).toEqual(['before-failure']);
  });

  it('keeps ten concurrent invocations apart: own S, own trace, own headers, no crossed spans', async () => {
    const handler = wrapHandler(async (event: { n: number }) => {
      await tracer().startActiveSpan(`work-${event.n}`, async (span) => {
        // Interleave: every invocation is in flight at once.
        await new Promise((resolve) => setTimeout(resolve, 10 - event.n));
        tracer().startSpan(`inner-${event.n}`).end();
        span.end();
      });
      return { n: event.n };
    }, options);
    const contexts = Array.from({ length: 10 }, () => lambdaContext());

    const results = await Promise.all(contexts.map((ctx, n) => handler({ n }, ctx)));
    await flushTraces();

    expect(results).toEqual(Array.from({ length: 10 }, (_, n) => ({ n })));
    expect(extension.ends).toHaveLength(10);
    const spans = extension.spans();
    const spanIds = new Set<string>();
    for (const [n, ctx] of contexts.entries()) {
      const end = extension.ends.find((e) => header(e.headers, 'lambda-runtime-aws-request-id') === ctx.awsRequestId)!;
      const traceId = BigInt(header(end.headers, 'x-datadog-trace-id')!);
      const s = BigInt(header(end.headers, 'x-datadog-span-id')!);
      spanIds.add(String(s));
      const work = spans.find((span) => span.resource === `work-${n}`)!;
      const inner = spans.find((span) => span.resource === `inner-${n}`)!;
      expect(work.trace_id).toBe(traceId);
      expect(work.parent_id).toBe(s);
      expect(inner.trace_id).toBe(traceId);
      expect(inner.parent_id).toBe(work.span_id);
    }
    expect(spanIds.size).toBe(10);
    expect(new Set(extension.lambdaSpans.map((span) => span.trace_id)).size).toBe(10);
  });

  it('sends a safe end-invocation body for results JSON cannot encode', async () => {
    const circular: Record<string, unknown> = { statusCode: 502 };
    circular.self = circular;
    const handler = wrapHandler(async () => circular, options);

    const result = await handler({}, lambdaContext());
    await flushTraces();

    expect(result).toBe(circular);
    expect(extension.ends[0]!.result).toEqual({ statusCode: 502 });
    const bigint = wrapHandler(async () => ({ value: 10n }), options);
    await expect(bigint({}, lambdaContext())).resolves.toEqual({ value: 10n });
    expect(extension.ends[1]!.result).toEqual({});
  });

  it('trims a result over the 6 MiB extension limit to its status code', async () => {
    const handler = wrapHandler(async () => ({ statusCode: 200, body: 'x'.repeat(7 * 1024 * 1024) }), options);

    await handler({}, lambdaContext());
    await flushTraces();

    expect(extension.ends[0]!.body.length).toBeLessThan(100);
    expect(extension.ends[0]!.result).toEqual({ statusCode: 200 });
  });

  it('keeps this, arity and the streaming marker, and streams through untouched', async () => {
    const streamingMarker = Symbol.for('aws.lambda.runtime.handler.streaming');
    const written: string[] = [];
    const userHandler = Object.assign(
      async function (this: { prefix: string }, _event: unknown, responseStream: { write(s: string): void; end(): void }) {
        responseStream.write(`${this.prefix}-chunk`);
        responseStream.end();
      },
      { [streamingMarker]: 'response' },
    );
    const handler = wrapHandler(userHandler, options);

    expect((handler as unknown as Record<symbol, unknown>)[streamingMarker]).toBe('response');
    expect(handler.length).toBe(userHandler.length);
    await handler.call({ prefix: 'p' }, {}, { write: (s: string) => written.push(s), end: () => written.push('<end>') }, lambdaContext() as never);
    await flushTraces();

    expect(written).toEqual(['p-chunk', '<end>']);
    expect(extension.ends).toHaveLength(1);
  });

  it('supports callback-style handlers', async () => {
    const handler = wrapHandler((event: { x: number }, _ctx: unknown, callback: (error: unknown, result?: unknown) => void) => {
      setTimeout(() => callback(null, { doubled: event.x * 2 }), 1);
    }, options);

    await expect(handler({ x: 21 }, lambdaContext())).resolves.toEqual({ doubled: 42 });
    expect(extension.ends[0]!.result).toEqual({ doubled: 42 });
  });

  it('is harmless when wrapped twice: one start, one end', async () => {
    const handler = wrapHandler(wrapHandler(withChildSpans, options), options);

    await handler({}, lambdaContext());
    await flushTraces();

    expect(extension.starts).toHaveLength(1);
    expect(extension.ends).toHaveLength(1);
  });

  it('makes no call at all when DD_TRACE_ENABLED is false', async () => {
    const handler = wrapHandler(withChildSpans, { ...options, traceEnabled: false });

    await expect(handler({ a: 1 }, lambdaContext())).resolves.toEqual({ statusCode: 200, echo: { a: 1 } });
    await flushTraces();

    expect(extension.starts).toHaveLength(0);
    expect(extension.ends).toHaveLength(0);
  });

  it('opens its connections to the extension with tracing suppressed, so net instrumentations skip them', async () => {
    // OTel's and Datadog's net instrumentations trace a socket's connect (isTracingSuppressed is
    // checked then); writes to an open socket they do not see.
    const suppressedAtConnect: string[] = [];
    const net = (process as unknown as { getBuiltinModule(id: string): typeof Net }).getBuiltinModule('node:net');
    const realConnect = net.Socket.prototype.connect;
    const spy = jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: Net.Socket, ...args: unknown[]) {
      const options = args[0] as { port?: number };
      suppressedAtConnect.push(`${options.port}:${isTracingSuppressed(otelContext.active())}`);
      return (realConnect as (...a: unknown[]) => Net.Socket).apply(this, args);
    });
    // A fresh extension: no pooled connection to it yet.
    const fresh = await ExtensionEmulator.start();
    try {
      await wrapHandler(withChildSpans, { ...options, ...fresh.config() })({}, lambdaContext());
    } finally {
      spy.mockRestore();
      await fresh.close();
    }
    expect(fresh.ends).toHaveLength(1);
    expect(suppressedAtConnect.length).toBeGreaterThan(0);
    expect(suppressedAtConnect.every((entry) => entry.endsWith(':true'))).toBe(true);
  });

  it('leaves no active context behind after the invocation', async () => {
    const handler = wrapHandler(withChildSpans, options);
    await handler({}, lambdaContext());
    await flushTraces();
    expect(trace.getSpanContext(otelContext.active())).toBeUndefined();
  });
});

describe('throws at wrap time for a programmer error', () => {
  it.each([undefined, null, 'handler', 42, {}])('throws a TypeError for %p', (value) => {
    expect(() => wrapHandler(value as never)).toThrow(TypeError);
    expect(() => wrapHandler(value as never)).toThrow(/expected the handler function/);
  });
});
