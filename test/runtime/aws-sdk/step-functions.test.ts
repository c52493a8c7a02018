import { Client } from '@smithy/core/client';
import { MAX_INPUT_BYTES } from '../../../runtime/aws-sdk/step-functions';
import { clientRegistry } from '../../../runtime/integrations/aws-sdk/client-registry';
import type { DecodedSpan } from '../../../runtime/testing';
import { useAwsStandIn } from '../integrations/aws-stand-in';
import { SfnClient } from './sfn-client';
import { tracedInvocations } from './traced-invocation';

// The zero-code route, as the esbuild plugin registers a bundled smithy Client.
clientRegistry().push(Client);

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:checkout';

describe('Step Functions through the aws-sdk integration', () => {
  const invocations = tracedInvocations('orders');
  const aws = useAwsStandIn();

  const client = () => new SfnClient({ endpoint: aws.current().endpoint, region: 'eu-west-1' });
  const sentInputs = () => aws.current().requests.map((request) => (JSON.parse(request.body) as { input?: string }).input);
  const awsSpans = (): DecodedSpan[] => invocations.spans().filter((span) => span.name === 'aws.request').sort((a, b) => Number(a.start - b.start));

  it('tags StartExecution as dd-trace does and appends _datadog to the input object, naming the AWS span as parent', async () => {
    const input = '{"order":12345678901234567890,"items":[1,2]}';

    const output = await invocations.invoke(() => client().start('StartExecution', { stateMachineArn: STATE_MACHINE, name: 'exec-1', input }));

    const lambda = invocations.span('aws.lambda');
    const [span] = awsSpans();
    expect(span).toMatchObject({ service: 'orders-aws-sfn', resource: 'startExecution exec-1', trace_id: lambda.trace_id, parent_id: lambda.span_id, error: 0 });
    expect(span!.meta).toMatchObject({
      'span.kind': 'client',
      component: 'aws-sdk',
      'aws.service': 'SFN',
      aws_service: 'SFN',
      'aws.operation': 'startExecution',
      '_dd.svc_src': 'sfn',
      statemachinearn: STATE_MACHINE,
      statemachinename: 'checkout',
      'aws.region': 'eu-west-1',
      'aws.request_id': output.$metadata.requestId,
    });
    const [sent] = sentInputs();
    // Spliced before the closing brace: the user's bytes (a number JSON.parse would round) kept.
    expect(sent!.startsWith('{"order":12345678901234567890,"items":[1,2],"_datadog":{')).toBe(true);
    const carrier = (JSON.parse(sent!) as { _datadog: Record<string, string> })._datadog;
    expect(carrier).toMatchObject({ 'x-datadog-trace-id': String(span!.trace_id & 0xffffffffffffffffn), 'x-datadog-parent-id': span!.span_id.toString() });
    expect(carrier.traceparent).toMatch(new RegExp(`-${span!.span_id.toString(16).padStart(16, '0')}-0[01]$`));
  });

  it('does the same for StartSyncExecution; the resource is the operation when no name is given', async () => {
    await invocations.invoke(() => client().start('StartSyncExecution', { stateMachineArn: STATE_MACHINE, input: '{}' }));

    const [span] = awsSpans();
    expect(span).toMatchObject({ resource: 'startSyncExecution', meta: expect.objectContaining({ statemachinearn: STATE_MACHINE, 'aws.operation': 'startSyncExecution' }) as object });
    expect(JSON.parse(sentInputs()[0]!)).toEqual({ _datadog: expect.objectContaining({ 'x-datadog-parent-id': span!.span_id.toString() }) });
  });

  it('leaves alone input that is absent, not a JSON object, invalid, already carrying _datadog, or too big to grow', async () => {
    const own = '{"_datadog":{"x-datadog-trace-id":"1","x-datadog-parent-id":"2"}}';
    // Room for the input but not for the carrier (~300 bytes) within the 256 KiB quota.
    const nearLimit = JSON.stringify({ blob: 'x'.repeat(MAX_INPUT_BYTES - 100 - 11) });
    const inputs = [undefined, '[{"a":1}]', '"text"', '42', 'not json}', '{"a":1', own, nearLimit];

    await invocations.invoke(async () => {
      for (const input of inputs) await client().start('StartExecution', { stateMachineArn: STATE_MACHINE, ...(input !== undefined && { input }) });
    });

    expect(Buffer.byteLength(nearLimit)).toBe(MAX_INPUT_BYTES - 100);
    expect(sentInputs()).toEqual(inputs);
    expect(awsSpans()).toHaveLength(inputs.length);
  });

  it('still carries the context when the grown input stays within the quota, whitespace after the object included', async () => {
    const roomy = `${JSON.stringify({ blob: 'x'.repeat(MAX_INPUT_BYTES - 1000) })} \n`;

    await invocations.invoke(() => client().start('StartExecution', { stateMachineArn: STATE_MACHINE, input: roomy }));

    const sent = sentInputs()[0]!;
    expect(Buffer.byteLength(sent)).toBeLessThanOrEqual(MAX_INPUT_BYTES);
    expect((JSON.parse(sent) as { _datadog?: object })._datadog).toMatchObject({ 'x-datadog-parent-id': awsSpans()[0]!.span_id.toString() });
  });

  it("never mutates the caller's input object", async () => {
    const input = { stateMachineArn: STATE_MACHINE, name: 'exec-2', input: '{"a":1}' };
    const before = structuredClone(input);

    await invocations.invoke(() => client().start('StartExecution', input));

    expect(input).toEqual(before);
    expect(sentInputs()[0]).toContain('"_datadog"');
  });

  it('tags other operations with the state machine and injects nothing', async () => {
    await invocations.invoke(() => client().start('DescribeStateMachine', { stateMachineArn: STATE_MACHINE }));

    expect(awsSpans()[0]).toMatchObject({ resource: 'describeStateMachine', meta: expect.objectContaining({ statemachinearn: STATE_MACHINE }) as object });
    expect(aws.current().requests[0]!.body).toBe(JSON.stringify({ stateMachineArn: STATE_MACHINE }));
  });
});
