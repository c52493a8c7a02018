import type { DatadogTrace } from './datadog-span';

/**
 * Traces waiting for a free request slot while the intake has too many requests unanswered,
 * bounded by span count: a slow intake costs bounded memory, and only what exceeds the bound
 * is dropped.
 */
export class TraceBacklog {
  #traces: DatadogTrace[] = [];
  #spans = 0;

  constructor(private readonly maxSpans: number) {}

  /** Queues the traces that fit; returns how many spans did not and were dropped. */
  add(traces: readonly DatadogTrace[]): number {
    let dropped = 0;
    for (const trace of traces) {
      if (this.#spans + trace.length > this.maxSpans) {
        dropped += trace.length;
        continue;
      }
      this.#traces.push(trace);
      this.#spans += trace.length;
    }
    return dropped;
  }

  /** Everything queued, oldest first; the backlog is empty afterwards. */
  take(): DatadogTrace[] {
    const traces = this.#traces;
    this.#traces = [];
    this.#spans = 0;
    return traces;
  }

  get spanCount(): number {
    return this.#spans;
  }
}
