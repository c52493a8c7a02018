import type { DatadogTraceContext } from '../tracing/trace-context';

/**
 * X-Ray trace headers (`Root=1-5e272390-8c398be037738dc042009320;Parent=94ae789b969f1cc5;Sampled=1`),
 * as found in `_X_AMZN_TRACE_ID` and SQS's `AWSTraceHeader`.
 *
 * Datadog's Java tracer writes its own ids into this header with a recognisable padding: the
 * third Root part is `00000000` followed by the 16-hex Datadog trace id, and `Parent` is the
 * Datadog span id. Such a header is a real upstream Datadog context.
 */
export interface XrayHeader {
  /** The 24 hex chars after the epoch part of `Root`. */
  readonly rootTail: string;
  readonly parent: string;
  readonly sampled: boolean;
}

/** Marks a Root whose tail is a Datadog trace id (Datadog's Java tracer). */
const DATADOG_PADDING = '00000000';
const ROOT = /^1-[0-9a-f]{8}-([0-9a-f]{24})$/;
const PARENT = /^[0-9a-f]{16}$/;
// A real header is under 200 chars; the cap keeps a garbage env var from costing anything.
const MAX_HEADER_LENGTH = 512;

export function parseXrayHeader(header: unknown): XrayHeader | undefined {
  if (typeof header !== 'string' || header.length === 0 || header.length > MAX_HEADER_LENGTH) return undefined;
  let rootTail: string | undefined;
  let parent: string | undefined;
  let sampled = false;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim().toLowerCase();
    if (key === 'Root') rootTail = ROOT.exec(value)?.[1];
    else if (key === 'Parent') parent = PARENT.test(value) ? value : undefined;
    else if (key === 'Sampled') sampled = value === '1';
  }
  if (!rootTail || !parent || /^0+$/.test(parent)) return undefined;
  return { rootTail, parent, sampled };
}

/**
 * The Datadog context a Datadog Java tracer padded into an X-Ray header; undefined for a
 * plain X-Ray header (its ids name X-Ray segments Datadog never receives).
 */
export function datadogContextFromXrayHeader(header: unknown): DatadogTraceContext | undefined {
  const parsed = parseXrayHeader(header);
  if (!parsed || !parsed.rootTail.startsWith(DATADOG_PADDING)) return undefined;
  const low = parsed.rootTail.slice(DATADOG_PADDING.length);
  if (/^0+$/.test(low)) return undefined;
  return { traceId: `0000000000000000${low}`, parentId: parsed.parent, samplingPriority: parsed.sampled ? 1 : 0, propagationTags: {} };
}

const MAX_63_BITS = (1n << 63n) - 1n;

/**
 * A plain X-Ray header mapped the way datadog-lambda-js merges X-Ray traces: the trace id is
 * the Root tail mod 2^63, the parent the X-Ray segment; sampled means user-keep.
 */
export function mergedXrayContext(header: unknown): DatadogTraceContext | undefined {
  const parsed = parseXrayHeader(header);
  if (!parsed) return undefined;
  const low = BigInt(`0x${parsed.rootTail}`) & MAX_63_BITS;
  if (low === 0n) return undefined;
  return {
    traceId: `0000000000000000${low.toString(16).padStart(16, '0')}`,
    parentId: parsed.parent,
    samplingPriority: parsed.sampled ? 2 : -1,
    propagationTags: {},
  };
}
