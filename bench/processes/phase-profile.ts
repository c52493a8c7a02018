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
import { Agent, request } from 'node:http';
import { processConfig } from '../../runtime/config';
import { DatadogSpanExporter } from '../../runtime/export/span-exporter';
import { createRootSpan, endRootSpan } from '../../runtime/invocation/root-span';
import { eventBody } from '../../runtime/invocation/payload';
import { loopbackRequest } from '../../runtime/transport/loopback-http';
import { summarize, type Summary } from '../stats';
import { apiGatewayEvent, lambdaContext, reportResult, requestId } from './lambda-fixtures';
import { RawHttpClient } from './raw-http';

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

let runtimeApi: RawHttpClient;

/**
 * Runs `step` warm-up + measured times and summarizes the measured ones. Between steps, as
 * between invocations, a Runtime API round trip lets answers nobody awaited be read.
 */
async function measure(phase: string, step: (i: number) => unknown): Promise<PhaseTiming> {
  const samples: number[] = [];
  for (let i = 0; i < warmup + invocations; i += 1) {
    const start = now();
    await step(i);
    if (i >= warmup) samples.push(micros(start));
    await runtimeApi.request('POST', '/2018-06-01/runtime/invocation/x/response', '{}');
  }
  return { phase, us: summarize(samples) };
}

const agent = new Agent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 4 });

/** A `node:http` keep-alive request that resolves on its answer, or as soon as the socket has taken it. */
function httpSend(url: string, method: string, body: string | Uint8Array, until: 'answer' | 'written'): Promise<void> {
  return new Promise((resolve, reject) => {
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    const req = request(url, { method, agent, headers: { 'content-type': 'application/json', 'content-length': String(length) } });
    req.once('error', reject);
    req.once('response', (res) => {
      res.resume();
      if (until === 'answer') res.once('end', resolve);
    });
    req.end(body, () => {
      if (until === 'written') resolve();
    });
  });
}

/** Finished spans shaped like the bench handler's: a child of the invocation's remote parent. */
function sampleSpans(count: number) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('bench');
  for (let i = 0; i < count; i += 1) tracer.startSpan('bench.child').end();
  return memory.getFinishedSpans();
}

/** The wrapper's steps, in `wrapHandler`'s order, each timed on its own. */
async function wrapperPhases(event: unknown, handler: () => Promise<unknown>, suffix = ''): Promise<PhaseTiming[]> {
  const config = processConfig();
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
    await runtimeApi.request('POST', '/2018-06-01/runtime/invocation/x/response', '{}');
    if (i < warmup) continue;
    start.push(Number(t1 - t0) / 1e3);
    run.push(Number(t2 - t1) / 1e3);
    end.push(Number(t3 - t2) / 1e3);
    total.push(Number(t3 - t0) / 1e3);
  }
  return [
    { phase: `wrapper: createRootSpan (event JSON; start-invocation queued)${suffix}`, us: summarize(start) },
    { phase: `wrapper: handler with one child span${suffix}`, us: summarize(run) },
    { phase: `wrapper: endRootSpan (start + end-invocation in one write ∥ map+encode+PUT)${suffix}`, us: summarize(end) },
    { phase: `wrapper: total${suffix}`, us: summarize(total) },
  ];
}

async function main(): Promise<void> {
  const event = apiGatewayEvent();
  const tracer = trace.getTracer('bench');
  const handler = () => Promise.resolve(tracer.startActiveSpan('bench.child', (span) => (span.end(), { statusCode: 200 })));
  const post = (path: string, body: string) =>
    loopbackRequest({ url: `${lifecycleUrl}${path}`, headers: { 'content-type': 'application/json' }, body, timeoutMs: 1000 });

  runtimeApi = await RawHttpClient.open(process.env.AWS_LAMBDA_RUNTIME_API!);
  const phases: PhaseTiming[] = [];
  phases.push(...(await wrapperPhases(event, handler)));

  const host = (url: string) => new URL(url).host;
  const [rawLifecycle, rawLifecycle2, rawTraces] = await Promise.all([
    RawHttpClient.open(host(lifecycleUrl)),
    RawHttpClient.open(host(lifecycleUrl)),
    RawHttpClient.open(host(tracesUrl)),
  ]);
  const body = eventBody(event);
  const payload = new DatadogSpanExporter({ mode: 'agent', url: tracesUrl, service: 'bench' }).encode(
    new DatadogSpanExporter({ mode: 'agent', url: tracesUrl, service: 'bench' }).toTraces(sampleSpans(1)),
  );
  const startUrl = `${lifecycleUrl}/lambda/start-invocation`;
  const endUrl = `${lifecycleUrl}/lambda/end-invocation`;
  const tracesPath = `${tracesUrl}/v0.4/traces`;
  phases.push(
    await measure('one node:http keep-alive POST {} (the client loopbackRequest replaced)', () => httpSend(startUrl, 'POST', '{}', 'answer')),
    await measure('one loopbackRequest POST {} (our HTTP/1.1 client on net sockets)', () => post('/lambda/start-invocation', '{}')),
    await measure('one raw-socket HTTP/1.1 POST {}', () => rawLifecycle.request('POST', '/lambda/start-invocation', '{}')),
    await measure('two loopbackRequest POSTs in sequence', async () => {
      await post('/lambda/end-invocation', '{}');
      await post('/lambda/end-invocation', '{}');
    }),
    await measure('two loopbackRequest POSTs in parallel (8124 ∥ 8126)', () =>
      Promise.all([post('/lambda/end-invocation', '{}'), loopbackRequest({ url: tracesPath, method: 'PUT', headers: {}, body: payload, timeoutMs: 1000 })]),
    ),
    // The invocation's I/O alone (start with the event, end, PUT of one span), four ways.
    await measure('I/O as today (loopbackRequest): await start; await end ∥ PUT answers', async () => {
      await post('/lambda/start-invocation', body);
      await Promise.all([post('/lambda/end-invocation', '{"statusCode":200}'), loopbackRequest({ url: tracesPath, method: 'PUT', headers: {}, body: payload, timeoutMs: 1000 })]);
    }),
    await measure('I/O the same with node:http', async () => {
      await httpSend(startUrl, 'POST', body, 'answer');
      await Promise.all([httpSend(endUrl, 'POST', '{"statusCode":200}', 'answer'), httpSend(tracesPath, 'PUT', payload, 'answer')]);
    }),
    await measure('I/O: await start answer; end ∥ PUT until written', async () => {
      await httpSend(startUrl, 'POST', body, 'answer');
      await Promise.all([httpSend(endUrl, 'POST', '{"statusCode":200}', 'written'), httpSend(tracesPath, 'PUT', payload, 'written')]);
    }),
    await measure('I/O: start, end, PUT each until written (no answer awaited)', async () => {
      await httpSend(startUrl, 'POST', body, 'written');
      await Promise.all([httpSend(endUrl, 'POST', '{"statusCode":200}', 'written'), httpSend(tracesPath, 'PUT', payload, 'written')]);
    }),
    await measure('I/O: same, raw sockets', async () => {
      await rawLifecycle.send('POST', '/lambda/start-invocation', body);
      await Promise.all([rawLifecycle2.send('POST', '/lambda/end-invocation', '{"statusCode":200}'), rawTraces.send('PUT', '/v0.4/traces', payload)]);
    }),
    await measure('I/O: await start answer (raw); end ∥ PUT written (raw)', async () => {
      await rawLifecycle.request('POST', '/lambda/start-invocation', body);
      await Promise.all([rawLifecycle2.send('POST', '/lambda/end-invocation', '{"statusCode":200}'), rawTraces.send('PUT', '/v0.4/traces', payload)]);
    }),
    await measure('eventBody(event): JSON of the API Gateway v2 event', () => eventBody(event)),
  );
  const exporter = new DatadogSpanExporter({ mode: 'agent', url: tracesUrl, service: 'bench' });
  const spans = sampleSpans(1);
  const traces = exporter.toTraces(spans);
  phases.push(
    await measure('exporter.toTraces: map 1 span', () => exporter.toTraces(spans)),
    await measure('exporter.encode: msgpack 1 span', () => exporter.encode(traces)),
  );
  // Again at the end: shows whether the order of the phases matters.
  phases.push(...(await wrapperPhases(event, handler, ' (again)')));
  reportResult({ phases });
  process.exit(0);
}

void main();
