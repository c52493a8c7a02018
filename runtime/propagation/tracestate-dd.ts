import { ZERO_HIGH_BITS } from '../tracing/ids';

/**
 * The `dd` member of the W3C `tracestate` header: `s:<priority>;p:<parent id>;o:<origin>;
 * t.<tag>:<value>` (a `_dd.p.<tag>` propagation tag becomes `t.<tag>`). Read from incoming
 * carriers, written into outgoing ones, and carried on our own span contexts.
 */
export interface DdMemberFields {
  readonly samplingPriority?: number;
  readonly origin?: string;
  /** `_dd.p.*` tags other than `_dd.p.tid`. */
  readonly propagationTags: Record<string, string>;
}

/** A Datadog sampling priority (-1 … 2, a few digits at most); undefined when malformed. */
export function parseSamplingPriority(raw: string | undefined): number | undefined {
  return raw !== undefined && /^-?\d{1,3}$/.test(raw) ? Number(raw) : undefined;
}

/** Parses the member's value (what follows `dd=`). */
export function parseDdMember(member: string | undefined): DdMemberFields {
  const fields: { samplingPriority?: number; origin?: string; propagationTags: Record<string, string> } = { propagationTags: {} };
  if (!member) return fields;
  for (const field of member.split(';')) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const key = field.slice(0, colon);
    const value = field.slice(colon + 1);
    if (key === 's') fields.samplingPriority = parseSamplingPriority(value);
    else if (key === 'o') fields.origin = unescape(value);
    else if (key.startsWith('t.') && key !== 't.tid') fields.propagationTags[`_dd.p.${key.slice(2)}`] = unescape(value);
  }
  return fields;
}

export interface DdMemberInput {
  readonly samplingPriority: number;
  /** The span the receiver parents to. @default - no `p` field */
  readonly parentId?: string;
  /** @default - no `o` field */
  readonly origin?: string;
  readonly propagationTags: Readonly<Record<string, string>>;
  /** High 64 bits of the trace id (16 hex chars), written as `t.tid` unless zero. @default - no `t.tid` field */
  readonly traceIdHigh?: string;
}

/** Formats the member's value (what follows `dd=`). */
export function formatDdMember(input: DdMemberInput): string {
  const fields = [`s:${input.samplingPriority}`];
  if (input.parentId) fields.push(`p:${input.parentId}`);
  if (input.origin) fields.push(`o:${escape(input.origin)}`);
  for (const [key, value] of Object.entries(input.propagationTags)) {
    if (key.startsWith('_dd.p.') && key !== '_dd.p.tid') fields.push(`t.${key.slice(6)}:${escape(value)}`);
  }
  if (input.traceIdHigh && input.traceIdHigh !== ZERO_HIGH_BITS) fields.push(`t.tid:${input.traceIdHigh}`);
  return fields.join(';');
}

// Member values cannot hold ',', ';', '~' or spaces, and '=' travels as '~'.
function escape(value: string): string {
  return value.replace(/[,;~\s]/g, '_').replace(/=/g, '~');
}

function unescape(value: string): string {
  return value.replace(/~/g, '=');
}
