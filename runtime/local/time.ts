import type { HrTime } from '@opentelemetry/api';

/**
 * Span times for spans whose start is not "now": explicit `[seconds, nanos]` tuples, which
 * every OTel SDK version reads the same way (a bare epoch-ms number before the process start
 * is taken for a `performance.now()` reading by some versions).
 */
export function msToHrTime(ms: number): HrTime {
  const whole = Math.floor(ms);
  let seconds = Math.floor(whole / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return [seconds, nanos];
}

/** Now in epoch ms with sub-millisecond precision, on the clock the OTel SDK uses for spans. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
