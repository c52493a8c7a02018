/**
 * No AWS trigger existed before 2006 (SQS launched then): an earlier time is corrupt or
 * hostile, not an old event. No upper age bound: recorded events are replayed in tests.
 */
const EARLIEST_EVENT_MS = Date.UTC(2006, 0, 1);

/**
 * A time read from an event or a carrier (ms since the epoch), when it is plausible for an
 * invocation that started at `invocationStartMs`: finite, not before 2006, and never later
 * than the invocation (an upstream clock ahead of ours is pulled back to it). Otherwise
 * undefined, and the span starts with the invocation: an `x-datadog-start-time` of
 * `-9223372036854775808` must not become a span of 2^64−1 ns that the intake silently zeroes.
 */
export function plausibleEventTime(ms: number | undefined, invocationStartMs: number): number | undefined {
  if (ms === undefined || !Number.isFinite(ms) || ms < EARLIEST_EVENT_MS) return undefined;
  return Math.min(ms, invocationStartMs);
}
