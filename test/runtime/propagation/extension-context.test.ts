import { extensionContextOf, sqsTraceHeaderContext } from '../../../runtime/propagation/extension-context';

const sqs = (attributes: Record<string, unknown>, messageAttributes: Record<string, unknown> = {}) => ({
  Records: [{ eventSource: 'aws:sqs', body: '{}', attributes, messageAttributes }],
});

describe('extensionContextOf: what the extension extracts at start-invocation', () => {
  it('takes any X-Ray AWSTraceHeader on an SQS record: the Root tail as trace id, Parent, Sampled as 1/0', () => {
    expect(sqsTraceHeaderContext(sqs({ AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995C3F42CD8AD8;Sampled=0' }))).toEqual({
      traceId: '0000000000000000e1be46a994272793',
      parentId: '53995c3f42cd8ad8',
      samplingPriority: 0,
      propagationTags: {},
    });
    expect(extensionContextOf(sqs({ AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' }))?.samplingPriority).toBe(1);
  });

  it('prefers the record’s _datadog carrier to its X-Ray header', () => {
    const event = sqs(
      { AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' },
      { _datadog: { dataType: 'String', stringValue: '{"x-datadog-trace-id":"12","x-datadog-parent-id":"34"}' } },
    );
    expect(extensionContextOf(event)?.traceId).toBe('0000000000000000000000000000000c');
  });

  it.each([
    ['no Root prefix', 'Parent=53995c3f42cd8ad8;Root=1-5759e988-bd862e3fe1be46a994272793'],
    ['a zero trace id', 'Root=1-5759e988-000000000000000000000000;Parent=53995c3f42cd8ad8'],
    ['a zero parent', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000'],
    ['no parent', 'Root=1-5759e988-bd862e3fe1be46a994272793'],
    ['a non-hex tail', 'Root=1-5759e988-bd862e3fe1be46a99427279z;Parent=53995c3f42cd8ad8'],
    ['a tail longer than 64 bits', 'Root=1-5759e988-bd862e3fe1be46a9942727931;Parent=53995c3f42cd8ad8'],
    ['a number', 42],
    ['a huge string', `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;${'x'.repeat(600)}`],
  ])('ignores an AWSTraceHeader with %s', (_case, header) => {
    expect(extensionContextOf(sqs({ AWSTraceHeader: header }))).toBeUndefined();
  });

  it('reads the X-Ray header of SQS records only', () => {
    const event = { Records: [{ eventSource: 'aws:kinesis', attributes: { AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8' } }] };
    expect(extensionContextOf(event)).toBeUndefined();
  });

  it('derives the Step Functions context when nothing is carried', () => {
    const event = { Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:flow:run-1', StartTime: '2026-12-01T00:00:00.000Z' }, State: { Name: 'step', EnteredTime: '2026-12-01T00:00:01.000Z', RetryCount: 0 }, StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:flow' } };
    expect(extensionContextOf(event)?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([undefined, null, 42, 'text', [], { Records: 'no' }, { Records: [null] }])('finds nothing in %p and never throws', (event) => {
    expect(extensionContextOf(event)).toBeUndefined();
  });
});
