import { TraceFlags, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { log } from '../log';

/**
 * Buffers finished spans in memory and exports them all in one call on `forceFlush()`.
 *
 * Lambda freezes the process between invocations, so timer-driven batching (the SDK's
 * BatchSpanProcessor) either loses spans or holds them across freezes; flushing once at the
 * end of each invocation sends one request per invocation and leaves no timer behind.
 */
export class FlushSpanProcessor implements SpanProcessor {
  #buffer: ReadableSpan[] = [];
  #dropped = 0;

  constructor(
    private readonly exporter: SpanExporter,
    /** Spans kept between flushes; beyond it new spans are dropped (a runaway loop must not exhaust memory). */
    private readonly maxBuffered = 10_000,
  ) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.#buffer.length >= this.maxBuffered) {
      this.#dropped += 1;
      return;
    }
    this.#buffer.push(span);
  }

  /** Spans waiting for the next flush. */
  get bufferedCount(): number {
    return this.#buffer.length;
  }

  /**
   * Exports the buffered spans and waits for the exporter to deliver everything it has sent
   * (the OTel contract: after it resolves, nothing is pending).
   */
  async forceFlush(): Promise<void> {
    await this.handOff();
    await this.exporter.forceFlush?.();
  }

  /**
   * Exports the buffered spans and resolves when the exporter reports the export done; for
   * `DatadogSpanExporter`, when the request has been handed to the OS. What the invocation waits for.
   */
  handOff(): Promise<void> {
    if (this.#dropped > 0) {
      log.debug(`dropped ${this.#dropped} spans over the buffer limit of ${this.maxBuffered}`);
      this.#dropped = 0;
    }
    if (this.#buffer.length === 0) return Promise.resolve();
    const spans = this.#buffer;
    this.#buffer = [];
    return new Promise((resolve) => {
      try {
        this.exporter.export(spans, () => resolve());
      } catch (error) {
        log.debug('span export threw', error);
        resolve();
      }
    });
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    await this.exporter.shutdown();
  }
}
