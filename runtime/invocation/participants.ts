import type { LambdaContext } from '../lambda-types';
import type { InvocationOutcome } from './lifecycle';
import type { RootSpan } from './root-span';
import { metricsParticipant } from '../metrics/metrics-participant';

/**
 * Modules that take part in every traced invocation besides the span lifecycle
 * (metrics, for one). Listed explicitly rather than registered by import side effects,
 * which a bundler with `sideEffects: false` would be free to drop.
 */
export interface InvocationParticipant {
  readonly name: string;
  /** Called once the root exists, before the handler runs. Must not throw. */
  onStart?(root: RootSpan, event: unknown, lambdaContext: Partial<LambdaContext> | undefined): void;
  /** Awaited alongside end-invocation and the span flush. Must not reject. */
  onEnd?(root: RootSpan, outcome: InvocationOutcome): Promise<void> | void;
}

export const participants: readonly InvocationParticipant[] = [metricsParticipant];
