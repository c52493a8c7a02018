/**
 * Defensive readers for untrusted Lambda events: every helper returns `undefined` rather
 * than throwing on a wrong type, and refuses inputs above a size bound so a hostile or
 * merely large payload cannot make extraction expensive.
 */
export type Obj = Record<string, unknown>;

/** A `_datadog` carrier is a handful of short headers; anything far larger is not one. */
export const MAX_CARRIER_LENGTH = 8 * 1024;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is a non-empty string. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The value as a finite number; numeric strings count (SQS timestamps are strings). */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 32) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** `obj[a][b]…` when every step is an object. */
export function path(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** The first element of `Records` when it is an object. */
export function firstRecord(event: Obj): Obj | undefined {
  const records = event.Records;
  return Array.isArray(records) && isObject(records[0]) ? records[0] : undefined;
}

/** JSON text that starts like an object or array and is at most `maxLength` chars; else undefined. */
export function parseJson(text: unknown, maxLength: number = MAX_CARRIER_LENGTH): unknown {
  if (typeof text !== 'string' || text.length === 0 || text.length > maxLength) return undefined;
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Base64 (standard or URL alphabet) of at most `maxLength` chars, decoded as UTF-8. */
export function decodeBase64(value: unknown, maxLength: number = MAX_CARRIER_LENGTH * 2): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) return undefined;
  return Buffer.from(value, 'base64').toString('utf8');
}

/** Milliseconds since the epoch from an ISO-8601 string, keeping the fractional seconds. */
export function isoToMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
