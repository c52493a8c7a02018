/**
 * Per-request cost of the HTTP client integrations: the same loopback requests inside one
 * traced invocation, with the integrations on and off, in alternating rounds of one process.
 * Run: `npx tsx bench/http-overhead.ts [requests per round]` (any Node: `node --import tsx …`).
 * Loopback and a shared machine make the absolute numbers noisy; compare within one run.
 */
import { get, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExtensionEmulator } from '../runtime/testing';
import { wrapHandler } from '../runtime/invocation/wrap-handler';

const REQUESTS = Number(process.argv[2] ?? 500);
const ROUNDS = 6;

function httpGet(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    get(url, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
}

async function fetchText(url: string): Promise<void> {
  await (await fetch(url)).text();
}

async function main(): Promise<void> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/item?id=1`;
  const extension = await ExtensionEmulator.start({ service: 'bench' });
  // One process: "off" rounds run in a handler that is never traced (a context with no trace),
  // "on" rounds inside a traced invocation, so both pay the same sockets and keep-alive.
  const traced = wrapHandler(async (run: () => Promise<number>) => run(), { ...extension.config(), service: 'bench' }) as unknown as (
    run: () => Promise<number>,
    context: unknown,
  ) => Promise<number>;
  const timeRound = async (call: (u: string) => Promise<void>) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < REQUESTS; i += 1) await call(url);
    return Number(process.hrtime.bigint() - start) / 1000 / REQUESTS;
  };
  const results: Record<string, number[]> = { 'http off': [], 'http on': [], 'fetch off': [], 'fetch on': [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, call] of [['http', httpGet], ['fetch', fetchText]] as const) {
      results[`${name} off`].push(await timeRound(call));
      results[`${name} on`].push(await traced(() => timeRound(call), { awsRequestId: `r${round}`, functionName: 'bench' }));
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const spans = extension.spans().filter((span) => span.name === 'http.request').length;
  process.stdout.write(`node ${process.version}, ${REQUESTS} requests x ${ROUNDS} rounds, ${spans} client spans exported\n`);
  for (const name of ['http', 'fetch']) {
    const off = median(results[`${name} off`]);
    const on = median(results[`${name} on`]);
    process.stdout.write(`${name.padEnd(6)} off ${off.toFixed(1)} µs/request, on ${on.toFixed(1)} µs/request, Δ ${(on - off).toFixed(1)} µs\n`);
  }
  await extension.close();
  server.close();
}

void main();
