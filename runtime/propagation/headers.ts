import { decimalIdToHex, hexIdToDecimal, isValidHexSpanId, isValidHexTraceId, splitTraceId, ZERO_HIGH_BITS } from '../tracing/ids';
import type { DatadogTraceContext } from '../tracing/trace-context';
import { formatDatadogTags, parseDatadogTags } from './datadog-tags';
import { formatDdMember, parseDdMember, parseSamplingPriority } from './tracestate-dd';
import { globalSlot } from '../global-state';

/**
 * Datadog and W3C trace headers: extraction from any header map (case-insensitive names,
 * as API Gateway v1 delivers them) and injection into a carrier.
 *
 * Extraction follows `DD_TRACE_PROPAGATION_STYLE_EXTRACT` as the extension does: by default
 * (`datadog,tracecontext`) Datadog headers first, then `traceparent`.
 */
export const HEADER = {
  TRACE_ID: 'x-datadog-trace-id',
  PARENT_ID: 'x-datadog-parent-id',
  SAMPLING_PRIORITY: 'x-datadog-sampling-priority',
  ORIGIN: 'x-datadog-origin',
  TAGS: 'x-datadog-tags',
  TRACEPARENT: 'traceparent',
  TRACESTATE: 'tracestate',
} as const;

type HeaderBag = Readonly<Record<string, unknown>>;

/**
 * Inject styles, as `DD_TRACE_PROPAGATION_STYLE_INJECT` names them. `baggage` is accepted for
 * dd-trace parity but carries nothing (no baggage items here); `none` injects nothing.
 */
export const PROPAGATION_STYLES = ['datadog', 'tracecontext', 'baggage', 'none'] as const;

export type PropagationStyle = (typeof PROPAGATION_STYLES)[number];

/** Datadog's default for both directions (`DD_TRACE_PROPAGATION_STYLE` unset): Datadog headers, then W3C. */
export const DEFAULT_PROPAGATION_STYLES: readonly PropagationStyle[] = ['datadog', 'tracecontext'];

/**
 * The upstream context in `headers`, trying the styles of `DD_TRACE_PROPAGATION_STYLE_EXTRACT`
 * in order (Datadog, then W3C, by default), as the extension does.
 */
export function extractFromHeaders(headers: unknown): DatadogTraceContext | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const get = headerGetter(headers as HeaderBag);
  for (const style of extractStyles.current) {
    const context = style === 'datadog' ? extractDatadog(get) : style === 'tracecontext' ? extractW3c(get) : undefined;
    if (context) return context;
  }
  return undefined;
}

/** Shared by every copy of the library in the process, as the environment they read is. */
const extractStyles = globalSlot('propagation-extract-styles', () => ({ current: DEFAULT_PROPAGATION_STYLES }));

/** Sets the extraction styles (the configuration's `propagationStyleExtract`). */
export function setExtractStyles(styles: readonly PropagationStyle[]): void {
  extractStyles.current = styles;
}

/** Header lookup that tolerates any name casing and array values. */
function headerGetter(headers: HeaderBag): (name: string) => string | undefined {
  let scanned = false;
  let lowered: Map<string, unknown> | undefined;
  return (name) => {
    let value = headers[name];
    if (value === undefined) {
      if (!scanned) {
        scanned = true;
        lowered = mixedCaseNames(headers);
      }
      value = lowered?.get(name);
    }
    if (Array.isArray(value)) value = value[0];
    return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined;
  };
}

/**
 * The headers whose names are not lower-case, by lower-cased name (API Gateway REST events keep
 * the caller's case). Undefined when every name is: the usual bag copies nothing, and a name
 * missing from it is simply missing.
 */
function mixedCaseNames(headers: HeaderBag): Map<string, unknown> | undefined {
  let lowered: Map<string, unknown> | undefined;
  for (const name in headers) {
    const lower = name.toLowerCase();
    if (lower !== name) (lowered ??= new Map()).set(lower, headers[name]);
  }
  return lowered;
}

function extractDatadog(get: (name: string) => string | undefined): DatadogTraceContext | undefined {
  const low = decimalIdToHex(get(HEADER.TRACE_ID));
  if (!low) return undefined;
  const { traceIdHigh, propagationTags } = parseDatadogTags(get(HEADER.TAGS));
  return {
    traceId: (traceIdHigh ?? ZERO_HIGH_BITS) + low,
    parentId: decimalIdToHex(get(HEADER.PARENT_ID)),
    samplingPriority: parseSamplingPriority(get(HEADER.SAMPLING_PRIORITY)),
    origin: get(HEADER.ORIGIN) || undefined,
    propagationTags,
  };
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function extractW3c(get: (name: string) => string | undefined): DatadogTraceContext | undefined {
  const match = TRACEPARENT.exec(get(HEADER.TRACEPARENT)?.toLowerCase() ?? '');
  if (!match || match[1] === 'ff') return undefined;
  const [, , traceId, parentId, flags] = match as unknown as [string, string, string, string, string];
  if (!isValidHexTraceId(traceId) || !isValidHexSpanId(parentId)) return undefined;
  const sampledFlag = (parseInt(flags, 16) & 1) === 1;
  const dd = parseDdMember(ddMemberOf(get(HEADER.TRACESTATE)));
  // The dd member's priority wins only when it agrees with the sampled flag (W3C spec for dd).
  const priority = dd.samplingPriority !== undefined && dd.samplingPriority > 0 === sampledFlag ? dd.samplingPriority : sampledFlag ? 1 : 0;
  return { traceId, parentId, samplingPriority: priority, origin: dd.origin, propagationTags: dd.propagationTags };
}

/** The value of the `dd` member of a `tracestate` header, if any. */
function ddMemberOf(tracestate: string | undefined): string | undefined {
  return tracestate?.split(',').map((member) => member.trim()).find((member) => member.startsWith('dd='))?.slice(3);
}

/** What to inject: the trace, the span the receiver should parent to, and the sampling decision. */
export interface InjectContext {
  /** 32 hex chars. */
  readonly traceId: string;
  /** The span the receiver parents to (16 hex chars). */
  readonly spanId: string;
  /** Datadog sampling priority; > 0 also sets the W3C sampled flag. */
  readonly samplingPriority: number;
  /**
   * `x-datadog-origin`.
   * @default - no origin header
   */
  readonly origin?: string;
  /**
   * `_dd.p.*` tags for `x-datadog-tags` and the tracestate `dd` member.
   * @default {}
   */
  readonly propagationTags?: Readonly<Record<string, string>>;
}

/**
 * The carrier Datadog consumers read (`_datadog` on SQS/SNS/EventBridge, outgoing HTTP
 * headers): Datadog headers and their W3C equivalents, encoding the same context, limited to
 * `styles`.
 */
export function injectHeaders(ctx: InjectContext, styles: readonly PropagationStyle[] = DEFAULT_PROPAGATION_STYLES): Record<string, string> {
  const { high, low } = splitTraceId(ctx.traceId);
  const tags = ctx.propagationTags ?? {};
  const carrier: Record<string, string> = {};
  if (styles.includes('datadog')) {
    carrier[HEADER.TRACE_ID] = hexIdToDecimal(low);
    carrier[HEADER.PARENT_ID] = hexIdToDecimal(ctx.spanId);
    carrier[HEADER.SAMPLING_PRIORITY] = String(ctx.samplingPriority);
    if (ctx.origin) carrier[HEADER.ORIGIN] = ctx.origin;
    const ddTags = formatDatadogTags(high, tags);
    if (ddTags) carrier[HEADER.TAGS] = ddTags;
  }
  if (!styles.includes('tracecontext')) return carrier;
  carrier[HEADER.TRACEPARENT] = `00-${ctx.traceId}-${ctx.spanId}-${ctx.samplingPriority > 0 ? '01' : '00'}`;
  carrier[HEADER.TRACESTATE] = `dd=${formatDdMember({ samplingPriority: ctx.samplingPriority, parentId: ctx.spanId, origin: ctx.origin, propagationTags: tags, traceIdHigh: high })}`;
  return carrier;
}
