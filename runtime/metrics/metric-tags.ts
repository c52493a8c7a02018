import type { DatadogConfig } from '../config';

/** Tags as `'key:value'` (or bare `'key'`) strings, or as a record of key to value. */
export type MetricTags = readonly string[] | Readonly<Record<string, string | number | boolean>>;

/** Datadog's tag limit; longer tags are dropped rather than cut into a misleading value. */
export const MAX_TAG_LENGTH = 200;
/** The extension keeps at most 100 tags per point (`MAX_TAGS` in its DogStatsD parser). */
export const MAX_TAGS = 100;

// Datadog keeps letters, digits, '_', '-', ':', '.', '/'; anything else (',', '|', '#', spaces…)
// would break the DogStatsD line, so it becomes '_' as the backend would make it.
// Built on first use: V8 validates a regex literal while it parses the bundle, and the Unicode
// property classes cost ≈ 3.6 M instructions of every cold start (callgrind, Node 24), even in
// functions that never send a metric.
let unsafeTagChars: RegExp | undefined;

/** The sanitized tag, or undefined when it is empty, over-long or has no key. */
export function sanitizeTag(raw: string): string | undefined {
  const tag = raw.trim();
  if (tag.length === 0 || tag.length > MAX_TAG_LENGTH || tag.startsWith(':')) return undefined;
  return tag.replace((unsafeTagChars ??= new RegExp('[^\\p{L}\\p{N}_\\-:./]', 'gu')), '_');
}

/**
 * Sanitizes user tags. Returns the kept tags and how many were dropped (malformed, over-long,
 * not strings), so the caller can log once.
 */
export function normalizeTags(tags: MetricTags | undefined): { tags: string[]; dropped: number } {
  const kept: string[] = [];
  let dropped = 0;
  const raw: unknown[] = Array.isArray(tags) ? tags : tags && typeof tags === 'object' ? recordToTags(tags as Record<string, unknown>) : [];
  for (const item of raw) {
    const tag = typeof item === 'string' ? sanitizeTag(item) : undefined;
    if (tag === undefined) dropped += 1;
    else kept.push(tag);
  }
  return { tags: kept, dropped };
}

function recordToTags(record: Record<string, unknown>): unknown[] {
  return Object.entries(record).map(([key, value]) =>
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? `${key}:${value}` : undefined,
  );
}

const globalTagCache = new WeakMap<DatadogConfig, readonly string[]>();

/**
 * The tags every metric carries, whatever the path: `DD_TAGS`, then `service`, `env` and
 * `version`, which win over the same keys in `DD_TAGS`.
 */
export function globalTags(config: DatadogConfig): readonly string[] {
  let tags = globalTagCache.get(config);
  if (!tags) {
    const record: Record<string, string> = { ...config.tags, service: config.service };
    if (config.env) record.env = config.env;
    if (config.version) record.version = config.version;
    tags = Object.freeze(normalizeTags(record).tags);
    globalTagCache.set(config, tags);
  }
  return tags;
}

/** Global tags first, then the point's own, without duplicates and within the extension's limit. */
export function mergeTags(global: readonly string[], own: readonly string[]): { tags: string[]; dropped: number } {
  const merged = own.length === 0 ? [...global] : [...new Set([...global, ...own])];
  if (merged.length <= MAX_TAGS) return { tags: merged, dropped: 0 };
  return { tags: merged.slice(0, MAX_TAGS), dropped: merged.length - MAX_TAGS };
}
