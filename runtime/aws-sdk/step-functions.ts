import { SpanKind, type Attributes } from '@opentelemetry/api';
import { arnResourceName } from './aws-resource';
import type { AwsOperation, AwsServiceIntegration } from './instrument-client';
import { spliceCarrier } from './trace-carrier';

/**
 * Step Functions: `StartExecution` and `StartSyncExecution` carry the trace context as a
 * top-level `_datadog` key of the execution `input` when it is a JSON object, where dd-trace
 * puts it (the Datadog Step Functions integration links the execution to the caller from
 * `$$.Execution.Input._datadog`). Input that is absent, not a JSON object, already has
 * `_datadog`, or would pass the 256 KiB input quota goes out unchanged.
 */

type Input = Readonly<Record<string, unknown>>;

/** "Maximum input or output size for a task, state, or execution: 256 KiB of data as a UTF-8 encoded string" (Step Functions quotas). */
export const MAX_INPUT_BYTES = 256 * 1024;

/** dd-trace's tags: the resource names the execution when `name` is set; any state machine ARN is tagged. */
function stateMachineTags(operation: string, input: Input): Attributes {
  const tags: Attributes = { 'resource.name': typeof input.name === 'string' ? `${operation} ${input.name}` : operation };
  const arn = typeof input.stateMachineArn === 'string' ? input.stateMachineArn : undefined;
  if (arn) {
    tags.statemachinearn = arn;
    const name = arnResourceName(arn);
    if (name) tags.statemachinename = name;
  }
  return tags;
}

function startOperation(name: string): AwsOperation {
  return {
    name,
    kind: SpanKind.CLIENT,
    tags: (input) => stateMachineTags(name, input),
    inject: (input, carrier) => {
      // No input, no carrier (as dd-trace): the execution starts with `{}`.
      const spliced = spliceCarrier(input.input, carrier);
      return spliced === undefined || Buffer.byteLength(spliced) > MAX_INPUT_BYTES ? input : { ...input, input: spliced };
    },
  };
}

/** @internal */
export const SFN_INTEGRATION: AwsServiceIntegration = {
  serviceId: 'SFN',
  suffix: 'sfn',
  operations: { StartExecutionCommand: startOperation('startExecution'), StartSyncExecutionCommand: startOperation('startSyncExecution') },
  operationTags: stateMachineTags,
};
