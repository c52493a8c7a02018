/** DogStatsD types the extension aggregates: distribution, count, gauge (`h`, `s`, `ms` it drops). */
export type MetricType = 'd' | 'c' | 'g';

/** One validated metric point, tags already sanitized and global tags included. */
export interface MetricPoint {
  readonly name: string;
  readonly value: number;
  readonly type: MetricType;
  readonly tags: readonly string[];
  /** Unix seconds, whole. */
  readonly timestamp: number;
}

// Datadog's rule: starts with a letter, then ASCII letters, digits, underscores and periods, 200 at most.
const METRIC_NAME = /^[A-Za-z][\w.]{0,199}$/;

/** Why a name or value cannot be sent, or undefined when both are fine. */
export function invalidReason(name: unknown, value: unknown): string | undefined {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
    return `metric name ${JSON.stringify(name)} is not a letter followed by up to 199 letters, digits, '_' or '.'`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return `value of ${name} is not a finite number`;
  return undefined;
}

// Datadog's intake ignores points this old; datadog-lambda-js drops them client-side too.
const MAX_AGE_SECONDS = 4 * 60 * 60;

/** Unix seconds of a `Date` or of a number already in seconds; undefined when unusable or older than 4 hours. */
export function toUnixSeconds(timestamp: Date | number, now: number = nowSeconds()): number | undefined {
  const seconds = timestamp instanceof Date ? timestamp.getTime() / 1000 : timestamp;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return seconds < now - MAX_AGE_SECONDS ? undefined : Math.floor(seconds);
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
