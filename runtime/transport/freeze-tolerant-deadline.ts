/**
 * A request deadline that does not count time the process spent frozen. Lambda freezes the
 * sandbox between invocations; at the thaw libuv runs expired timers before it reads the
 * sockets, so a plain timer armed before the freeze would fail a request whose response is
 * already waiting. When the timer fires far later than asked (twice its budget on the
 * monotonic clock), the wait spanned a freeze or a stalled event loop, not a slow peer: the
 * budget starts again instead.
 */
export class FreezeTolerantDeadline {
  #timer: NodeJS.Timeout;
  #armedAt = performance.now();
  #unref = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly onExpired: () => void,
  ) {
    this.#timer = this.arm();
  }

  clear(): void {
    clearTimeout(this.#timer);
  }

  unref(): void {
    this.#unref = true;
    this.#timer.unref();
  }

  private arm(): NodeJS.Timeout {
    this.#armedAt = performance.now();
    const timer = setTimeout(() => this.fired(), this.timeoutMs);
    if (this.#unref) timer.unref();
    return timer;
  }

  private fired(): void {
    if (performance.now() - this.#armedAt > 2 * this.timeoutMs) {
      this.#timer = this.arm();
      return;
    }
    this.onExpired();
  }
}
