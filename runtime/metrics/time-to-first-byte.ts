import type { DatadogConfig } from '../config';
import { log } from '../log';
import { ENHANCED_METRIC, recordEnhanced, type EnhancedInvocation } from './enhanced-metrics';

/**
 * `aws.lambda.enhanced.time_to_first_byte` of response-streaming handlers: milliseconds from
 * the wrapper's entry to the first `write` (or `end`) on the response stream.
 */

// Keyed by the Lambda context object, the one thing both the streaming wrapper and the
// invocation's start see; entries go with the context once the invocation is over.
const invocations = new WeakMap<object, EnhancedInvocation>();

/** Called when the invocation starts, so the first write can find its tags. */
export function rememberForFirstByte(lambdaContext: unknown, invocation: EnhancedInvocation): void {
  if (isObject(lambdaContext)) invocations.set(lambdaContext, invocation);
}

/**
 * Notes the time and watches `responseStream` for its first `write` or `end`. The stream is
 * left as it was: our wrappers forward every call unchanged and remove themselves at the
 * first one. Does nothing when enhanced metrics are off; never throws.
 */
export function watchFirstByte(responseStream: unknown, lambdaContext: unknown, config: DatadogConfig): void {
  if (!config.traceEnabled || !config.enhancedMetrics || !isObject(responseStream) || !isObject(lambdaContext)) return;
  const startedAt = performance.now();
  try {
    onFirstCall(responseStream as Record<string, unknown>, ['write', 'end'], () => {
      const invocation = invocations.get(lambdaContext);
      if (!invocation) return;
      const elapsedMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
      recordEnhanced(invocation, ENHANCED_METRIC.TIME_TO_FIRST_BYTE, elapsedMs);
    });
  } catch (error) {
    log.debug('could not watch the response stream for its first byte', error);
  }
}

interface Patched {
  readonly key: string;
  readonly hadOwn: boolean;
  readonly original: unknown;
  readonly wrapper: unknown;
}

/** Runs `callback` once, before the first call to any of `methods`, then puts the methods back. */
function onFirstCall(target: Record<string, unknown>, methods: readonly string[], callback: () => void): void {
  const patched: Patched[] = [];
  let fired = false;
  const restore = () => {
    for (const { key, hadOwn, original, wrapper } of patched) {
      // Someone replaced the method after us: theirs stays.
      if (target[key] !== wrapper) continue;
      if (hadOwn) target[key] = original;
      else delete target[key];
    }
  };
  for (const key of methods) {
    const original = target[key];
    if (typeof original !== 'function') continue;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      if (!fired) {
        fired = true;
        try {
          restore();
          callback();
        } catch (error) {
          log.debug('could not record the time to first byte', error);
        }
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    patched.push({ key, hadOwn: Object.prototype.hasOwnProperty.call(target, key), original, wrapper });
    target[key] = wrapper;
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
