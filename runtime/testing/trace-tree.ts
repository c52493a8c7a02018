import type { DecodedSpan } from './extension-emulator';

/**
 * Renders spans as an indented tree by parent id, for humans:
 *
 *   orders  aws.lambda  orders-fn  12.3 ms
 *   └─ orders  http.client.request  GET  3.1 ms
 */
export interface TraceTreeOptions {
  /** Colour with ANSI escapes. @default false */
  readonly color?: boolean;
  /**
   * Where the targets of span links (`_dd.span_links`) are looked up, to name them after a
   * `↪` on the linking span's line; typically every span of a run, other traces included.
   * @default - the rendered spans
   */
  readonly linkTargets?: readonly DecodedSpan[];
}

export interface TraceSummary {
  /** Distinct trace ids among the spans. */
  readonly traceIds: readonly bigint[];
  /** Spans whose parent is not among the spans (0 parent included). */
  readonly roots: readonly DecodedSpan[];
  /** One trace and one root: the spans tell one connected story. */
  readonly connected: boolean;
}

export function summarizeTrace(spans: readonly DecodedSpan[]): TraceSummary {
  const ids = new Set(spans.map((span) => span.span_id));
  const roots = spans.filter((span) => !ids.has(span.parent_id));
  const traceIds = [...new Set(spans.map((span) => span.trace_id))];
  return { traceIds, roots, connected: traceIds.length === 1 && roots.length === 1 };
}

export function renderTraceTree(spans: readonly DecodedSpan[], options: TraceTreeOptions = {}): string {
  const paint = options.color ? ansi : plain;
  const targets = new Map((options.linkTargets ?? spans).map((span) => [span.span_id, span]));
  const children = new Map<bigint, DecodedSpan[]>();
  for (const span of spans) {
    const siblings = children.get(span.parent_id) ?? [];
    siblings.push(span);
    children.set(span.parent_id, siblings);
  }
  for (const siblings of children.values()) siblings.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const lines: string[] = [];
  const visit = (span: DecodedSpan, prefix: string, connector: string) => {
    lines.push(`${prefix}${connector}${describe(span, paint)}${describeLinks(span, targets, paint)}`);
    const kids = children.get(span.span_id) ?? [];
    const childPrefix = prefix + (connector === '' ? '' : connector === '└─ ' ? '   ' : '│  ');
    kids.forEach((kid, i) => visit(kid, childPrefix, i === kids.length - 1 ? '└─ ' : '├─ '));
  };
  for (const root of summarizeTrace(spans).roots) visit(root, '', '');
  return lines.join('\n');
}

type Paint = (code: string, text: string) => string;
const plain: Paint = (_code, text) => text;
const ansi: Paint = (code, text) => `\u001b[${code}m${text}\u001b[0m`;

function describe(span: DecodedSpan, paint: Paint): string {
  const ms = (Number(span.duration) / 1e6).toFixed(span.duration < 10_000_000n ? 2 : 1);
  const parts = [paint('36', span.service), paint('1', span.name)];
  if (span.resource && span.resource !== span.name) parts.push(paint('33', span.resource));
  parts.push(paint('2', `${ms} ms`));
  if (span.error) parts.push(paint('31', `error: ${span.meta['error.message'] ?? span.meta['error.msg'] ?? 'yes'}`));
  return parts.join('  ');
}

/** `  ↪ linked to <service> <name> (trace …<low hex>)` for each span link of the span. */
function describeLinks(span: DecodedSpan, targets: ReadonlyMap<bigint, DecodedSpan>, paint: Paint): string {
  const raw = span.meta['_dd.span_links'];
  if (!raw) return '';
  let links: Array<{ trace_id?: string; span_id?: string }>;
  try {
    links = JSON.parse(raw) as Array<{ trace_id?: string; span_id?: string }>;
  } catch {
    return '';
  }
  return links
    .map(({ trace_id: traceId = '', span_id: spanId = '' }) => {
      const target = /^[0-9a-f]{16}$/.test(spanId) ? targets.get(BigInt(`0x${spanId}`)) : undefined;
      const name = target ? `${target.service} ${target.name}` : `span ${spanId}`;
      return paint('35', `  ↪ linked to ${name} (trace …${traceId.slice(-6)})`);
    })
    .join('');
}
