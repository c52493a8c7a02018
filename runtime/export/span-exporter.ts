import type { ExportResult, ReadableSpan, SpanExporter } from './sdk-types';
import { globalSlot } from '../global-state';
import { hexToBigInt, newSpanId, newTraceId } from '../tracing/ids';
import { log } from '../log';
import { EndpointHealth } from '../extension/endpoint-health';
import { hasConnected, loopbackRequest } from '../transport/loopback-http';
import { LIBRARY_VERSION } from '../version';
import type { DatadogTrace } from './datadog-span';
import { toDatadogSpan, type SpanMappingOptions } from './span-mapping';
import { TraceBacklog } from './trace-backlog';
import { correctionFor, type TraceCorrection } from './trace-corrections';
import { readDatadogTraceState } from './trace-state';
import { encodeTraces } from './v04-encoder';

export interface DatadogSpanExporterOptions {
  /**
   * Where spans go: the trace intake (v0.4 msgpack), standard output in the Datadog
   * Forwarder's `{"traces":[[…]]}` format, or nowhere.
   * @default 'agent'
   */
  readonly mode?: 'agent' | 'log' | 'none';
  /**
   * Trace intake base URL.
   * @default 'http://127.0.0.1:8126'
   */
  readonly url?: string;
  /** Service for spans without `service.name`. */
  readonly service: string;
  /** @default - no `env` tag */
  readonly env?: string;
  /** @default - no `version` tag */
  readonly version?: string;
  /** Tags written to every span (`DD_TAGS`). @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** @default 1000 */
  readonly timeoutMs?: number;
  /**
   * Spans kept while 8 trace requests are unanswered (a slow intake); they go out with the
   * next request. Beyond it, spans are dropped and counted (`droppedSpanCount`).
   * @default 10000
   */
  readonly maxQueuedSpans?: number;
  /** Writes one log line (the `log` mode). @default process.stdout */
  readonly writeLine?: (line: string) => void;
}

// ExportResultCode's values (0, 1): the SpanExporter contract, without evaluating core at init.
const SUCCESS = 0;
const FAILED = 1;

// Unanswered PUTs at a time, each on its own connection. Beyond it traces wait in a bounded backlog.
const MAX_IN_FLIGHT = 8;

// dd-trace's log exporter keeps each line under 64 KB so CloudWatch does not split it.
const MAX_LOG_LINE = 64 * 1024;

/**
 * OTel `SpanExporter` that sends finished spans to the Datadog Lambda Extension's trace
 * intake as one v0.4 msgpack request per export. Never throws; reports failures through
 * the result callback.
 *
 * An export completes when the request has been handed to the operating system, not when
 * the intake answers: spans carry their own ids, so the extension takes them whenever it
 * reads them, and the invocation does not wait for its reply (`forceFlush()` does). The
 * reply is still read, in the background, to keep the route's health.
 */
export class DatadogSpanExporter implements SpanExporter {
  readonly #mode: 'agent' | 'log' | 'none';
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #mapping: SpanMappingOptions;
  readonly #writeLine: (line: string) => void;
  readonly #health = new EndpointHealth({ route: 'trace intake', impact: 'spans are dropped' });
  /** Requests written and not yet answered. */
  readonly #inFlight = new Set<Promise<void>>();
  readonly #backlog: TraceBacklog;
  #droppedSpans = 0;
  #shutdown = false;

  constructor(options: DatadogSpanExporterOptions) {
    this.#mode = options.mode ?? 'agent';
    this.#url = `${(options.url ?? 'http://127.0.0.1:8126').replace(/\/+$/, '')}/v0.4/traces`;
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#backlog = new TraceBacklog(options.maxQueuedSpans ?? 10_000);
    this.#writeLine = options.writeLine ?? ((line) => process.stdout.write(`${line}\n`));
    this.#mapping = {
      service: options.service,
      env: options.env,
      version: options.version,
      tags: options.tags,
      runtimeId: processRuntimeId(),
    };
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown || this.#mode === 'none' || spans.length === 0) {
      resultCallback({ code: this.#shutdown ? FAILED : SUCCESS });
      return;
    }
    if (this.#mode === 'agent' && !this.#health.isAvailable()) {
      resultCallback(this.dropped(spans.length, 'trace intake backing off'));
      return;
    }
    let traces: DatadogTrace[];
    try {
      traces = this.toTraces(spans);
    } catch (error) {
      log.debug('could not map spans', error);
      resultCallback({ code: FAILED, error: error as Error });
      return;
    }
    if (this.#mode === 'log') {
      resultCallback(this.writeLog(traces));
      return;
    }
    if (this.#inFlight.size >= MAX_IN_FLIGHT) {
      const dropped = this.#backlog.add(traces);
      resultCallback(dropped > 0 ? this.dropped(dropped, 'trace backlog full') : { code: SUCCESS });
      return;
    }
    this.send([...this.#backlog.take(), ...traces], resultCallback);
  }

  /** Spans dropped because the intake was backing off, or was slow and the backlog full. */
  get droppedSpanCount(): number {
    return this.#droppedSpans;
  }

  /**
   * Groups spans into one chunk per trace id and adds the chunk tags to each chunk's first
   * span. A trace the extension named differently at start-invocation takes its ids.
   */
  toTraces(spans: readonly ReadableSpan[]): DatadogTrace[] {
    const chunks = new Map<string, DatadogTrace>();
    for (const span of spans) {
      const traceId = span.spanContext().traceId;
      let chunk = chunks.get(traceId);
      if (!chunk) {
        chunk = [];
        chunks.set(traceId, chunk);
        const first = toDatadogSpan(span, this.#mapping);
        const high = traceId.slice(0, 16);
        if (high !== '0000000000000000') first.meta['_dd.p.tid'] = high;
        const { propagationTags } = readDatadogTraceState(span.spanContext().traceState);
        Object.assign(first.meta, { '_dd.p.dm': '-0' }, propagationTags);
        chunk.push(first);
        continue;
      }
      chunk.push(toDatadogSpan(span, this.#mapping));
    }
    for (const [traceId, chunk] of chunks) {
      const correction = correctionFor(traceId);
      if (correction) applyCorrection(chunk, correction);
    }
    return [...chunks.values()];
  }

  /** Encodes the v0.4 payload: an array of chunks, each an array of span maps. */
  encode(traces: readonly DatadogTrace[]): Uint8Array {
    return encodeTraces(traces);
  }

  private dropped(spanCount: number, reason: string): ExportResult {
    this.#droppedSpans += spanCount;
    log.debug(`dropped ${spanCount} spans: ${reason}`, { droppedSpans: this.#droppedSpans });
    return { code: FAILED, error: new Error(reason) };
  }

  /** Sends the backlog once a request slot is free (and the intake not backing off). */
  private drainBacklog(): void {
    if (this.#backlog.spanCount === 0 || this.#inFlight.size >= MAX_IN_FLIGHT || !this.#health.isAvailable()) return;
    this.send(this.#backlog.take(), () => undefined);
  }

  /** Writes the PUT; `resultCallback` runs once it is handed to the OS (or failed before). */
  private send(traces: DatadogTrace[], resultCallback: (result: ExportResult) => void): void {
    let reported = false;
    const report = (result: ExportResult) => {
      if (reported) return;
      reported = true;
      resultCallback(result);
    };
    let request: Promise<void>;
    try {
      request = loopbackRequest({
        url: this.#url,
        method: 'PUT',
        headers: {
          'content-type': 'application/msgpack',
          'datadog-meta-lang': 'nodejs',
          'datadog-meta-lang-version': process.version,
          'datadog-meta-lang-interpreter': 'v8',
          'datadog-meta-tracer-version': LIBRARY_VERSION,
          'x-datadog-trace-count': String(traces.length),
        },
        body: this.encode(traces),
        timeoutMs: this.#health.timeoutFor(this.#timeoutMs, !hasConnected(this.#url)),
        background: true,
        onWritten: () => report({ code: SUCCESS }),
      }).then((response) => {
        if (response.status >= 400) throw new Error(`trace intake answered ${response.status}: ${response.body.slice(0, 200)}`);
        this.#health.succeeded();
        report({ code: SUCCESS });
      });
    } catch (error) {
      request = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const settled = request.catch((error: NodeJS.ErrnoException) => {
      // Not awaited by the invocation: its cost to the invocation is nil whatever the failure.
      this.#health.failed(error?.code === 'ETIMEDOUT' ? 'timeout' : 'fast', 0, error);
      log.debug('trace export failed', error);
      report({ code: FAILED, error });
    });
    this.#inFlight.add(settled);
    void settled.then(() => {
      this.#inFlight.delete(settled);
      this.drainBacklog();
    });
  }

  private writeLog(traces: DatadogTrace[]): ExportResult {
    try {
      let batch: string[] = [];
      let size = 0;
      const flush = () => {
        if (batch.length > 0) this.#writeLine(`{"traces":[${batch.join(',')}]}`);
        batch = [];
        size = 0;
      };
      for (const trace of traces) {
        const json = toJsonWithIntegers(trace);
        if (json.length > MAX_LOG_LINE) continue;
        if (size + json.length > MAX_LOG_LINE) flush();
        batch.push(json);
        size += json.length + 1;
      }
      flush();
      return { code: SUCCESS };
    } catch (error) {
      return { code: FAILED, error: error as Error };
    }
  }

  /** Sends the backlog and waits until every request written so far has been answered (or failed). */
  async forceFlush(): Promise<void> {
    this.drainBacklog();
    while (this.#inFlight.size > 0) {
      await Promise.all(this.#inFlight);
      this.drainBacklog();
    }
  }

  async shutdown(): Promise<void> {
    this.#shutdown = true;
    await this.forceFlush();
  }
}

/** The extension's trace for a chunk: its trace id (low half, and `_dd.p.tid` on the first span) and priority. */
function applyCorrection(chunk: DatadogTrace, correction: TraceCorrection): void {
  const low = hexToBigInt(correction.traceId.slice(16));
  const high = correction.traceId.slice(0, 16);
  if (high === '0000000000000000') delete chunk[0].meta['_dd.p.tid'];
  else chunk[0].meta['_dd.p.tid'] = high;
  for (const span of chunk) {
    span.trace_id = low;
    if (correction.samplingPriority !== undefined) span.metrics._sampling_priority_v1 = correction.samplingPriority;
  }
}

/** One id per process, as the Datadog tracers send; from the id generator, so node:crypto stays unloaded. */
function processRuntimeId(): string {
  return globalSlot('runtime-id', () => {
    const hex = newTraceId().slice(16) + newSpanId();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  });
}

/** JSON with BigInt fields written as exact integers (JSON.stringify refuses BigInt). */
export function toJsonWithIntegers(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `\u0000${v}\u0000` : v)).replace(
    /"\\u0000(\d+)\\u0000"/g,
    '$1',
  );
}
