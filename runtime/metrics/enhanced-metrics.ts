import type { LambdaContext } from '../lambda-types';
import type { DatadogConfig } from '../config';
import { isExtensionInstalled } from '../extension/presence';
import { parseArn } from '../local/arn';
import { LIBRARY_VERSION } from '../version';
import { recordMetric } from './record-metric';

/**
 * Enhanced metrics the extension cannot compute itself (`aws.lambda.enhanced.*`, as
 * distributions with a timestamp, like datadog-lambda-js). The extension already counts
 * invocations, errors, durations, memory, cold starts…; we add only what lives in the
 * handler's result or response stream, plus invocations and errors when nobody else counts them.
 */
export const ENHANCED_METRIC = {
  INVOCATIONS: 'aws.lambda.enhanced.invocations',
  ERRORS: 'aws.lambda.enhanced.errors',
  BATCH_ITEM_FAILURES: 'aws.lambda.enhanced.batch_item_failures',
  TIME_TO_FIRST_BYTE: 'aws.lambda.enhanced.time_to_first_byte',
} as const;

export type EnhancedMetricName = (typeof ENHANCED_METRIC)[keyof typeof ENHANCED_METRIC];

/** What an invocation's enhanced metrics need again after it started. */
export interface EnhancedInvocation {
  readonly config: DatadogConfig;
  /** `functionname`, `region`, `account_id`, `resource`, `cold_start`, `memorysize`, `runtime`, `datadog_lambda`. */
  readonly tags: readonly string[];
  /** True when this library must count invocations and errors (local span mode, no extension). */
  readonly countsInvocations: boolean;
}

/** The Lambda tags of an invocation; `coldStart` is the invocation's (`RootSpan.coldStart`). */
export function lambdaTags(lambdaContext: Partial<LambdaContext> | undefined, coldStart: boolean, env: NodeJS.ProcessEnv = process.env): string[] {
  const tags = [`cold_start:${coldStart}`, `datadog_lambda:v${LIBRARY_VERSION}`];
  const arn = parseArn(lambdaContext?.invokedFunctionArn);
  const functionName = arn?.functionName ?? lambdaContext?.functionName;
  if (functionName) {
    tags.push(`functionname:${functionName}`);
    tags.push(`resource:${arn?.qualifier ? `${functionName}:${arn.qualifier}` : functionName}`);
  }
  if (arn) tags.push(`region:${arn.region}`, `account_id:${arn.accountId}`);
  if (lambdaContext?.memoryLimitInMB) tags.push(`memorysize:${lambdaContext.memoryLimitInMB}`);
  const runtime = env.AWS_EXECUTION_ENV?.replace(/^AWS_Lambda_/, '');
  if (runtime) tags.push(`runtime:${runtime}`);
  return tags;
}

/** Describes the invocation for its enhanced metrics, or undefined when they are off. */
export function enhancedInvocation(config: DatadogConfig, lambdaContext: Partial<LambdaContext> | undefined, coldStart: boolean): EnhancedInvocation | undefined {
  if (!config.enhancedMetrics) return undefined;
  // With the extension, it counts them (and drops our `invocations` line); in universal mode it builds aws.lambda and counts too.
  const countsInvocations = !config.universalInstrumentation && !isExtensionInstalled(config.extensionPath);
  // Built on first use: most invocations record no enhanced metric.
  let tags: readonly string[] | undefined;
  return {
    config,
    countsInvocations,
    get tags() {
      return (tags ??= lambdaTags(lambdaContext, coldStart));
    },
  };
}

/** Buffers one enhanced distribution point with the invocation's Lambda tags. */
export function recordEnhanced(invocation: EnhancedInvocation, name: EnhancedMetricName, value: number): void {
  recordMetric(invocation.config, { name, value, type: 'd', tags: invocation.tags });
}

/** The number of `batchItemFailures` in an SQS/Kinesis/DynamoDB partial-batch response, if it has that array. */
export function batchItemFailureCount(result: unknown): number | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  return Array.isArray(failures) ? failures.length : undefined;
}
