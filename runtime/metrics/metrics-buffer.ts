import { globalSlot } from '../global-state';
import { log } from '../log';
import type { MetricPoint } from './metric-point';

/**
 * Points waiting for the next flush, process-wide: metrics belong to no trace, so every
 * invocation's end sends whatever is there, including points recorded between invocations.
 */
interface MetricsBuffer {
  points: MetricPoint[];
  /** Whether the drop on overflow was logged since the last drain (log once, not per point). */
  overflowLogged: boolean;
}

/** A bound on memory when nothing flushes (metrics outside any invocation, a runaway loop). */
export const MAX_BUFFERED_POINTS = 8192;

function buffer(): MetricsBuffer {
  return globalSlot<MetricsBuffer>('metrics-buffer', () => ({ points: [], overflowLogged: false }));
}

export function bufferPoint(point: MetricPoint): void {
  const state = buffer();
  if (state.points.length < MAX_BUFFERED_POINTS) {
    state.points.push(point);
  } else if (!state.overflowLogged) {
    state.overflowLogged = true;
    log.debug(`over ${MAX_BUFFERED_POINTS} metric points waiting for a flush; dropping new ones until then`);
  }
}

/** Takes every buffered point, leaving the buffer empty. */
export function drainPoints(): MetricPoint[] {
  const state = buffer();
  const points = state.points;
  state.points = [];
  state.overflowLogged = false;
  return points;
}
