import { decode } from '@msgpack/msgpack';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { DatadogSpanExporter, toJsonWithIntegers } from '../../../runtime/export/span-exporter';
import { ExtensionEmulator } from '../../../runtime/testing';
import { LIBRARY_VERSION } from '../../../runtime/version';
import { makeSpans, REMOTE_PARENT } from '../../helpers/spans';
import { decodeWithLibdatadog, wireShapes } from '../../helpers/v04-validator';

const exporterFor = (url = 'http://127.0.0.1:1', timeoutMs?: number) =>
  new DatadogSpanExporter({ url, service: 'orders', env: 'prod', version: '1.0.0', timeoutMs });

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!condition() && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
}

function exportAsync(exporter: DatadogSpanExporter, spans: ReturnType<typeof makeSpans>) {
  return new Promise<{ code: ExportResultCode; error?: Error }>((resolve) => exporter.export(spans, resolve));
}

const representativeSpans = () =>
  makeSpans([
    { name: 'GET /orders/:id', kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/orders/:id', 'http.response.status_code': 503, 'db.rows': 3, 'feature.on': true, tags: ['a', 'b'] }, status: { code: SpanStatusCode.ERROR, message: 'upstream failed' }, exception: new RangeError('bad range') },
    { name: 'pg', kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT 1' } },
    { name: 'publish', kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'aws_sqs', 'messaging.operation.type': 'send', 'messaging.destination.name': 'orders' }, links: [{ context: { traceId: 'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb', spanId: 'cccccccccccccccc', traceFlags: 1 }, attributes: { reason: 'batch' } }] },
    { name: 'other trace', parent: { traceId: '0000000000000000000000000000abcd', spanId: '2222222222222222', traceFlags: 1, isRemote: true } },
  ]);

describe('DatadogSpanExporter', () => {
  describe('payload', () => {
    it('is accepted by libdatadog’s real v0.4 decoder', async () => {
      const payload = exporterFor().encode(exporterFor().toTraces(representativeSpans()));
      const result = await decodeWithLibdatadog(payload);
      expect(result.errors).toEqual([]);
      expect(result.ok).toBe(true);
    });

    it('is rejected by that decoder when an id is a float (the oracle can fail)', async () => {
      const traces = exporterFor().toTraces(representativeSpans());
      const broken = traces.map((chunk) => chunk.map((span) => ({ ...span, trace_id: 1.5 })));
      const { Encoder } = await import('@msgpack/msgpack');
      const result = await decodeWithLibdatadog(new Encoder({ useBigInt64: true }).encode(broken));
      expect(result.ok).toBe(false);
      expect(result.errors.join()).toMatch(/decode/i);
    });

    it('writes ids and start as uint64, duration and error as integers, meta as strings, metrics as numbers', () => {
      const payload = exporterFor().encode(exporterFor().toTraces(representativeSpans()));
      for (const span of wireShapes(payload).flat()) {
        expect(span.types).toMatchObject({ trace_id: 'uint64', span_id: 'uint64', parent_id: 'uint64', start: 'uint64', duration: 'uint64', error: 'int', name: 'str', service: 'str', resource: 'str' });
        expect(new Set(span.keys).size).toBe(span.keys.length);
        expect(span.keys.every((key) => ['service', 'name', 'resource', 'type', 'trace_id', 'span_id', 'parent_id', 'start', 'duration', 'error', 'meta', 'metrics'].includes(key))).toBe(true);
        expect(span.metaValueTypes.every((type) => type === 'str')).toBe(true);
        expect(span.metricValueTypes.every((type) => type === 'int' || type === 'float' || type === 'uint64')).toBe(true);
      }
    });

    it('puts one trace id per chunk, the low 64 bits in trace_id and the high bits in _dd.p.tid', () => {
      const traces = exporterFor().toTraces(representativeSpans());
      expect(traces).toHaveLength(2);
      const [main, other] = traces as [typeof traces[0], typeof traces[0]];
      expect(main.map((span) => span.trace_id)).toEqual([0x6d9742f00e30fd7en, 0x6d9742f00e30fd7en, 0x6d9742f00e30fd7en]);
      expect(main[0]!.meta['_dd.p.tid']).toBe('6b06cc9500000000');
      expect(main[0]!.meta['_dd.p.dm']).toBe('-4');
      expect(other[0]!.meta['_dd.p.tid']).toBeUndefined();
      expect(other[0]!.meta['_dd.p.dm']).toBe('-0');
      expect(main.every((span) => span.parent_id === 0x1111111111111111n)).toBe(true);
    });
  });

  describe('mapping (Agent V2)', () => {
    const [server, client, producer] = exporterFor().toTraces(representativeSpans())[0]!;

    it('names a server span by its HTTP semantics, with the route as resource and web type', () => {
      expect(server).toMatchObject({ name: 'http.server.request', resource: 'GET /orders/:id', type: 'web', service: 'orders', error: 1 });
      expect(server!.meta).toMatchObject({ 'http.method': 'GET', 'http.route': '/orders/:id', 'http.status_code': '503', 'span.kind': 'server', env: 'prod', version: '1.0.0', language: 'javascript', 'feature.on': 'true', tags: '["a","b"]' });
      expect(server!.metrics).toMatchObject({ 'http.status_code': 503, 'db.rows': 3, _sampling_priority_v1: 2 });
    });

    it('takes the error fields from the exception event, as Error Tracking needs', () => {
      expect(server!.meta).toMatchObject({ 'error.type': 'RangeError', 'error.message': 'bad range', '_dd.span_events.has_exception': 'true' });
      expect(server!.meta['error.stack']).toContain('RangeError: bad range');
      expect(JSON.parse(server!.meta.events!)).toEqual([expect.objectContaining({ name: 'exception', time_unix_nano: expect.any(Number) })]);
    });

    it('names a database client span <system>.query with the statement as resource', () => {
      expect(client).toMatchObject({ name: 'postgresql.query', resource: 'SELECT 1', type: 'sql', error: 0 });
      expect(client!.metrics['_dd.measured']).toBe(1);
    });

    it('names a messaging span <system>.<operation> and writes links as _dd.span_links JSON', () => {
      expect(producer).toMatchObject({ name: 'aws_sqs.send', resource: 'send orders', type: 'custom' });
      expect(JSON.parse(producer!.meta['_dd.span_links']!)).toEqual([{ trace_id: 'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb', span_id: 'cccccccccccccccc', attributes: { reason: 'batch' }, flags: 1 }]);
    });

    it('honours operation.name, resource.name, span.type, service.name and sampling.priority attributes', () => {
      const [span] = exporterFor().toTraces(makeSpans([{ name: 'x', attributes: { 'operation.name': 'Custom.Op', 'resource.name': 'res', 'span.type': 'worker', 'service.name': 'billing', 'sampling.priority': 1 } }]))[0]!;
      expect(span).toMatchObject({ name: 'custom.op', resource: 'res', type: 'worker', service: 'billing' });
      expect(span!.meta['_dd.base_service']).toBe('orders');
      expect(span!.metrics._sampling_priority_v1).toBe(1);
      expect(span!.meta['operation.name']).toBeUndefined();
    });

    it('ignores the SDK default unknown_service name and copies resource attributes to meta', () => {
      const [span] = exporterFor().toTraces(makeSpans([{ name: 'x' }], { 'service.name': 'unknown_service:node', 'cloud.region': 'eu-west-1' }))[0]!;
      expect(span!.service).toBe('orders');
      expect(span!.meta['cloud.region']).toBe('eu-west-1');
    });

    it('truncates over-long names, resources and meta values', () => {
      const [span] = exporterFor().toTraces(makeSpans([{ name: 'r'.repeat(6000), attributes: { 'operation.name': 'n'.repeat(150), big: 'v'.repeat(30_000) } }]))[0]!;
      expect(span!.name).toHaveLength(100);
      expect(span!.resource).toHaveLength(5000);
      expect(span!.resource.endsWith('...')).toBe(true);
      expect(span!.meta.big).toHaveLength(25_000);
    });

    it('drops non-finite numbers instead of writing NaN', () => {
      const [span] = exporterFor().toTraces(makeSpans([{ name: 'x', attributes: { nan: NaN, inf: Infinity, ok: 1.5 } }]))[0]!;
      expect(span!.metrics).toMatchObject({ ok: 1.5 });
      expect('nan' in span!.metrics || 'inf' in span!.metrics).toBe(false);
    });
  });

  describe('transport', () => {
    let extension: ExtensionEmulator;
    beforeAll(async () => {
      extension = await ExtensionEmulator.start();
    });
    beforeEach(() => extension.reset());
    afterAll(() => extension.close());

    it('PUTs one msgpack request with the Datadog-Meta headers', async () => {
      const exporter = exporterFor(extension.traceUrl);
      const result = await exportAsync(exporter, representativeSpans());
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      await exporter.forceFlush();
      expect(extension.traceRequests).toHaveLength(1);
      const request = extension.traceRequests[0]!;
      expect(request.headers).toMatchObject({
        'content-type': 'application/msgpack',
        'datadog-meta-lang': 'nodejs',
        'datadog-meta-lang-version': process.version,
        'datadog-meta-lang-interpreter': 'v8',
        'datadog-meta-tracer-version': LIBRARY_VERSION,
        'x-datadog-trace-count': '2',
      });
      expect(request.headers['datadog-client-computed-stats']).toBeUndefined();
      expect(request.headers['datadog-client-computed-top-level']).toBeUndefined();
      expect(decode(request.body, { useBigInt64: true })).toHaveLength(2);
    });

    it('learns a 500 from the reply after the export completed, and backs off after the second', async () => {
      extension.fail('traces', 'status-500');
      const exporter = exporterFor(extension.traceUrl);
      const first = await exportAsync(exporter, representativeSpans());
      await exporter.forceFlush();
      const second = await exportAsync(exporter, representativeSpans());
      await exporter.forceFlush();
      const third = await exportAsync(exporter, representativeSpans());
      // Written is done: the 500 arrives after the invocation stopped waiting.
      expect(first.code).toBe(ExportResultCode.SUCCESS);
      expect(second.code).toBe(ExportResultCode.SUCCESS);
      expect(third.error?.message).toContain('backing off');
      expect(exporter.droppedSpanCount).toBe(representativeSpans().length);
      expect(extension.received).toEqual(['traces', 'traces']);
    });

    it('completes the export once the request is written, without waiting for a reply that never comes', async () => {
      extension.fail('traces', 'hang');
      const exporter = exporterFor(extension.traceUrl, 300);
      const started = performance.now();
      const result = await exportAsync(exporter, representativeSpans());
      const exportMs = performance.now() - started;
      await exporter.forceFlush();
      const deliveredMs = performance.now() - started;

      expect(result.code).toBe(ExportResultCode.SUCCESS);
      expect(exportMs).toBeLessThan(100);
      // forceFlush waits for the reply, bounded by the request's deadline.
      expect(deliveredMs).toBeGreaterThanOrEqual(290);
      expect(extension.received).toEqual(['traces']);
    });

    it('keeps at most 8 requests unanswered, queues later batches in a bounded backlog sent when a slot frees, and drops (and counts) beyond it', async () => {
      const slow = await ExtensionEmulator.start();
      try {
        slow.fail('traces', 'slow');
        slow.slowResponseMs = 200;
        const perBatch = representativeSpans().length;
        const exporter = new DatadogSpanExporter({ url: slow.traceUrl, service: 'orders', maxQueuedSpans: 2 * perBatch });
        const results: ExportResult[] = [];
        for (let i = 0; i < 12; i += 1) results.push(await exportAsync(exporter, representativeSpans()));

        expect(results.slice(0, 10).map((r) => r.code)).toEqual(Array(10).fill(ExportResultCode.SUCCESS));
        expect(results.slice(10).map((r) => r.error?.message)).toEqual(Array(2).fill('trace backlog full'));
        expect(exporter.droppedSpanCount).toBe(2 * perBatch);
        await waitFor(() => slow.received.length === 8);
        expect(slow.received).toHaveLength(8);

        await exporter.forceFlush();
        // The two queued batches went out together once a reply freed a slot.
        expect(slow.traceRequests).toHaveLength(9);
        expect(slow.receivedSpans()).toHaveLength(10 * perBatch);
      } finally {
        await slow.close();
      }
    });

    it('waits for pending exports in forceFlush and refuses after shutdown', async () => {
      const exporter = exporterFor(extension.traceUrl);
      const results: ExportResultCode[] = [];
      exporter.export(representativeSpans(), (r) => results.push(r.code));
      await exporter.forceFlush();
      expect(results).toEqual([ExportResultCode.SUCCESS]);
      await exporter.shutdown();
      expect((await exportAsync(exporter, representativeSpans())).code).toBe(ExportResultCode.FAILED);
    });

    it('writes nothing in none mode and succeeds', async () => {
      const exporter = new DatadogSpanExporter({ mode: 'none', url: extension.traceUrl, service: 'orders' });
      expect((await exportAsync(exporter, representativeSpans())).code).toBe(ExportResultCode.SUCCESS);
      expect(extension.received).toEqual([]);
    });

    it('writes Forwarder lines under 64 KB in log mode', async () => {
      const lines: string[] = [];
      const exporter = new DatadogSpanExporter({ mode: 'log', service: 'orders', writeLine: (line) => lines.push(line) });
      const many = makeSpans(Array.from({ length: 40 }, (_, i) => ({ name: `s${i}`, attributes: { blob: 'x'.repeat(4000) }, parent: { ...REMOTE_PARENT, traceId: (i + 1).toString(16).padStart(32, '0') } })));
      expect((await exportAsync(exporter, many)).code).toBe(ExportResultCode.SUCCESS);
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines) {
        expect(line.length).toBeLessThanOrEqual(64 * 1024 + 20);
        expect(JSON.parse(line)).toHaveProperty('traces');
      }
      expect(lines.reduce((n, line) => n + (JSON.parse(line) as { traces: unknown[] }).traces.length, 0)).toBe(40);
    });
  });
});

describe('toJsonWithIntegers', () => {
  it('writes BigInt as exact JSON integers', () => {
    expect(toJsonWithIntegers({ id: 18446744073709551615n, s: 'x' })).toBe('{"id":18446744073709551615,"s":"x"}');
  });
});
