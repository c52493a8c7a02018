import type { DatadogConfig } from '../config';
import { log } from '../log';
import { bufferPoint } from './metrics-buffer';
import { invalidReason, nowSeconds, type MetricType } from './metric-point';
import { globalTags, MAX_TAG_LENGTH, mergeTags, normalizeTags, type MetricTags } from './metric-tags';

export interface RecordInput {
  readonly name: string;
  readonly value: number;
  readonly type: MetricType;
  readonly tags?: MetricTags;
  /** Unix seconds. @default - now */
  readonly timestamp?: number;
}

/**
 * Validates a point, adds the global tags and buffers it for the next flush. Bad input is
 * dropped with one debug line; this never throws.
 */
export function recordMetric(config: DatadogConfig, input: RecordInput): void {
  try {
    const reason = invalidReason(input.name, input.value);
    if (reason) {
      log.debug(`dropping metric: ${reason}`);
      return;
    }
    const own = normalizeTags(input.tags);
    const merged = mergeTags(globalTags(config), own.tags);
    const dropped = own.dropped + merged.dropped;
    if (dropped > 0) log.debug(`metric ${input.name}: dropped ${dropped} tag(s) that were malformed, over ${MAX_TAG_LENGTH} characters or over the limit`);
    bufferPoint({ name: input.name, value: input.value, type: input.type, tags: merged.tags, timestamp: input.timestamp ?? nowSeconds() });
  } catch (error) {
    log.debug('could not record a metric', error);
  }
}
