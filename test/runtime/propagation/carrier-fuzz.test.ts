import { decode } from '@msgpack/msgpack';
import { context as otelContext, trace } from '@opentelemetry/api';
import { wrapHandler } from '../../../runtime';
import type { DatadogSpan } from '../../../runtime/export/datadog-span';
import { encodeTraces } from '../../../runtime/export/v04-encoder';
import { readTraceContext } from '../../../runtime/extension/client';
import { ExtensionEmulator, flushTraces } from '../../../runtime/testing';
import { createTracerProvider } from '../../../runtime/tracing/tracer-provider';
import { isValidHexSpanId, isValidHexTraceId } from '../../../runtime/tracing/ids';
import { carrier, fuzzedEvent, seededRandom } from '../../helpers/carrier-fuzz';
import { lambdaContext } from '../../helpers/lambda-context';
import { decodeWithLibdatadog, wireShapes } from '../../helpers/v04-validator';
import { LocalHarness } from '../local/local-harness';

/**
 * 10,000 seeded hostile trace carriers in each span mode: nothing escapes to the handler, no
 * result changes, and every payload is one the intake takes whole. "Lossy" is what the
 * extension's decoder would silently change: an id or time that is not an unsigned integer,
 * a zero id, a start before 2006 or in the future, a duration that does not fit in int64.
 */
jest.setTimeout(300_000);

const EVENTS = 10_000;
const SEED = 0x5eed;
const EARLIEST_NS = BigInt(Date.UTC(2006, 0, 1)) * 1_000_000n;
const INT64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

type WireSpan = Pick<DatadogSpan, 'name' | 'trace_id' | 'span_id' | 'parent_id' | 'start' | 'duration'> & { meta: Record<string, unknown> };

/** What the extension's decoder would reject or alter in this span; empty when it takes it whole. */
function lossOf(span: WireSpan, nowNs: bigint): string[] {
  const problems: string[] = [];
  const big = (value: unknown) => (typeof value === 'bigint' ? value : BigInt(value as number));
  const traceId = big(span.trace_id);
  const spanId = big(span.span_id);
  const parentId = big(span.parent_id ?? 0);
  const start = big(span.start);
  const duration = big(span.duration);
  if (traceId <= 0n || traceId > U64_MAX) problems.push(`trace_id ${traceId}`);
  if (spanId <= 0n || spanId > U64_MAX) problems.push(`span_id ${spanId}`);
  if (parentId < 0n || parentId > U64_MAX) problems.push(`parent_id ${parentId}`);
  if (start < EARLIEST_NS || start > nowNs) problems.push(`start ${start}`);
  if (duration < 0n || duration > INT64_MAX || start + duration > nowNs) problems.push(`duration ${duration}`);
  for (const [key, value] of Object.entries(span.meta)) if (typeof value !== 'string') problems.push(`meta ${key} is ${typeof value}`);
  return problems.map((problem) => `${span.name}: ${problem}`);
}

function wireTypeLoss(payload: Uint8Array): string[] {
  const problems: string[] = [];
  for (const span of wireShapes(payload).flat()) {
    for (const field of ['trace_id', 'span_id', 'parent_id', 'start', 'duration'] as const) {
      const type = span.types[field];
      if (type !== undefined && type !== 'uint64' && type !== 'int') problems.push(`${field} written as ${type}`);
    }
  }
  return problems;
}

describe('trace carrier fuzz (10,000 seeded events per span mode)', () => {
  it('local mode: every event yields spans the intake takes whole', async () => {
    const harness = new LocalHarness();
    harness.install();
    const random = seededRandom(SEED);
    const losses: string[] = [];
    let batch: DatadogSpan[][] = [];
    let spans = 0;
    for (let i = 0; i < EVENTS; i += 1) {
      const event = fuzzedEvent(random, i);
      const { spans: mapped } = await harness.invoke(event, { userSpan: true });
      const nowNs = BigInt(Date.now() + 1) * 1_000_000n;
      for (const span of mapped) for (const loss of lossOf(span, nowNs)) losses.push(`event ${i}: ${loss}`);
      spans += mapped.length;
      batch.push(mapped);
      if (batch.length === 1_000) {
        const payload = encodeTraces(batch);
        losses.push(...wireTypeLoss(payload));
        const decoded = await decodeWithLibdatadog(payload);
        if (!decoded.ok) losses.push(`batch ending at ${i} rejected: ${decoded.errors.join('; ')}`);
        batch = [];
      }
    }
    expect(losses.slice(0, 10)).toEqual([]);
    // The shapes reach the triggers: most events make more than the two spans of an unknown event.
    expect(spans).toBeGreaterThan(EVENTS * 2.5);
  });

  it('universal mode: every invocation returns its own result and every trace request is taken whole', async () => {
    trace.disable();
    otelContext.disable();
    const extension = await ExtensionEmulator.start();
    try {
      const config = extension.config();
      createTracerProvider({ config });
      const results = Array.from({ length: EVENTS }, (_, i) => ({ i }));
      const handler = wrapHandler(async (_event: unknown, context: { index: number }) => {
        trace.getTracer('fuzz').startSpan('work').end();
        return results[context.index];
      }, config);
      const random = seededRandom(SEED);
      const changed: number[] = [];
      // Ten concurrent invocations at a time, as managed instances run them.
      for (let first = 0; first < EVENTS; first += 10) {
        const batch = Array.from({ length: 10 }, (_, k) => first + k);
        const returned = await Promise.all(batch.map((index) => handler(fuzzedEvent(random, index), { ...lambdaContext(), index })));
        batch.forEach((index, k) => returned[k] !== results[index] && changed.push(index));
      }
      expect(changed).toEqual([]);
      await flushTraces();

      // None rejected: the emulator decoded every request it received; none lost: a work span per invocation.
      expect(extension.traceRequests).toHaveLength(extension.received.filter((route) => route === 'traces').length);
      // Upstream sampling priorities of 0 or below drop the trace on purpose.
      const sampled = extension.starts.filter((start) => (start.extracted?.samplingPriority ?? 1) > 0).length;
      expect(sampled).toBeGreaterThan(EVENTS * 0.9);
      expect(extension.receivedSpans().filter((span) => span.resource === 'work')).toHaveLength(sampled);
      expect(extension.ends).toHaveLength(EVENTS);
      const nowNs = BigInt(Date.now() + 1) * 1_000_000n;
      const losses = extension.traceRequests.flatMap((request) => [
        ...wireTypeLoss(request.body),
        ...request.traces.flat().flatMap((span) => lossOf(span, nowNs)),
      ]);
      expect(losses.slice(0, 10)).toEqual([]);
      // A context the extension extracted from a hostile carrier still continues the trace.
      const continued = extension.starts.filter((start) => start.extracted).length;
      expect(continued).toBeGreaterThan(EVENTS / 10);
      const decoded = await decodeWithLibdatadog(extension.traceRequests.at(-1)!.body);
      expect(decoded).toEqual({ ok: true, errors: [] });
      expect(decode(extension.traceRequests[0]!.body, { useBigInt64: true })).toBeInstanceOf(Array);
    } finally {
      await extension.close();
    }
  });

  it("reads a hostile carrier in the extension's answer headers as a valid context or none", () => {
    const random = seededRandom(SEED + 1);
    const invalid: unknown[] = [];
    let read = 0;
    for (let i = 0; i < EVENTS; i += 1) {
      const headers = Object.fromEntries(Object.entries(carrier(random)).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
      const context = readTraceContext(headers);
      if (!context) continue;
      read += 1;
      const valid =
        isValidHexTraceId(context.traceId) &&
        (context.parentId === undefined || isValidHexSpanId(context.parentId)) &&
        (context.samplingPriority === undefined || Number.isInteger(context.samplingPriority));
      if (!valid) invalid.push({ headers, context });
    }
    expect(invalid.slice(0, 5)).toEqual([]);
    expect(read).toBeGreaterThan(EVENTS / 10);
  });
});
