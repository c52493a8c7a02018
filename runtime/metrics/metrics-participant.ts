import type { InvocationParticipant } from '../invocation/participants';
import { isFailure, type InvocationOutcome } from '../invocation/lifecycle';
import { log } from '../log';
import { batchItemFailureCount, ENHANCED_METRIC, enhancedInvocation, recordEnhanced, type EnhancedInvocation } from './enhanced-metrics';
import { flushMetrics } from './metrics-flush';
import { rememberForFirstByte } from './time-to-first-byte';

// Keyed by the invocation's root (the same object at start and end), so concurrent
// invocations never share state; entries go with the root.
const invocations = new WeakMap<object, EnhancedInvocation>();

/**
 * Metrics' part in every invocation: enhanced metrics at start and end, then one flush of
 * everything buffered (custom metrics included) before the wrapper returns.
 */
export const metricsParticipant: InvocationParticipant = {
  name: 'metrics',

  onStart(root, _event, lambdaContext) {
    try {
      const invocation = enhancedInvocation(root.config, lambdaContext, root.coldStart);
      if (!invocation) return;
      invocations.set(root, invocation);
      rememberForFirstByte(lambdaContext, invocation);
      if (invocation.countsInvocations) recordEnhanced(invocation, ENHANCED_METRIC.INVOCATIONS, 1);
    } catch (error) {
      log.debug('could not start enhanced metrics', error);
    }
  },

  async onEnd(root, outcome) {
    try {
      const invocation = invocations.get(root);
      if (invocation) recordOutcome(invocation, outcome);
    } catch (error) {
      log.debug('could not end enhanced metrics', error);
    }
    await flushMetrics(root.config);
  },
};

/** `errors` when the handler threw (if we count them), `batch_item_failures` when its result has that array. */
function recordOutcome(invocation: EnhancedInvocation, outcome: InvocationOutcome): void {
  if (isFailure(outcome)) {
    if (invocation.countsInvocations) recordEnhanced(invocation, ENHANCED_METRIC.ERRORS, 1);
    return;
  }
  const failures = batchItemFailureCount(outcome.result);
  if (failures !== undefined) recordEnhanced(invocation, ENHANCED_METRIC.BATCH_ITEM_FAILURES, failures);
}
