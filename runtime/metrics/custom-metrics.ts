import { processConfig, type DatadogConfig } from '../config';
import { currentRootSpan } from '../invocation/root-span';
import { log } from '../log';
import { toUnixSeconds } from './metric-point';
import type { MetricTags } from './metric-tags';
import { recordMetric } from './record-metric';

export type { MetricTags } from './metric-tags';

/** The wrapper's config inside an invocation, else the one from the environment. */
function activeConfig(): DatadogConfig {
  return currentRootSpan()?.config ?? processConfig();
}

/**
 * Records a distribution point (DogStatsD `d`): percentiles, averages and counts across all
 * your functions' instances. Sent at the end of the current invocation, or with the next
 * invocation's flush when called outside one. Never throws; bad input is dropped with a
 * debug log.
 *
 * Every point carries `service`, `env`, `version` and `DD_TAGS`, like the other functions here.
 *
 * @param name metric name: a letter, then letters, digits, `_` or `.` (200 characters at most)
 * @param value a finite number
 * @param tags `['key:value', …]` or `{ key: 'value' }`. @default - only the global tags
 * @param timestamp when the value was observed: a `Date` or Unix seconds. @default - now
 *
 * @example
 * import { sendDistributionMetric } from 'datadog-lambda-ts/runtime';
 * sendDistributionMetric('orders.basket.value', 42.5, ['currency:eur']);
 */
export function sendDistributionMetric(name: string, value: number, tags?: MetricTags, timestamp?: Date | number): void {
  try {
    const seconds = timestamp === undefined ? undefined : toUnixSeconds(timestamp);
    if (timestamp !== undefined && seconds === undefined) {
      log.debug(`dropping metric ${String(name)}: timestamp is not a valid Date or Unix seconds within the last 4 hours`);
      return;
    }
    recordMetric(activeConfig(), { name, value, type: 'd', tags, timestamp: seconds });
  } catch (error) {
    log.debug('sendDistributionMetric failed', error);
  }
}

/**
 * Adds to a count (DogStatsD `c`). Sent like `sendDistributionMetric`.
 *
 * @param value how much to add. @default 1
 * @param tags @default - only the global tags
 *
 * @example
 * incrementMetric('orders.created', 1, { channel: 'web' });
 */
export function incrementMetric(name: string, value = 1, tags?: MetricTags): void {
  try {
    recordMetric(activeConfig(), { name, value, type: 'c', tags });
  } catch (error) {
    log.debug('incrementMetric failed', error);
  }
}

/**
 * Sets a gauge (DogStatsD `g`): the last value in each 10-second interval wins. Sent like
 * `sendDistributionMetric`.
 *
 * @param tags @default - only the global tags
 *
 * @example
 * gauge('orders.queue.depth', 17);
 */
export function gauge(name: string, value: number, tags?: MetricTags): void {
  try {
    recordMetric(activeConfig(), { name, value, type: 'g', tags });
  } catch (error) {
    log.debug('gauge failed', error);
  }
}
