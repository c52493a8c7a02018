import { globalSlot } from '../global-state';

/**
 * Where the extension's answer to start-invocation named another trace than the one the
 * invocation ran in (universal mode starts on its own extraction and checks the answer at
 * the end): the trace id and sampling priority the exported spans must carry instead, so
 * they join the extension's `aws.lambda` span.
 */
export interface TraceCorrection {
  /** 32 hex chars. */
  readonly traceId: string;
  readonly samplingPriority?: number;
}

// Spans of an invocation can end after it (a background task); a few recent ones suffice.
const MAX_CORRECTIONS = 32;

function corrections(): Map<string, TraceCorrection> {
  return globalSlot('trace-corrections', () => new Map<string, TraceCorrection>());
}

/** Spans of trace `localTraceId` exported from now on carry `correction`'s ids. */
export function correctTrace(localTraceId: string, correction: TraceCorrection): void {
  const map = corrections();
  map.delete(localTraceId);
  map.set(localTraceId, correction);
  if (map.size > MAX_CORRECTIONS) map.delete(map.keys().next().value as string);
}

/** The correction for a trace, if any. */
export function correctionFor(traceId: string): TraceCorrection | undefined {
  const map = corrections();
  return map.size === 0 ? undefined : map.get(traceId);
}
