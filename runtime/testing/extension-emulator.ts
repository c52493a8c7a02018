import { decode } from '@msgpack/msgpack';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV, type DatadogConfigOptions } from '../config';
import { decimalIdToHex, hexIdToDecimal, splitTraceId, ZERO_HIGH_BITS } from '../tracing/ids';
import { extractStepFunctionsContext } from '../propagation/step-functions';
import { extensionContextOf } from '../propagation/extension-context';
import { ERROR_HEADER, REQUEST_ID_HEADER } from '../extension/client';
import { formatDatadogTags } from '../propagation/datadog-tags';
import { extractFromHeaders, HEADER } from '../propagation/headers';
import type { DatadogTraceContext } from '../tracing/trace-context';

/** The emulator's routes. */
export type Route = 'start-invocation' | 'end-invocation' | 'traces' | 'info';

/** How a route misbehaves on demand. */
export type FailureMode =
  /** Answer 500. */
  | 'status-500'
  /** Never answer (until `close()`). */
  | 'hang'
  /** Answer 200 with malformed trace headers and body. */
  | 'garbage'
  /** Drop the connection. */
  | 'reset'
  /** Answer normally, but only after `slowResponseMs` (default 300 ms). */
  | 'slow'
  /** Answer bytes that are not HTTP, then close. */
  | 'malformed';

/** A span as decoded from the wire: ids, `start` and `duration` as BigInt. */
export interface DecodedSpan {
  readonly service: string;
  readonly name: string;
  readonly resource: string;
  readonly type?: string;
  readonly trace_id: bigint;
  readonly span_id: bigint;
  readonly parent_id: bigint;
  readonly start: bigint;
  readonly duration: bigint;
  readonly error: number;
  readonly meta: Record<string, string>;
  readonly metrics: Record<string, number>;
}

export interface RecordedRequest {
  readonly route: Route;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly receivedAt: bigint;
}

export interface StartRecord extends RecordedRequest {
  readonly event: unknown;
  /** What the emulator extracted and answered with. */
  readonly extracted?: DatadogTraceContext;
}

export interface EndRecord extends RecordedRequest {
  readonly result: unknown;
}

export interface TraceRequest extends RecordedRequest {
  readonly traces: DecodedSpan[][];
}

/** The extension's own ports, which a bundle with default settings calls. */
export const EXTENSION_PORTS = { lifecycle: 8124, traces: 8126 } as const;

/** Where the emulator listens: free ports, the extension's fixed ones, or ports of your choice. */
export type EmulatorPorts = 'random' | 'fixed' | { readonly lifecycle: number; readonly traces: number };

/** How the emulator listens and names the `aws.lambda` spans it builds. */
export interface ExtensionEmulatorOptions {
  /**
   * `'random'`: free loopback ports (several emulators side by side, tests in parallel).
   * `'fixed'`: the extension's own, 8124 (lifecycle) and 8126 (traces), as a bundle with default
   * settings expects. Or explicit port numbers. A port in use makes `start()` reject, naming it.
   * @default 'random'
   */
  readonly ports?: EmulatorPorts;
  /**
   * Their service, as `DD_SERVICE` names it for the extension.
   * @default 'aws.lambda'
   */
  readonly service?: string;
  /**
   * Their resource: the function name.
   * @default - `AWS_LAMBDA_FUNCTION_NAME`, else 'function'
   */
  readonly functionName?: string;
}

/**
 * A local stand-in for the Datadog Lambda Extension, for tests and local runs: the
 * lifecycle API (start/end-invocation) and the v0.4 trace intake on real loopback ports.
 *
 * It answers start-invocation as the extension does (the upstream context it extracts from
 * the event, in Datadog headers), builds the `aws.lambda` span from the end-invocation
 * headers as the extension does at `platform.runtimeDone`, and decodes every trace payload.
 *
 * Its servers and connections never keep the process alive, so a test that fails before
 * `close()` does not hang Jest; `await using` (or `Symbol.asyncDispose`) closes it too.
 *
 * @example
 * const extension = await ExtensionEmulator.start();
 * const handler = wrapHandler(myHandler, extension.config());
 * await handler(event, createLambdaContext({ functionName: 'orders' }));
 * expect(extension.spans().map((s) => s.name)).toContain('aws.lambda');
 * await extension.close();
 */
export class ExtensionEmulator {
  readonly starts: StartRecord[] = [];
  readonly ends: EndRecord[] = [];
  readonly traceRequests: TraceRequest[] = [];
  /** The `aws.lambda` spans the emulator built, one per completed invocation. */
  readonly lambdaSpans: DecodedSpan[] = [];
  /** Every request that reached a known route, in order, including those answered with a failure. */
  readonly received: Route[] = [];

  readonly #failures = new Map<Route, FailureMode>();
  /** How late the `slow` failure mode answers. */
  slowResponseMs = 300;
  readonly #hanging = new Set<ServerResponse>();
  readonly #pendingStarts = new Map<string, StartRecord>();
  /** Invocations whose end arrived before their start (two connections): the span to redo when it comes. */
  readonly #endedBeforeStart = new Map<string, { readonly end: EndRecord; readonly index: number }>();
  readonly #extensionDir: string;
  /** Lifecycle and intake ports, kept across `stop()`. */
  #ports: readonly [number, number] = [0, 0];
  #closed: Promise<void> | undefined;

  private constructor(
    private readonly lifecycle: Server,
    private readonly intake: Server,
    /** A file standing in for `/opt/extensions/datadog-agent`. */
    readonly extensionPath: string,
    extensionDir: string,
    /** Service of the `aws.lambda` spans it builds. */
    private readonly service: string,
    /** Resource of the `aws.lambda` spans it builds. */
    private readonly functionName: string | undefined,
  ) {
    this.#extensionDir = extensionDir;
  }

  /**
   * Starts both servers on loopback, on free ports unless `ports` says otherwise (one emulator
   * per function, as each function has its own extension).
   */
  static async start(options: ExtensionEmulatorOptions = {}): Promise<ExtensionEmulator> {
    const ports = portsOf(options.ports ?? 'random');
    const dir = mkdtempSync(join(tmpdir(), 'dd-extension-'));
    const extensionPath = join(dir, 'datadog-agent');
    writeFileSync(extensionPath, '');
    const lifecycle = createServer();
    const intake = createServer();
    const emulator = new ExtensionEmulator(lifecycle, intake, extensionPath, dir, options.service ?? 'aws.lambda', options.functionName);
    lifecycle.on('request', (req, res) => void emulator.onLifecycle(req, res));
    intake.on('request', (req, res) => void emulator.onIntake(req, res));
    try {
      await Promise.all([listen(lifecycle, ports.lifecycle), listen(intake, ports.traces)]);
    } catch (error) {
      await emulator.close();
      throw error;
    }
    emulator.#ports = [(lifecycle.address() as AddressInfo).port, (intake.address() as AddressInfo).port];
    return emulator;
  }

  get lifecycleUrl(): string {
    return `http://127.0.0.1:${this.#ports[0]}`;
  }

  get traceUrl(): string {
    return `http://127.0.0.1:${this.#ports[1]}`;
  }

  /**
   * Configuration that points the runtime at this emulator (and makes the extension look
   * installed). Its call budgets are generous (1 s) so tests on a loaded machine do not
   * depend on timing; override `extensionTimeoutMs` to test timeouts.
   */
  config(): DatadogConfigOptions {
    return {
      extensionUrl: this.lifecycleUrl,
      traceAgentUrl: this.traceUrl,
      extensionPath: this.extensionPath,
      traceExporter: 'agent',
      extensionTimeoutMs: 1000,
      flushTimeoutMs: 2000,
    };
  }

  /**
   * The environment that points a runtime in another process (a real bundle, one built by the
   * `DatadogTracedFunction` construct, or one run by AWS's runtime interface client) at this
   * emulator: the endpoints, a file standing in for the installed extension, and the same
   * generous budgets as `config()`.
   *
   * @example
   * spawn(process.execPath, ['bundle/index.js'], { env: { ...process.env, ...extension.environment() } });
   */
  environment(): Record<string, string> {
    const config = this.config();
    return {
      [ENV.EXTENSION_URL]: this.lifecycleUrl,
      [ENV.TRACE_AGENT_URL]: this.traceUrl,
      [ENV.EXTENSION_PATH]: this.extensionPath,
      [ENV.TRACE_EXPORTER]: 'agent',
      [ENV.EXTENSION_TIMEOUT_MS]: String(config.extensionTimeoutMs),
      [ENV.FLUSH_TIMEOUT_MS]: String(config.flushTimeoutMs),
    };
  }

  /** Makes a route misbehave until `fail(route, undefined)` or `reset()`. */
  fail(route: Route, mode: FailureMode | undefined): void {
    if (mode) this.#failures.set(route, mode);
    else this.#failures.delete(route);
  }

  /** Every span received on the trace intake, in arrival order. */
  receivedSpans(): DecodedSpan[] {
    return this.traceRequests.flatMap((request) => request.traces.flat());
  }

  /** Received spans plus the `aws.lambda` spans built from the lifecycle calls: the whole trace as Datadog would show it. */
  spans(): DecodedSpan[] {
    return [...this.lambdaSpans, ...this.receivedSpans()];
  }

  /** Forgets what was recorded and every failure mode. */
  reset(): void {
    this.starts.length = 0;
    this.ends.length = 0;
    this.traceRequests.length = 0;
    this.lambdaSpans.length = 0;
    this.received.length = 0;
    this.#failures.clear();
    this.#pendingStarts.clear();
    this.#endedBeforeStart.clear();
  }

  /** Stops listening on both ports, as when the extension process dies; `restart()` brings it back on the same ports. */
  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#hanging.clear();
    await Promise.all([closeServer(this.lifecycle), closeServer(this.intake)]);
  }

  /** Listens again on the ports it had before `stop()`. */
  async restart(): Promise<void> {
    const [lifecyclePort, intakePort] = this.#ports;
    await Promise.all([listen(this.lifecycle, lifecyclePort), listen(this.intake, intakePort)]);
  }

  /** Stops both servers and removes the stand-in extension file. Calling it again is harmless. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.stop();
      rmSync(this.#extensionDir, { recursive: true, force: true });
    })();
    return this.#closed;
  }

  /** `await using extension = await ExtensionEmulator.start()` closes it when the block ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async onLifecycle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const route: Route | undefined =
      req.url === '/lambda/start-invocation' ? 'start-invocation' : req.url === '/lambda/end-invocation' ? 'end-invocation' : undefined;
    if (!route || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const recorded: RecordedRequest = { route, headers: req.headers, body, receivedAt: process.hrtime.bigint() };
    this.received.push(route);
    if (await this.misbehave(route, res)) return;
    if (route === 'start-invocation') this.onStart(recorded, res);
    else this.onEnd(recorded, res);
  }

  private onStart(recorded: RecordedRequest, res: ServerResponse): void {
    const event = parseJson(recorded.body);
    // The event's context as the extension extracts it, then the request's own headers. A Step
    // Functions context (derived when no carrier is found) gets its `_dd.p.tid` unpadded (`{:x}`).
    const extracted = extensionContextOf(event) ?? extractFromHeaders(recorded.headers);
    const stepFunctions = extracted !== undefined && extracted.traceId === extractStepFunctionsContext(event)?.context.traceId;
    const start: StartRecord = { ...recorded, event, extracted };
    this.starts.push(start);
    const requestId = String(recorded.headers[REQUEST_ID_HEADER] ?? '');
    const ended = this.#endedBeforeStart.get(requestId);
    this.#endedBeforeStart.delete(requestId);
    if (ended) {
      // The extension pairs both by request id whatever their order: the span takes this start's context.
      const span = this.buildLambdaSpan(start, ended.end, ended.end.result);
      if (span) this.lambdaSpans[ended.index] = span;
    } else {
      this.#pendingStarts.set(requestId, start);
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (extracted) {
      // What the extension answers: the low 64 bits, the priority, and `_dd.p.tid` alone.
      const { high, low } = splitTraceId(extracted.traceId);
      headers[HEADER.TRACE_ID] = hexIdToDecimal(low);
      if (extracted.samplingPriority !== undefined) headers[HEADER.SAMPLING_PRIORITY] = String(extracted.samplingPriority);
      const tags = stepFunctions ? `_dd.p.tid=${BigInt(`0x${high}`).toString(16)}` : formatDatadogTags(high, {});
      if (tags) headers[HEADER.TAGS] = tags;
    }
    res.writeHead(200, headers).end('{}');
  }

  private onEnd(recorded: RecordedRequest, res: ServerResponse): void {
    const result = parseJson(recorded.body);
    const end: EndRecord = { ...recorded, result };
    this.ends.push(end);
    const requestId = String(recorded.headers[REQUEST_ID_HEADER] ?? '');
    const start = this.#pendingStarts.get(requestId);
    this.#pendingStarts.delete(requestId);
    const span = this.buildLambdaSpan(start, recorded, result);
    if (span) {
      if (!start) this.#endedBeforeStart.set(requestId, { end, index: this.lambdaSpans.length });
      this.lambdaSpans.push(span);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }

  /**
   * The extension's `aws.lambda`: span id from `x-datadog-span-id`; the trace from the start
   * reply, else from the end-invocation headers (our generated trace).
   */
  private buildLambdaSpan(start: StartRecord | undefined, end: RecordedRequest, result: unknown): DecodedSpan | undefined {
    const header = (name: string) => single(end.headers[name]);
    const spanIdHex = decimalIdToHex(header('x-datadog-span-id'));
    const traceId = (start?.extracted ?? extractFromHeaders(end.headers))?.traceId;
    if (!spanIdHex || !traceId) return undefined;
    const { high, low } = splitTraceId(traceId);
    const meta: Record<string, string> = { 'span.kind': 'server', request_id: header(REQUEST_ID_HEADER) ?? '' };
    if (high !== ZERO_HIGH_BITS) meta['_dd.p.tid'] = high;
    let error = header(ERROR_HEADER.ERROR) === 'true' ? 1 : 0;
    for (const [name, key] of [[ERROR_HEADER.MESSAGE, 'error.msg'], [ERROR_HEADER.TYPE, 'error.type'], [ERROR_HEADER.STACK, 'error.stack']] as const) {
      const value = header(name);
      if (value !== undefined) {
        meta[key] = Buffer.from(value, 'base64').toString('utf8');
        error = 1;
      }
    }
    const statusCode = (result as { statusCode?: unknown } | undefined)?.statusCode;
    if (typeof statusCode === 'number') {
      meta['http.status_code'] = String(statusCode);
      if (statusCode >= 500 && statusCode <= 599) error = 1;
    }
    const startNs = BigInt(Date.now()) * 1_000_000n - (end.receivedAt - (start?.receivedAt ?? end.receivedAt));
    const priority = Number(header(HEADER.SAMPLING_PRIORITY) ?? start?.extracted?.samplingPriority ?? 1);
    return {
      service: this.service,
      name: 'aws.lambda',
      resource: this.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'function',
      type: 'serverless',
      trace_id: BigInt(`0x${low}`),
      span_id: BigInt(`0x${spanIdHex}`),
      parent_id: start?.extracted?.parentId ? BigInt(`0x${start.extracted.parentId}`) : 0n,
      start: startNs,
      duration: end.receivedAt - (start?.receivedAt ?? end.receivedAt),
      error,
      meta,
      metrics: { _sampling_priority_v1: priority },
    };
  }

  private async onIntake(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.url === '/info') {
      this.received.push('info');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"endpoints":["/v0.4/traces"],"client_drop_p0s":false}');
      return;
    }
    if (req.url !== '/v0.4/traces' || (req.method !== 'PUT' && req.method !== 'POST')) {
      res.writeHead(404).end();
      return;
    }
    this.received.push('traces');
    if (await this.misbehave('traces', res)) return;
    let traces: DecodedSpan[][];
    try {
      traces = decode(body, { useBigInt64: true }) as DecodedSpan[][];
      if (!Array.isArray(traces)) throw new Error('payload is not an array of traces');
    } catch (error) {
      res.writeHead(500).end(`Error deserializing trace from request body: ${(error as Error).message}`);
      return;
    }
    this.traceRequests.push({ route: 'traces', headers: req.headers, body, receivedAt: process.hrtime.bigint(), traces: traces.map((t) => t.map(normalizeSpan)) });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"rate_by_service":{}}');
  }

  /** Applies the route's failure mode; true when the response is handled (or never will be). */
  private async misbehave(route: Route, res: ServerResponse): Promise<boolean> {
    const mode = this.#failures.get(route);
    if (!mode) return false;
    if (mode === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, this.slowResponseMs));
      return res.destroyed;
    }
    if (mode === 'malformed') res.socket?.end('HTTP/1.1 banana\r\nnot a header\r\n\r\n');
    else if (mode === 'status-500') res.writeHead(500).end('emulated failure');
    else if (mode === 'hang') this.#hanging.add(res);
    else if (mode === 'reset') res.socket?.destroy();
    else res.writeHead(200, { [HEADER.TRACE_ID]: 'not-a-number', [HEADER.SAMPLING_PRIORITY]: 'high', [HEADER.TAGS]: '_dd.p.tid=zz' }).end('<html>');
    return true;
  }
}

/** Decoded integers that fit in a JS number come back as numbers; ids and times are always BigInt. */
function normalizeSpan(span: DecodedSpan): DecodedSpan {
  const big = (value: unknown) => (typeof value === 'bigint' ? value : BigInt(value as number));
  return { ...span, trace_id: big(span.trace_id), span_id: big(span.span_id), parent_id: big(span.parent_id ?? 0), start: big(span.start), duration: big(span.duration) };
}

function portsOf(ports: EmulatorPorts): { lifecycle: number; traces: number } {
  if (ports === 'random') return { lifecycle: 0, traces: 0 };
  if (ports === 'fixed') return { ...EXTENSION_PORTS };
  for (const port of [ports.lifecycle, ports.traces]) {
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`ExtensionEmulator: port ${String(port)} is not a port number (0 to 65535)`);
  }
  return { lifecycle: ports.lifecycle, traces: ports.traces };
}

function unrefSocket(socket: Socket): void {
  socket.unref();
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'is in use (another emulator, or a local extension or agent?)' : `cannot be used (${error.code ?? error.message})`;
      reject(new Error(`ExtensionEmulator: port ${port} on 127.0.0.1 ${reason}`, { cause: error }));
    };
    server.once('error', onError);
    // Neither the server nor its connections keep the process alive: a test that fails before
    // close() must not leave Jest waiting on open handles. (restart() listens again: one handler.)
    server.off('connection', unrefSocket);
    server.on('connection', unrefSocket);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
    server.unref();
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return {};
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
