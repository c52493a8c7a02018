/**
 * Remembers whether an endpoint has been failing, so a dead or hanging extension costs two
 * timeouts and then nothing until the next probe, instead of a timeout on every invocation.
 *
 * One failure alone does not start the back-off: a CPU-throttled sandbox (Lambda enforces
 * small memory sizes' CPU quota per 100 ms period) can stall one healthy call past its
 * deadline, and that must not cost the traces of the following second.
 */
const FAILURES_BEFORE_BACKOFF = 2;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;
// The first request of a process also pays for loading `node:http` and opening the connection.
const COLD_TIMEOUT_FLOOR_MS = 500;

export class EndpointHealth {
  #failures = 0;
  #retryAt = 0;
  #warm = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** False while backing off after a failure. */
  isAvailable(): boolean {
    return this.now() >= this.#retryAt;
  }

  /** The deadline to use for the next request: generous until one request has succeeded. */
  timeoutFor(baseMs: number): number {
    return this.#warm ? baseMs : Math.max(baseMs, COLD_TIMEOUT_FLOOR_MS);
  }

  succeeded(): void {
    this.#failures = 0;
    this.#retryAt = 0;
    this.#warm = true;
  }

  failed(): void {
    this.#failures += 1;
    const backoffs = this.#failures - FAILURES_BEFORE_BACKOFF;
    if (backoffs >= 0) this.#retryAt = this.now() + Math.min(FIRST_BACKOFF_MS * 2 ** backoffs, MAX_BACKOFF_MS);
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }
}
