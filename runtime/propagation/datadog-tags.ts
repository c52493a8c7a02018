/**
 * The `x-datadog-tags` header: `_dd.p.key=value` pairs joined by commas, at most 512 chars.
 */
export const MAX_TAGS_HEADER_LENGTH = 512;

export interface ParsedDatadogTags {
  /** High 64 bits of the trace id (16 hex chars) from `_dd.p.tid`, when valid. */
  readonly traceIdHigh?: string;
  /** Every other `_dd.p.*` pair. */
  readonly propagationTags: Record<string, string>;
}

export function parseDatadogTags(header: string | undefined): ParsedDatadogTags {
  const propagationTags: Record<string, string> = {};
  let traceIdHigh: string | undefined;
  if (!header || header.length > MAX_TAGS_HEADER_LENGTH) return { propagationTags };
  for (const pair of header.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!key.startsWith('_dd.p.') || !value) continue;
    if (key === '_dd.p.tid') {
      if (/^[0-9a-f]{16}$/.test(value)) traceIdHigh = value;
    } else {
      propagationTags[key] = value;
    }
  }
  return { traceIdHigh, propagationTags };
}

export function formatDatadogTags(traceIdHigh: string | undefined, propagationTags: Readonly<Record<string, string>>): string | undefined {
  const pairs: string[] = [];
  if (traceIdHigh && !/^0+$/.test(traceIdHigh)) pairs.push(`_dd.p.tid=${traceIdHigh}`);
  for (const [key, value] of Object.entries(propagationTags)) pairs.push(`${key}=${value}`);
  const header = pairs.join(',');
  return header && header.length <= MAX_TAGS_HEADER_LENGTH ? header : undefined;
}
