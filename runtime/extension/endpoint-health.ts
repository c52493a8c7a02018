import { log } from '../log';

/**
 * Remembers whether one route of the extension (start-invocation, end-invocation, the trace
 * intake) has been failing, so a dead or hanging route costs two attempts and then nothing
 * until the next probe, whatever the other routes do.
 *
 * One failure alone does not start the back-off: a CPU-throttled sandbox (Lambda enforces
 * small memory sizes' CPU quota per 100 ms period) can stall one healthy call past its
 * deadline, and that must not cost the traces of the following second.
 *
 * The back-off depends on what a probe costs the invocation. A route that refuses or answers
 * badly costs a loopback round trip, and the trace PUT is not awaited at all: those are probed
 * again every 500 ms, so traces resume within two seconds of the extension coming back. An
 * awaited route that times out costs a whole deadline per probe: its window doubles from
 * 1 s up to 60 s.
 */
const FAILURES_BEFORE_BACKOFF = 2;
const CHEAP_FAILURE_BACKOFF_MS = 500;
const FIRST_TIMEOUT_BACKOFF_MS = 1_000;
const MAX_TIMEOUT_BACKOFF_MS = 60_000;
// The process's first connection may reach an extension that is still starting its listeners.
const COLD_TIMEOUT_FLOOR_MS = 500;

/** `timeout`: the attempt used its whole deadline. `fast`: refused, reset, 4xx/5xx, malformed. */
export type FailureKind = 'timeout' | 'fast';

export interface EndpointHealthOptions {
  /** Names the route in the log lines, e.g. `start-invocation`. */
  readonly route: string;
  /** What the user loses while the route backs off, for the log line. */
  readonly impact: string;
  /** Monotonic milliseconds. @default performance.now */
  readonly now?: () => number;
}

export class EndpointHealth {
  readonly #route: string;
  readonly #impact: string;
  readonly #now: () => number;
  #failures = 0;
  #retryAt = 0;
  #attempted = false;
  #backingOff = false;

  constructor(options: EndpointHealthOptions) {
    this.#route = options.route;
    this.#impact = options.impact;
    this.#now = options.now ?? (() => performance.now());
  }

  /** False while backing off after failures. */
  isAvailable(): boolean {
    return this.#now() >= this.#retryAt;
  }

  /**
   * The deadline of the next attempt. Only the very first attempt of a route, and only when
   * it must open the process's first connection to the extension, gets the long budget: a
   * connection already open proves the extension is listening, and a route that has been
   * tried once never gets it again.
   */
  timeoutFor(baseMs: number, opensFirstConnection: boolean): number {
    const cold = !this.#attempted && opensFirstConnection;
    this.#attempted = true;
    return cold ? Math.max(baseMs, COLD_TIMEOUT_FLOOR_MS) : baseMs;
  }

  succeeded(): void {
    if (this.#backingOff) log.warn(`Datadog extension: ${this.#route} answers again`);
    this.#failures = 0;
    this.#retryAt = 0;
    this.#backingOff = false;
  }

  /** Records a failed attempt that cost `costMs` of the invocation (0 when it was off the critical path). */
  failed(kind: FailureKind, costMs: number, reason?: unknown): void {
    this.#attempted = true;
    // Inside a window, the failure is of an attempt made before it opened (concurrent
    // invocations): one outage, not a reason to wait longer.
    if (this.#backingOff && !this.isAvailable()) return;
    this.#failures += 1;
    const backoffs = this.#failures - FAILURES_BEFORE_BACKOFF;
    if (backoffs < 0) return;
    const costly = kind === 'timeout' && costMs > 0;
    const windowMs = costly ? Math.min(FIRST_TIMEOUT_BACKOFF_MS * 2 ** Math.min(backoffs, 16), MAX_TIMEOUT_BACKOFF_MS) : CHEAP_FAILURE_BACKOFF_MS;
    this.#retryAt = this.#now() + windowMs;
    if (this.#backingOff) return;
    this.#backingOff = true;
    const cost = costMs <= 0 ? 'invocations did not wait' : costly ? `each cost ${Math.round(costMs)} ms` : 'each failed at once';
    log.warn(`Datadog extension: ${this.#route} failed ${this.#failures} times (${cost}); backing off, probing ${costly ? 'after' : 'every'} ${windowMs} ms${costly ? ', then less often' : ''}. Meanwhile ${this.#impact}`, {
      reason: reason instanceof Error ? reason.message : reason,
    });
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }
}
