import { extractStepFunctionsContext } from '../../../runtime/propagation/step-functions';

const hex = (decimal: string) => BigInt(decimal).toString(16).padStart(16, '0');

describe('extractStepFunctionsContext', () => {
  // Reference values from datadog-lambda-js's tests, which match Datadog's logs backend.
  const executionId =
    'arn:aws:states:sa-east-1:601427271234:express:DatadogStateMachine:acaf1a67-336a-e854-1599-2a627eb2dd8a:c8baf081-31f1-464d-971f-70cb17d01111';
  const event = {
    Execution: { Id: executionId, Name: 'x', StartTime: '2022-12-08T21:08:17.924Z', RoleArn: 'arn:aws:iam::601427271234:role/r', RedriveCount: 0 },
    State: { Name: 'step-one', EnteredTime: '2022-12-08T21:08:19.224Z', RetryCount: 0 },
    StateMachine: { Id: 'arn:aws:states:sa-east-1:601427271234:stateMachine:DatadogStateMachine', Name: 'DatadogStateMachine' },
  };

  it('hashes execution#state#enteredTime into the parent id as Datadog does', () => {
    const sfn = extractStepFunctionsContext(event)!;
    expect(sfn.context.parentId).toBe(hex('4340734536022949921'));
    expect(sfn.context.samplingPriority).toBe(1);
    expect(sfn.stateMachineArn).toBe('arn:aws:states:sa-east-1:601427271234:stateMachine:DatadogStateMachine');
  });

  it('hashes the execution id into the trace id (bytes 8-15) and _dd.p.tid (bytes 0-7)', () => {
    const legacy = 'arn:aws:states:sa-east-1:425362996713:express:logs-to-traces-sequential:85a9933e-9e11-83dc-6a61-b92367b6c3be:3f7ef5c7-c8b8-4c88-90a1-d54aa7e7e2bf';
    const sfn = extractStepFunctionsContext({ ...event, Execution: { ...event.Execution, Id: legacy } })!;
    expect(sfn.context.traceId.slice(16)).toBe(hex('1139193989631387307'));
    expect(sfn.context.traceId.slice(0, 1)).toMatch(/[0-7]/);
  });

  it('adds #retry#redrive to the parent hash when either is non-zero', () => {
    const retried = extractStepFunctionsContext({ ...event, State: { ...event.State, RetryCount: 1 } })!;
    expect(retried.context.parentId).not.toBe(hex('4340734536022949921'));
    expect(retried.tags).toMatchObject({ retry_count: '1', redrive_count: '0', state_name: 'step-one' });
  });

  it('uses RootExecutionId for nested executions, and an upstream Datadog trace id when the Lambda started the workflow', () => {
    const nested = extractStepFunctionsContext({ ...event, RootExecutionId: 'arn:aws:states:sa-east-1:601427271234:execution:Root:r-1' })!;
    expect(nested.context.traceId).not.toBe(extractStepFunctionsContext(event)!.context.traceId);
    const rooted = extractStepFunctionsContext({ _datadog: { ...event, 'x-datadog-trace-id': '7379586022458917877', 'x-datadog-tags': '_dd.p.tid=6b06cd0100000000' } })!;
    expect(rooted.context.traceId).toBe('6b06cd010000000066698e63821a03f5');
  });

  it('finds the context object in the legacy Payload', () => {
    expect(extractStepFunctionsContext({ Payload: event })?.context.parentId).toBe(hex('4340734536022949921'));
  });
});
