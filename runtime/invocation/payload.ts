import { ERROR_HEADER } from '../extension/client';

/**
 * Bodies for the lifecycle calls. The extension reads at most 6 MiB and treats anything it
 * cannot parse as `{}`; we never throw on what the user's event or result contains.
 */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

const EMPTY = '{}';

/** The event as JSON for start-invocation; trimmed to what context extraction reads when too large. */
export function eventBody(event: unknown): string {
  const json = tryStringify(event);
  if (json !== undefined && fits(json)) return json;
  return tryStringify(slimEvent(event)) ?? EMPTY;
}

/** The result as JSON for end-invocation; keeps `statusCode` (5xx detection) when the rest cannot go. */
export function resultBody(result: unknown): string {
  if (result === undefined || result === null) return EMPTY;
  const json = tryStringify(result);
  if (json !== undefined && fits(json)) return json;
  const statusCode = (result as { statusCode?: unknown }).statusCode;
  return typeof statusCode === 'number' ? `{"statusCode":${statusCode}}` : EMPTY;
}

function tryStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined; // circular structures, BigInt, throwing toJSON()
  }
}

function fits(json: string): boolean {
  // UTF-8 is at most 3 bytes per UTF-16 unit: skip the exact count when it cannot matter.
  return json.length * 3 <= MAX_BODY_BYTES || Buffer.byteLength(json) <= MAX_BODY_BYTES;
}

/** The parts of an event that carry trace context: headers and the first record without its body. */
function slimEvent(event: unknown): unknown {
  if (typeof event !== 'object' || event === null) return {};
  const source = event as Record<string, unknown>;
  const slim: Record<string, unknown> = {};
  for (const key of ['headers', 'multiValueHeaders', 'requestContext', 'detail-type', 'source']) {
    if (key in source) slim[key] = source[key];
  }
  if (Array.isArray(source.Records) && typeof source.Records[0] === 'object' && source.Records[0] !== null) {
    const { body: _body, ...first } = source.Records[0] as Record<string, unknown>;
    slim.Records = [first];
  }
  return slim;
}

/** Base64 keeps non-ASCII messages and multi-line stacks intact in header values. */
export function errorHeaders(error: unknown): Record<string, string> {
  const err = error instanceof Error ? error : undefined;
  const message = err ? err.message : safeString(error);
  const type = err ? err.name || err.constructor?.name || 'Error' : typeof error;
  const headers: Record<string, string> = {
    [ERROR_HEADER.ERROR]: 'true',
    [ERROR_HEADER.MESSAGE]: base64(message),
    [ERROR_HEADER.TYPE]: base64(type),
  };
  if (err?.stack) headers[ERROR_HEADER.STACK] = base64(err.stack.slice(0, 16 * 1024));
  return headers;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'unknown error';
  }
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
