/**
 * Where our warm invocation's time goes, phase by phase, against the stand-in: the wrapper's
 * three steps as `wrapHandler` runs them, then each suspect alone (the loopback client's round
 * trip, the same request over a raw socket, two calls in sequence vs in parallel, the event's
 * JSON, span mapping and msgpack encoding). Times in microseconds, p50/p90/p99 each.
 *
 * Env: the Lambda environment of the bench, `BENCH_INVOCATIONS`, `BENCH_WARMUP`.
 */
import { context as otelContext, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { connect, type Socket } from 'node:net';
import { processConfig } from '../../runtime/config';
import { DatadogSpanExporter } from '../../runtime/export/span-exporter';
import { createRootSpan, endRootSpan } from '../../runtime/invocation';
import { eventBody } from '../../runtime/payload';
import { loopbackRequest } from '../../runtime/transport/loopback-http';
import { summarize, type Summary } from '../stats';
import { apiGatewayEvent, lambdaContext, reportResult, requestId } from './lambda-fixtures';

/** One timed phase. */
export interface PhaseTiming {
  readonly phase: string;
  readonly us: Summary;
}

const warmup = Number(process.env.BENCH_WARMUP ?? 200);
const invocations = Number(process.env.BENCH_INVOCATIONS ?? 2000);
const lifecycleUrl = process.env.DD_LAMBDA_EXTENSION_URL!;
const tracesUrl = process.env.DD_TRACE_AGENT_URL!;
const now = () => process.hrtime.bigint();
const micros = (from: bigint) => Number(now() - from) / 1e3;

/** Runs `step` warm-up + measured times and summarizes the measured ones. */
async function measure(phase: string, step: (i: number) => unknown): Promise<PhaseTiming> {
  const samples: number[] = [];
  for (let i = 0; i < warmup + invocations; i += 1) {
    const start = now();
    await step(i);
    if (i >= warmup) samples.push(micros(start));
  }
  return { phase, us: summarize(samples) };
}

/** An HTTP/1.1 client on one raw keep-alive socket: the floor under any `node:http` client. */
class RawHttp {
  #done: ((body: string) => void) | undefined;
  #buffer = '';

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: *(\d+)/i.exec(this.#buffer.slice(0, end))?.[1] ?? 0);
      if (this.#buffer.length < end + 4 + length) return;
      const body = this.#buffer.slice(end + 4, end + 4 + length);
      this.#buffer = '';
      this.#done?.(body);
    });
  }

  static open(url: string): Promise<RawHttp> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve) => {
      const socket = connect(Number(port), hostname, () => resolve(new RawHttp(socket)));
    });
  }

  post(path: string, body: string): Promise<string> {
    return new Promise((resolve) => {
      this.#done = resolve;
      this.socket.write(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  }
}

/** Finished spans shaped like the bench handler's: a child of the invocation's remote parent. */
function sampleSpans(count: number) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('bench');
  for (let i = 0; i < count; i += 1) tracer.startSpan('bench.child').end();
  return memory.getFinishedSpans();
}

async function main(): Promise<void> {
  const config = processConfig();
  const event = apiGatewayEvent();
  const tracer = trace.getTracer('bench');
  const handler = () => Promise.resolve(tracer.startActiveSpan('bench.child', (span) => (span.end(), { statusCode: 200 })));
  const post = (path: string, body: string) =>
    loopbackRequest({ url: `${lifecycleUrl}${path}`, headers: { 'content-type': 'application/json' }, body, timeoutMs: 1000 });

  const phases: PhaseTiming[] = [];
  // The wrapper's steps, in wrapHandler's order, each timed on its own.
  const start: number[] = [];
  const run: number[] = [];
  const end: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < warmup + invocations; i += 1) {
    const t0 = now();
    const root = await createRootSpan(event, lambdaContext(requestId(i)), config);
    const t1 = now();
    const result = await otelContext.with(root.context, handler);
    const t2 = now();
    await endRootSpan(root, { result });
    const t3 = now();
    if (i < warmup) continue;
    start.push(Number(t1 - t0) / 1e3);
    run.push(Number(t2 - t1) / 1e3);
    end.push(Number(t3 - t2) / 1e3);
    total.push(Number(t3 - t0) / 1e3);
  }
  phases.push(
    { phase: 'wrapper: createRootSpan (event JSON + start-invocation)', us: summarize(start) },
    { phase: 'wrapper: handler with one child span', us: summarize(run) },
    { phase: 'wrapper: endRootSpan (end-invocation ∥ map+encode+PUT)', us: summarize(end) },
    { phase: 'wrapper: total', us: summarize(total) },
  );

  const raw = await RawHttp.open(lifecycleUrl);
  const body = eventBody(event);
  phases.push(
    await measure('one loopbackRequest POST {} (node:http keep-alive)', () => post('/lambda/start-invocation', '{}')),
    await measure('one loopbackRequest POST event JSON', () => post('/lambda/start-invocation', body)),
    await measure('one raw-socket HTTP/1.1 POST {}', () => raw.post('/lambda/start-invocation', '{}')),
    await measure('two loopbackRequest POSTs in sequence', async () => {
      await post('/lambda/end-invocation', '{}');
      await post('/lambda/end-invocation', '{}');
    }),
    await measure('two loopbackRequest POSTs in parallel (8124 ∥ 8126)', () =>
      Promise.all([post('/lambda/end-invocation', '{}'), loopbackRequest({ url: `${tracesUrl}/v0.4/traces`, method: 'PUT', headers: {}, body: new Uint8Array([0x90]), timeoutMs: 1000 })]),
    ),
    await measure('eventBody(event): JSON of the API Gateway v2 event', () => eventBody(event)),
  );
  const exporter = new DatadogSpanExporter({ mode: 'agent', url: tracesUrl, service: 'bench' });
  const spans = sampleSpans(1);
  const traces = exporter.toTraces(spans);
  phases.push(
    await measure('exporter.toTraces: map 1 span', () => exporter.toTraces(spans)),
    await measure('exporter.encode: msgpack 1 span', () => exporter.encode(traces)),
  );
  reportResult({ phases });
  process.exit(0);
}

void main();
