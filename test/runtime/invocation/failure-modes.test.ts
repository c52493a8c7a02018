import { context as otelContext, trace } from '@opentelemetry/api';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTracerProvider, wrapHandler, type WrapHandlerOptions } from '../../../runtime';
import { createTracerProvider } from '../../../runtime/tracing/tracer-provider';
import { ExtensionEmulator, flushTraces } from '../../../runtime/testing';
import { lambdaContext } from '../../helpers/lambda-context';

const tracer = () => trace.getTracer('failure-test');

async function tracedWork(): Promise<{ statusCode: number }> {
  tracer().startSpan('work').end();
  return { statusCode: 200 };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = process.hrtime.bigint();
  const value = await fn();
  return { value, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** A port nothing listens on: bind, note the port, close. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('failure behaviour', () => {
  let extension: ExtensionEmulator;
  let options: WrapHandlerOptions;
  let stdout: jest.SpyInstance;

  beforeEach(async () => {
    // A fresh emulator (fresh URLs, so no back-off state carries over) and a fresh provider.
    trace.disable();
    otelContext.disable();
    extension = await ExtensionEmulator.start();
    options = { ...extension.config(), extensionTimeoutMs: 40, flushTimeoutMs: 200 };
    createTracerProvider({ config: options });
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(async () => {
    stdout.mockRestore();
    await extension.close();
  });

  /** Makes the endpoints warm (one successful invocation), as after the first invocation of a sandbox. */
  async function warmUp(handler: (event: unknown, ctx: unknown) => Promise<unknown>): Promise<void> {
    await handler({}, lambdaContext());
    extension.reset();
  }

  describe('without /opt/extensions/datadog-agent', () => {
    it('makes no call to the lifecycle API and still gives spans a valid trace of their own', async () => {
      const seen: string[] = [];
      const handler = wrapHandler(async () => {
        const span = tracer().startSpan('work');
        seen.push(span.spanContext().traceId, span.spanContext().spanId);
        span.end();
        return 'ok';
      }, { ...options, extensionPath: '/nonexistent/datadog-agent' });

      await expect(handler({}, lambdaContext())).resolves.toBe('ok');

      expect(extension.received.filter((route) => route !== 'traces')).toEqual([]);
      expect(seen[0]).toMatch(/^[0-9a-f]{8}00000000[0-9a-f]{16}$/);
      expect(seen[1]).toMatch(/^[0-9a-f]{16}$/);
    });

    it('drops spans quietly by default (exporter auto)', async () => {
      trace.disable();
      createTracerProvider({ config: { extensionPath: '/nonexistent/datadog-agent', traceAgentUrl: extension.traceUrl } });
      const handler = wrapHandler(tracedWork, { extensionPath: '/nonexistent/datadog-agent' });

      await handler({}, lambdaContext());

      expect(extension.received).toEqual([]);
      expect(stdout).not.toHaveBeenCalled();
    });

    it('writes the Forwarder format to stdout when asked (exporter log)', async () => {
      trace.disable();
      createTracerProvider({ config: { extensionPath: '/nonexistent/datadog-agent', traceExporter: 'log', service: 'orders' } });
      const handler = wrapHandler(tracedWork, { extensionPath: '/nonexistent/datadog-agent' });

      await handler({}, lambdaContext());

      const lines = stdout.mock.calls.map(([line]) => String(line));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^\{"traces":\[\[\{.*\}\]\]\}\n$/);
      const [[span]] = (JSON.parse(lines[0]!) as { traces: Array<Array<Record<string, unknown>>> }).traces as [[Record<string, unknown>]];
      expect(span).toMatchObject({ service: 'orders', resource: 'work', error: 0 });
      // Ids and times stay exact integers in the JSON, not strings and not rounded floats.
      expect(lines[0]).toMatch(/"trace_id":\d+,"span_id":\d+,"parent_id":\d+,"start":\d{19},"duration":\d+/);
    });
  });

  describe('extension installed but unhealthy', () => {
    it('runs the handler normally when nothing listens on the lifecycle port', async () => {
      const port = await closedPort();
      const handler = wrapHandler(tracedWork, { ...options, extensionUrl: `http://127.0.0.1:${port}` });

      const first = await timed(() => handler({}, lambdaContext()));
      const second = await timed(() => handler({}, lambdaContext()));

      expect(first.value).toEqual({ statusCode: 200 });
      expect(second.value).toEqual({ statusCode: 200 });
      // Connection refused on loopback is immediate; the trace flush still went to the intake.
      expect(first.ms).toBeLessThan(500);
      await flushTraces();
      expect(extension.received.filter((r) => r === 'traces')).toHaveLength(2);
    });

    it('bounds a hanging start-invocation by the timeout, then backs off after the second failure', async () => {
      const handler = wrapHandler(tracedWork, options);
      await warmUp(handler);
      extension.fail('start-invocation', 'hang');

      const first = await timed(() => handler({}, lambdaContext()));
      const second = await timed(() => handler({}, lambdaContext()));
      const skipped = lambdaContext();
      const third = await timed(() => handler({}, skipped));

      for (const run of [first, second, third]) expect(run.value).toEqual({ statusCode: 200 });
      expect(first.ms).toBeGreaterThanOrEqual(35);
      expect(first.ms).toBeLessThan(400);
      // Two attempts, then none during the back-off. Start's answer is not waited for, so each
      // attempt's end-invocation still went out (the extension pairs the two by request id);
      // the invocation skipped during the back-off sends neither.
      expect(extension.received.filter((r) => r === 'start-invocation')).toHaveLength(2);
      const endedIds = extension.ends.map((end) => end.headers['lambda-runtime-aws-request-id']);
      expect(endedIds.slice(-2)).toHaveLength(2);
      expect(endedIds).not.toContain(skipped.awsRequestId);
      expect(third.ms).toBeLessThan(first.ms);
    });

    it('rides out a single failed call: the next invocation is traced through the extension again', async () => {
      const handler = wrapHandler(tracedWork, options);
      await warmUp(handler);
      extension.fail('start-invocation', 'status-500');
      await handler({}, lambdaContext());
      extension.fail('start-invocation', undefined);

      const recovered = lambdaContext();
      await handler({}, recovered);

      expect(extension.received.filter((r) => r === 'start-invocation')).toHaveLength(2);
      expect(extension.ends.at(-1)!.headers['lambda-runtime-aws-request-id']).toBe(recovered.awsRequestId);
      expect(extension.lambdaSpans.at(-1)!.meta.request_id).toBe(recovered.awsRequestId);
    });

    it('gives the very first call of a process a longer budget, still bounded', async () => {
      extension.fail('start-invocation', 'hang');
      const handler = wrapHandler(tracedWork, options);

      const hung = await timed(() => handler({}, lambdaContext()));

      expect(hung.value).toEqual({ statusCode: 200 });
      expect(hung.ms).toBeGreaterThanOrEqual(450);
      expect(hung.ms).toBeLessThan(1500);
    });

    it('probes again after the back-off window and recovers', async () => {
      const handler = wrapHandler(tracedWork, options);
      await warmUp(handler);
      extension.fail('start-invocation', 'status-500');
      await handler({}, lambdaContext());
      await handler({}, lambdaContext());
      extension.fail('start-invocation', undefined);
      const skipped = lambdaContext();
      await handler({}, skipped); // inside the 1 s back-off: skipped
      expect(extension.received.filter((r) => r === 'start-invocation')).toHaveLength(2);

      await new Promise((resolve) => setTimeout(resolve, 1050));
      const recovered = lambdaContext();
      await handler({}, recovered);

      expect(extension.received.filter((r) => r === 'start-invocation')).toHaveLength(3);
      const endedIds = extension.ends.map((end) => end.headers['lambda-runtime-aws-request-id']);
      expect(endedIds).not.toContain(skipped.awsRequestId);
      expect(endedIds.at(-1)).toBe(recovered.awsRequestId);
    });

    it('treats a 500 from start-invocation as no context: own trace id', async () => {
      const handler = wrapHandler(tracedWork, options);
      await warmUp(handler);
      extension.fail('start-invocation', 'status-500');

      const failed = lambdaContext();
      await expect(handler({}, failed)).resolves.toEqual({ statusCode: 200 });
      await flushTraces();

      const span = extension.receivedSpans().at(-1);
      expect(span!.trace_id).not.toBe(0n);
      expect(span!.meta['_dd.p.tid']).toMatch(/^[0-9a-f]{8}00000000$/);
      // An end-invocation sent before the 500 was read names that same trace.
      const ends = extension.ends.filter((end) => end.headers['lambda-runtime-aws-request-id'] === failed.awsRequestId);
      for (const end of ends) expect(end.headers['x-datadog-trace-id']).toBe(String(span!.trace_id));
    });

    it('ignores garbage trace headers from start-invocation and generates its own trace', async () => {
      const handler = wrapHandler(tracedWork, options);
      await warmUp(handler);
      extension.fail('start-invocation', 'garbage');

      await expect(handler({}, lambdaContext())).resolves.toEqual({ statusCode: 200 });

      // start answered 200, so end-invocation is still due, announcing our own trace id.
      const end = extension.ends[0]!;
      expect(end.headers['x-datadog-trace-id']).toMatch(/^\d+$/);
      expect(end.headers['x-datadog-tags']).toMatch(/^_dd\.p\.tid=[0-9a-f]{16}/);
    });

    it.each(['status-500', 'hang', 'reset'] as const)('returns normally when end-invocation fails with %s', async (mode) => {
      const handler = wrapHandler(tracedWork, options);
      await warmUp(handler);
      extension.fail('end-invocation', mode);

      const { value, ms } = await timed(() => handler({}, lambdaContext()));

      expect(value).toEqual({ statusCode: 200 });
      expect(ms).toBeLessThan(400);
    });

    it.each(['status-500', 'hang', 'garbage'] as const)('returns normally when the trace intake fails with %s', async (mode) => {
      const handler = wrapHandler(tracedWork, options);
      await warmUp(handler);
      extension.fail('traces', mode);

      const { value, ms } = await timed(() => handler({}, lambdaContext()));

      expect(value).toEqual({ statusCode: 200 });
      expect(ms).toBeLessThan(600);
      expect(extension.ends).toHaveLength(1);
    });
  });

  describe('our own failures never reach the user', () => {
    it.each([
      ['throws', () => { throw new Error('flush bug'); }],
      ['rejects', () => Promise.reject(new Error('flush bug'))],
      ['hangs', () => new Promise<void>(() => undefined)],
    ])('returns the result when the provider flush %s', async (_label, forceFlush) => {
      setTracerProvider({ getTracer: () => tracer(), forceFlush: forceFlush as () => Promise<void> });
      const handler = wrapHandler(async () => 'result', options);

      const { value, ms } = await timed(() => handler({}, lambdaContext()));

      expect(value).toBe('result');
      expect(ms).toBeLessThan(600);
      expect(extension.ends).toHaveLength(1);
    });

    it('still rethrows the user error unchanged when everything of ours is failing', async () => {
      setTracerProvider({ getTracer: () => tracer(), forceFlush: () => Promise.reject(new Error('flush bug')) });
      extension.fail('start-invocation', 'garbage');
      extension.fail('end-invocation', 'reset');
      const failure = { custom: 'not an Error' };
      const handler = wrapHandler(async () => {
        throw failure;
      }, options);

      await expect(handler({}, lambdaContext())).rejects.toBe(failure);
    });

    it('survives an event JSON cannot encode', async () => {
      const event: Record<string, unknown> = { big: 1n };
      event.self = event;
      const handler = wrapHandler(async (e: unknown) => e, options);

      await expect(handler(event, lambdaContext())).resolves.toBe(event);
      expect(extension.starts[0]!.event).toEqual({});
    });
  });
});
