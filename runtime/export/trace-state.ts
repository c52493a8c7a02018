import { createTraceState, type TraceState } from '@opentelemetry/api';

/**
 * The Datadog sampling decision travels with the OTel span context in the W3C `tracestate`
 * `dd` member (`s:<priority>;t.dm:-0`), so every child span inherits it and the exporter can
 * write the exact priority the extension decided, not just the sampled bit.
 */
export interface DatadogTraceStateFields {
  readonly samplingPriority?: number;
  /** `_dd.p.*` tags, e.g. `{ '_dd.p.dm': '-0' }`. */
  readonly propagationTags: Readonly<Record<string, string>>;
}

export function datadogTraceState(samplingPriority: number, propagationTags: Readonly<Record<string, string>>): TraceState {
  const fields = [`s:${samplingPriority}`];
  for (const [key, value] of Object.entries(propagationTags)) {
    if (key.startsWith('_dd.p.') && key !== '_dd.p.tid') fields.push(`t.${key.slice(6)}:${value.replace(/=/g, '~').replace(/[,;\s]/g, '_')}`);
  }
  return createTraceState().set('dd', fields.join(';'));
}

export function readDatadogTraceState(traceState: TraceState | undefined): DatadogTraceStateFields {
  const member = traceState?.get('dd');
  const propagationTags: Record<string, string> = {};
  if (!member) return { propagationTags };
  let samplingPriority: number | undefined;
  for (const field of member.split(';')) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const key = field.slice(0, colon);
    const value = field.slice(colon + 1);
    if (key === 's' && /^-?\d{1,3}$/.test(value)) samplingPriority = Number(value);
    else if (key.startsWith('t.') && key !== 't.tid') propagationTags[`_dd.p.${key.slice(2)}`] = value.replace(/~/g, '=');
  }
  return { samplingPriority, propagationTags };
}
