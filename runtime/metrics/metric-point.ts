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

/** Unix seconds of a `Date` or of a number already in seconds; undefined when unusable. */
export function toUnixSeconds(timestamp: Date | number): number | undefined {
  const seconds = timestamp instanceof Date ? timestamp.getTime() / 1000 : timestamp;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : undefined;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
