import type { Context } from '@opentelemetry/api';
import type { LambdaContext } from '../lambda-types';
import type { ColdStartInfo } from './cold-start';
import type { DatadogConfig } from '../config';

/**
 * How an invocation gets its root span. One implementation per span mode:
 * `universal` (the extension builds `aws.lambda`; DD_UNIVERSAL_INSTRUMENTATION=true) and,
 * later, `local` (the runtime builds it in-process).
 */
export interface InvocationLifecycle {
  readonly name: string;
  /** Never rejects: on failure it still returns a usable root (own ids). */
  start(input: LifecycleInput): Promise<LifecycleStart>;
  /** Runs before the span flush, synchronously (e.g. ending spans the lifecycle created). */
  complete?(root: LifecycleRoot, outcome: InvocationOutcome): void;
  /** Runs alongside the span flush (e.g. end-invocation), and starts before it. Never rejects. */
  report?(root: LifecycleRoot, outcome: InvocationOutcome): Promise<void>;
  /**
   * Runs after `report` has started and before the span flush maps the spans (e.g. reading
   * start-invocation's answer, which may correct the trace id the spans are exported with).
   * Never rejects.
   */
  beforeFlush?(root: LifecycleRoot): Promise<void>;
}

export interface LifecycleInput {
  readonly event: unknown;
  readonly lambdaContext: Partial<LambdaContext> | undefined;
  readonly config: DatadogConfig;
  readonly requestId: string;
  /** When the invocation started (ms since the epoch). */
  readonly startMs: number;
  /** Decided once per invocation (the first one of a sandbox is cold). */
  readonly coldStart: ColdStartInfo;
}

export interface LifecycleStart {
  /** 32 hex chars. */
  readonly traceId: string;
  /** The span the handler's spans parent to (16 hex chars). */
  readonly spanId: string;
  readonly samplingPriority: number;
  /** The OTel context to run the handler in. */
  readonly context: Context;
  readonly generatedTraceId: boolean;
  /** True when start-invocation goes (or went) to the extension: end-invocation is then due. */
  readonly extensionStarted: boolean;
  /** Whatever the lifecycle needs again at the end. */
  readonly state?: unknown;
}

/** What a lifecycle sees of the root at the end. */
export interface LifecycleRoot extends LifecycleStart {
  readonly requestId: string;
  readonly config: DatadogConfig;
  /** Datadog's `cold_start`: the first invocation of the sandbox, not provisioned or proactively initialized. */
  readonly coldStart: boolean;
}

/** How the invocation ended: the handler's result, or what it threw (the key's presence decides). */
export type InvocationOutcome = { readonly result?: unknown } | { readonly error: unknown };

export function isFailure(outcome: InvocationOutcome): outcome is { readonly error: unknown } {
  return 'error' in outcome;
}
