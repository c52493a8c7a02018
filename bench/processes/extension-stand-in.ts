/**
 * A fast stand-in for the Datadog Lambda Extension, run in its own process so its work does not
 * land on the measured event loop: answers `{}` on the lifecycle API, `{"rate_by_service":{}}` on
 * the trace intake, swallows DogStatsD datagrams, and plays the Lambda Runtime API's response
 * endpoint so the harness can return each result the way the Lambda runtime does.
 *
 * Ports come from argv: `<lifecycle> <traces> <dogstatsd> <runtime-api> [<intake delay ms> [<downstream>]] [--node-http-lifecycle]`; the
 * delay holds every trace-intake answer back, which shows who waits for the flush's response.
 * Prints `ready` when
 * listening. `GET /bench/stats` on the runtime-API port returns request counts and the spans
 * found in the trace payloads (decoded then, never while a measurement runs); `POST /bench/reset`
 * clears them.
 */
import { decode } from '@msgpack/msgpack';
import { createSocket } from 'node:dgram';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';

/** What the stand-in saw since the last reset. */
export interface StandInStats {
  readonly requests: Record<string, number>;
  readonly traceBytes: number;
  readonly traceSpans: number;
  readonly spanNames: Record<string, number>;
  readonly datagrams: number;
}

const [lifecyclePort, tracesPort, dogstatsdPort, runtimePort, intakeDelayMs = 0, downstreamPort] = process.argv.slice(2, 8).map(Number);
const nodeHttpLifecycle = process.argv.includes('--node-http-lifecycle');
const HOST = '127.0.0.1';

let requests: Record<string, number> = {};
let payloads: Buffer[] = [];
let datagrams = 0;

function count(key: string): void {
  requests[key] = (requests[key] ?? 0) + 1;
}

/** Reads the body, then answers; the body is kept only for trace payloads. */
function serve(port: number, answer: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void): Promise<void> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, Buffer.concat(chunks), res));
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(port, HOST, resolve));
}

function json(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function stats(): StandInStats {
  const spanNames: Record<string, number> = {};
  let traceSpans = 0;
  let traceBytes = 0;
  for (const payload of payloads) {
    traceBytes += payload.length;
    try {
      for (const chunk of decode(payload) as Array<Array<{ name?: string }>>) {
        for (const span of chunk) {
          traceSpans += 1;
          const name = String(span.name);
          spanNames[name] = (spanNames[name] ?? 0) + 1;
        }
      }
    } catch {
      count('undecodable-trace-payload');
    }
  }
  return { requests, traceBytes, traceSpans, spanNames, datagrams };
}

/**
 * The I/O scenario's remote ends on one port: DynamoDB and SQS by their JSON-protocol target
 * (minimal valid answers), any other request a small JSON body. Propagation headers are counted.
 */
function answerDownstream(req: IncomingMessage, _body: Buffer, res: ServerResponse): void {
  const target = String(req.headers['x-amz-target'] ?? '');
  count(`downstream ${target || `${req.method} http`}${req.headers['x-datadog-trace-id'] ? ' +dd' : ''}${req.headers.traceparent ? ' +w3c' : ''}`);
  const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'bench-request' };
  if (target.endsWith('.GetItem')) return void res.writeHead(200, headers).end('{"Item":{"id":{"S":"1"}}}');
  if (target.endsWith('.SendMessage')) return void res.writeHead(200, headers).end('{"MessageId":"bench-message","MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592"}');
  json(res, 200, '{"ok":true}');
}

/**
 * The lifecycle API as a native HTTP/1.1 server answers it. The extension serves it with hyper
 * (Rust), whose per-request cost is microseconds; Node's `http` server adds ≈ 100 µs of parsing
 * and response machinery per request on this machine (performance-anchors §2.8: a raw TCP
 * ping-pong is 45 µs at p50, a Node `http` POST 174–213 µs), which would be charged to every
 * awaited lifecycle call and to no Datadog call. So this port reads request heads and
 * `Content-Length` bodies off a raw socket, keep-alive and pipelining included, and writes one
 * fixed `200 {}` per request. `--node-http-lifecycle` in `npm run bench` measures with the Node
 * `http` server instead.
 */
function serveLifecycleRaw(port: number): Promise<void> {
  const answer = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
  const server = createNetServer((socket) => {
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const headEnd = pending.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const head = pending.toString('latin1', 0, headEnd);
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < headEnd + 4 + length) return;
        const [method, url] = head.slice(0, head.indexOf('\r\n')).split(' ');
        count(`${method} ${url}`);
        pending = pending.subarray(headEnd + 4 + length);
        socket.write(answer);
      }
    });
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => server.listen(port, HOST, resolve));
}

async function main(): Promise<void> {
  if (nodeHttpLifecycle) {
    await serve(lifecyclePort, (req, _body, res) => {
      count(`${req.method} ${req.url}`);
      json(res, 200, '{}');
    });
  } else {
    await serveLifecycleRaw(lifecyclePort);
  }
  await serve(tracesPort, (req, body, res) => {
    count(`${req.method} ${req.url}`);
    if (req.url?.includes('/traces')) payloads.push(body);
    if (intakeDelayMs > 0) setTimeout(() => json(res, 200, '{"rate_by_service":{}}'), intakeDelayMs);
    else json(res, 200, '{"rate_by_service":{}}');
  });
  await serve(runtimePort, (req, _body, res) => {
    if (req.url === '/bench/stats') return json(res, 200, JSON.stringify(stats()));
    if (req.url === '/bench/reset') {
      requests = {};
      payloads = [];
      datagrams = 0;
      return json(res, 200, '{}');
    }
    json(res, 202, '{"status":"OK"}');
  });
  if (downstreamPort) await serve(downstreamPort, answerDownstream);
  const udp = createSocket('udp4');
  udp.on('message', () => (datagrams += 1));
  await new Promise<void>((resolve) => udp.bind(dogstatsdPort, HOST, resolve));
  process.stdout.write('ready\n');
}

void main();
