import type * as Crypto from 'node:crypto';
import { builtin } from '../builtins';
import { decimalIdToHex, ZERO_HIGH_BITS } from '../tracing/ids';
import type { DatadogTraceContext } from '../tracing/trace-context';
import { parseDatadogTags } from './datadog-tags';
import { isObject, num, str, type Obj } from './event-fields';

/**
 * The trace context of a Lambda invoked by AWS Step Functions with Datadog's context
 * object (`"Payload.$": "States.JsonMerge($$, $, false)"` or the JSONata `_datadog` form).
 *
 * Step Functions spans are built by Datadog's backend from the execution history, with ids
 * derived by hashing: the trace id from the (root) execution ARN, the parent from
 * `execution#state#enteredTime[#retry#redrive]`. Reproducing the hash joins the Lambda's
 * trace to that execution.
 */
export interface StepFunctionsContext {
  readonly context: DatadogTraceContext;
  /** Tags for `aws.lambda`: execution, state and retry details. */
  readonly tags: Readonly<Record<string, string>>;
  /** `StateMachine.Id`, for `function_trigger.event_source_arn`. */
  readonly stateMachineArn?: string;
}

/**
 * Finds the context object in the event itself, its JSONata `_datadog`, or the legacy
 * `Payload` (Lambda's `Invoke` integration) and the `_datadog` inside it.
 */
export function findStepFunctionsObject(event: unknown): Obj | undefined {
  if (!isObject(event)) return undefined;
  const payload = event.Payload;
  for (const candidate of [event, event._datadog, payload, isObject(payload) ? payload._datadog : undefined]) {
    if (isObject(candidate) && isObject(candidate.Execution) && isObject(candidate.State)) return candidate;
  }
  return undefined;
}

export function extractStepFunctionsContext(event: unknown): StepFunctionsContext | undefined {
  const sfn = findStepFunctionsObject(event);
  if (!sfn) return undefined;
  const execution = sfn.Execution as Obj;
  const state = sfn.State as Obj;
  const executionId = str(execution.Id);
  const stateName = str(state.Name);
  const enteredTime = str(state.EnteredTime);
  if (!executionId || !stateName || !enteredTime) return undefined;
  const retryCount = num(state.RetryCount) ?? 0;
  const redriveCount = num(execution.RedriveCount) ?? 0;
  const rootExecutionId = str(sfn.RootExecutionId);

  let parentInput = `${executionId}#${stateName}#${enteredTime}`;
  if (retryCount !== 0 || redriveCount !== 0) parentInput += `#${retryCount}#${redriveCount}`;
  const parentId = hashToId(parentInput, 0);

  const tags: Record<string, string> = {
    execution_id: executionId,
    state_name: stateName,
    state_entered_time: enteredTime,
    retry_count: String(retryCount),
    redrive_count: String(redriveCount),
  };
  const upstreamLow = decimalIdToHex(typeof sfn['x-datadog-trace-id'] === 'string' ? sfn['x-datadog-trace-id'] : undefined);
  let traceId: string;
  let propagationTags: Readonly<Record<string, string>> = { '_dd.p.dm': '-0' };
  if (upstreamLow) {
    // The state machine was started inside a Datadog trace: it carries that trace's id.
    const parsed = parseDatadogTags(typeof sfn['x-datadog-tags'] === 'string' ? sfn['x-datadog-tags'] : undefined);
    traceId = (parsed.traceIdHigh ?? ZERO_HIGH_BITS) + upstreamLow;
    propagationTags = { ...propagationTags, ...parsed.propagationTags };
  } else {
    const traceSource = rootExecutionId ?? executionId;
    traceId = hashToId(traceSource, 0) + hashToId(traceSource, 8);
  }
  if (rootExecutionId) tags.root_execution_id = rootExecutionId;
  const serverlessVersion = str(sfn['serverless-version']);
  if (serverlessVersion) tags.serverless_version = serverlessVersion;

  const stateMachine = isObject(sfn.StateMachine) ? str(sfn.StateMachine.Id) : undefined;
  return {
    context: { traceId, parentId, samplingPriority: 1, propagationTags },
    tags,
    stateMachineArn: stateMachine,
  };
}

/** 8 bytes of SHA-256(input) from `offset` as 16 hex chars, top bit cleared, never zero. */
function hashToId(input: string, offset: number): string {
  const digest = builtin<typeof Crypto>('node:crypto').createHash('sha256').update(input).digest();
  const value = digest.readBigUInt64BE(offset) & ((1n << 63n) - 1n);
  return (value === 0n ? 1n : value).toString(16).padStart(16, '0');
}
