/**
 * A request deadline that does not count time the process spent frozen. Lambda freezes the
 * sandbox between invocations; at the thaw libuv runs expired timers before it reads the
 * sockets, so a plain timer armed before the freeze would fail a request whose response is
 * already waiting. When the timer fires far later than asked (twice its budget on the
 * monotonic clock), the wait spanned a freeze or a stalled event loop, not a slow peer: the
 * budget starts again instead.
 */
export interface FreezeTolerantDeadline {
  clear(): void;
  /** From now on the deadline does not keep the process alive. */
  unref(): void;
}

// A closure rather than a class: minified, its state names shrink and private fields do not.
export function freezeTolerantDeadline(timeoutMs: number, onExpired: () => void): FreezeTolerantDeadline {
  let unref = false;
  let armedAt = 0;
  let timer: NodeJS.Timeout;
  const arm = () => {
    armedAt = performance.now();
    timer = setTimeout(() => (performance.now() - armedAt > 2 * timeoutMs ? arm() : onExpired()), timeoutMs);
    if (unref) timer.unref();
  };
  arm();
  return {
    clear: () => clearTimeout(timer),
    unref: () => {
      unref = true;
      timer.unref();
    },
  };
}
