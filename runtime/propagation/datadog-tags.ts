/**
 * The `x-datadog-tags` header: `_dd.p.key=value` pairs joined by commas, at most 512 chars.
 */
export const MAX_TAGS_HEADER_LENGTH = 512;

export interface ParsedDatadogTags {
  /** High 64 bits of the trace id (16 hex chars, zero-padded) from `_dd.p.tid`, when valid. */
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
      traceIdHigh = parseTraceIdHigh(value) ?? traceIdHigh;
    } else {
      propagationTags[key] = value;
    }
  }
  return { traceIdHigh, propagationTags };
}

/**
 * `_dd.p.tid` is 16 hex digits from the tracers, but the extension writes the one it derives
 * for a Step Functions execution without zero padding (`format!("{:x}")`), so about one
 * execution in sixteen carries fewer digits. Any 1–16 hex digits are the same 64-bit value.
 */
function parseTraceIdHigh(value: string): string | undefined {
  return /^[0-9a-fA-F]{1,16}$/.test(value) ? value.toLowerCase().padStart(16, '0') : undefined;
}

export function formatDatadogTags(traceIdHigh: string | undefined, propagationTags: Readonly<Record<string, string>>): string | undefined {
  const pairs: string[] = [];
  if (traceIdHigh && !/^0+$/.test(traceIdHigh)) pairs.push(`_dd.p.tid=${traceIdHigh}`);
  for (const [key, value] of Object.entries(propagationTags)) pairs.push(`${key}=${value}`);
  const header = pairs.join(',');
  return header && header.length <= MAX_TAGS_HEADER_LENGTH ? header : undefined;
}
