/**
 * One cold-start sample, in a fresh process: the time from the harness being ready (its Runtime
 * API connection open) to the end of loading the scenario's handler module (its import plus the handler's creation), the
 * memory after `gc()`, then the wait for the event and the first invocation, which pays for
 * first connections and first runs of code.
 *
 * Run as `node --expose-gc cold-init.mjs`, with `BENCH_ENTRY` the handler module and the Lambda
 * environment set by the caller.
 *
 * Faithful to Lambda's Node runtime in two ways that apply to every scenario alike:
 * - `node:util`, `node:net` and `node:http` are loaded before the clock starts: the runtime
 *   loads them before any handler (its Errors.js requires util, ResponseStream.js net, and its
 *   Runtime API client uses http: `/var/runtime/index.mjs`, a copy of which is in
 *   aws-samples/lambda-nodejs-esbuild `runtime.mjs`), so no handler pays for them there;
 * - between init and the first call the runtime fetches the event from the Runtime API
 *   (`GET …/invocation/next`, here a round trip to the stand-in over a connection opened before
 *   the clock starts). Work a library defers past init (`setImmediate`, connects) runs during
 *   that wait; on Lambda the event is already waiting on a cold start, so such work delays the
 *   first invocation. The wait is timed (`gapMs`) and belongs to the cold request.
 */
import 'node:util';
import 'node:net';
import 'node:http';
import { RawHttpClient } from './raw-http';
import { apiGatewayEvent, lambdaContext, loadHandler, reportResult, requestId } from './lambda-fixtures';

/** What one cold sample reports. */
export interface ColdSample {
  readonly initMs: number;
  /** From the end of init to the event's arrival: the Runtime API round trip plus deferred library work. */
  readonly gapMs: number;
  readonly firstInvocationMs: number;
  /** CPU time (user + system, all threads) of init, and of the gap plus the first invocation: steadier than wall time on a loaded machine. */
  readonly initCpuMs: number;
  readonly firstCpuMs: number;
  readonly secondInvocationMs: number;
  readonly rssInitBytes: number;
  readonly heapUsedInitBytes: number;
}

const elapsedMs = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;
const cpuMs = (from: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e3;
};

async function main(): Promise<void> {
  // The runtime's own connection exists before any handler code runs.
  const runtimeApi = await RawHttpClient.open(process.env.AWS_LAMBDA_RUNTIME_API!);
  const started = process.hrtime.bigint();
  const startedCpu = process.cpuUsage();
  const handler = await loadHandler(process.env.BENCH_ENTRY!);
  const initMs = elapsedMs(started);
  const initCpuMs = cpuMs(startedCpu);
  // `--instructions` counts init alone and init through the first invocation.
  const stopAfter = process.env.BENCH_STOP_AFTER;
  if (stopAfter === 'init') process.exit(0);
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();

  const event = apiGatewayEvent();
  const gapCpu = process.cpuUsage();
  const gap = process.hrtime.bigint();
  await runtimeApi.request('GET', '/2018-06-01/runtime/invocation/next', '');
  const gapMs = elapsedMs(gap);
  const first = process.hrtime.bigint();
  await handler(event, lambdaContext(requestId(1)));
  const firstInvocationMs = elapsedMs(first);
  const firstCpuMs = cpuMs(gapCpu);
  if (stopAfter === 'first') process.exit(0);
  const second = process.hrtime.bigint();
  await handler(apiGatewayEvent(), lambdaContext(requestId(2)));
  const secondInvocationMs = elapsedMs(second);

  const sample: ColdSample = { initMs, gapMs, firstInvocationMs, initCpuMs, firstCpuMs, secondInvocationMs, rssInitBytes: memory.rss, heapUsedInitBytes: memory.heapUsed };
  reportResult(sample);
  // Keep-alive sockets and library timers would keep the process alive.
  process.exit(0);
}

void main();
