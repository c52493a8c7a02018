/**
 * Warm per-invocation cost, in one process: the scenario's handler and a plain handler (the same
 * result, no tracing) invoked alternately, back to back, after a warm-up. After each invocation
 * the harness returns the result to a Runtime API stand-in over HTTP, as the Lambda runtime does,
 * which is also when work a library left on the event loop gets to run.
 *
 * Env: `BENCH_ENTRY`, `BENCH_WARMUP`, `BENCH_INVOCATIONS`, `AWS_LAMBDA_RUNTIME_API`.
 */
import { RawHttpClient } from './raw-http';
import { apiGatewayEvent, lambdaContext, loadHandler, reportResult, requestId, type Handler } from './lambda-fixtures';

/** What one warm run reports; times in microseconds. */
export interface WarmRun {
  readonly plainUs: number[];
  readonly wrappedUs: number[];
  readonly firstInvocationMs: number;
  /** Calls of the wrapped handler, the first one and the warm-up included. */
  readonly wrappedInvocations: number;
  readonly rssInitBytes: number;
  readonly rssAfterBytes: number;
  readonly heapUsedAfterBytes: number;
  readonly wallMs: number;
}

async function timed(runtime: RawHttpClient, handler: Handler, index: number): Promise<number> {
  const id = requestId(index);
  const event = apiGatewayEvent();
  const context = lambdaContext(id);
  const start = process.hrtime.bigint();
  const result = await handler(event, context);
  const micros = Number(process.hrtime.bigint() - start) / 1e3;
  // What the Lambda runtime does with the result; work a library left on the event loop runs meanwhile.
  await runtime.request('POST', `/2018-06-01/runtime/invocation/${id}/response`, JSON.stringify(result ?? null));
  return micros;
}

async function main(): Promise<void> {
  const began = process.hrtime.bigint();
  const warmup = Number(process.env.BENCH_WARMUP ?? 200);
  const invocations = Number(process.env.BENCH_INVOCATIONS ?? 2000);
  const runtime = await RawHttpClient.open(process.env.AWS_LAMBDA_RUNTIME_API!);
  const wrapped = await loadHandler(process.env.BENCH_ENTRY!);
  const plain: Handler = () => Promise.resolve({ statusCode: 200 });
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  const rssInitBytes = process.memoryUsage().rss;

  let index = 0;
  const firstInvocationMs = (await timed(runtime, wrapped, (index += 1))) / 1e3;
  const plainUs: number[] = [];
  const wrappedUs: number[] = [];
  for (let i = 0; i < warmup + invocations; i += 1) {
    // Alternate the order so neither handler always runs right after the other's leftovers.
    const plainFirst = i % 2 === 0;
    const a = await timed(runtime, plainFirst ? plain : wrapped, (index += 1));
    const b = await timed(runtime, plainFirst ? wrapped : plain, (index += 1));
    if (i < warmup) continue;
    plainUs.push(plainFirst ? a : b);
    wrappedUs.push(plainFirst ? b : a);
  }
  // Let trailing asynchronous exports land before reading memory and the stand-in's counters.
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const after = process.memoryUsage();
  const run: WarmRun = {
    plainUs,
    wrappedUs,
    firstInvocationMs,
    wrappedInvocations: 1 + warmup + invocations,
    rssInitBytes,
    rssAfterBytes: after.rss,
    heapUsedAfterBytes: after.heapUsed,
    wallMs: Number(process.hrtime.bigint() - began) / 1e6,
  };
  reportResult(run);
  process.exit(0);
}

void main();
