/**
 * One cold-start sample, in a fresh process: the time from this file's first statement to the
 * end of loading the scenario's handler module (its import plus the handler's creation), the
 * memory after `gc()`, then the first invocation, which pays for first connections.
 *
 * Run as `node --expose-gc cold-init.mjs`, with `BENCH_ENTRY` the handler module and the Lambda
 * environment set by the caller.
 *
 * Faithful to Lambda's Node runtime in two ways that apply to every scenario alike:
 * - `node:util`, `node:net` and `node:http` are loaded before the clock starts: the runtime
 *   loads them before any handler (its Errors.js requires util, ResponseStream.js net, and its
 *   Runtime API client uses http: `/var/runtime/index.mjs`, a copy of which is in
 *   aws-samples/lambda-nodejs-esbuild `runtime.mjs`), so no handler pays for them there;
 * - the first invocation comes after at least one event-loop turn: the runtime fetches the
 *   event from the Runtime API (`GET …/invocation/next`) between init and the first call.
 */
import 'node:util';
import 'node:net';
import 'node:http';
const started = process.hrtime.bigint();

import { apiGatewayEvent, lambdaContext, loadHandler, reportResult, requestId } from './lambda-fixtures';

/** What one cold sample reports. */
export interface ColdSample {
  readonly initMs: number;
  readonly firstInvocationMs: number;
  readonly secondInvocationMs: number;
  readonly rssInitBytes: number;
  readonly heapUsedInitBytes: number;
}

const elapsedMs = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;

async function main(): Promise<void> {
  const handler = await loadHandler(process.env.BENCH_ENTRY!);
  const initMs = elapsedMs(started);
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();

  const event = apiGatewayEvent();
  await new Promise((resolve) => setImmediate(resolve));
  const first = process.hrtime.bigint();
  await handler(event, lambdaContext(requestId(1)));
  const firstInvocationMs = elapsedMs(first);
  const second = process.hrtime.bigint();
  await handler(apiGatewayEvent(), lambdaContext(requestId(2)));
  const secondInvocationMs = elapsedMs(second);

  const sample: ColdSample = { initMs, firstInvocationMs, secondInvocationMs, rssInitBytes: memory.rss, heapUsedInitBytes: memory.heapUsed };
  reportResult(sample);
  // Keep-alive sockets and library timers would keep the process alive.
  process.exit(0);
}

void main();
