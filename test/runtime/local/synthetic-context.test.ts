import { identifyTrigger } from '../../../runtime/local/identify-trigger';
import { extractSyntheticContext, setTraceExtractor } from '../../../runtime/local/synthetic-context';
import { apiGatewayV1Event } from '../../fixtures/events/api-gateway-v1';
import { CARRIER_JSON, UPSTREAM } from '../../fixtures/events/carrier';
import { kinesisEvent } from '../../fixtures/events/kinesis';
import { snsEvent, snsMessage } from '../../fixtures/events/sns';
import { sqsRecord } from '../../fixtures/events/sqs';
import { preserveEnv } from '../../helpers/env';
import { lambdaContext } from '../../helpers/lambda-context';

const ENV = { region: 'us-east-1', partition: 'aws' };
const OTHER = { 'x-datadog-trace-id': '1429857782600429890', 'x-datadog-parent-id': '5465827642083646742', 'x-datadog-sampling-priority': '2' };
const OTHER_TRACE_ID = '000000000000000013d7e013db39f142';

describe('extractSyntheticContext', () => {
  preserveEnv();
  beforeEach(() => {
    delete process.env._X_AMZN_TRACE_ID;
    delete process.env.DD_MERGE_XRAY_TRACES;
  });
  afterEach(() => setTraceExtractor(undefined));

  it('reads the event carrier as source event', () => {
    expect(extractSyntheticContext(snsEvent)).toEqual({
      source: 'event',
      context: { traceId: UPSTREAM.traceId, parentId: UPSTREAM.parentId, samplingPriority: 1, origin: undefined, propagationTags: { '_dd.p.dm': '-0' } },
    });
  });

  it('prefers a custom extractor, and ignores one that throws', () => {
    setTraceExtractor((event) => (event as { meta: Record<string, string> }).meta);
    expect(extractSyntheticContext({ ...snsEvent, meta: OTHER })).toMatchObject({ source: 'custom', context: { traceId: OTHER_TRACE_ID, samplingPriority: 2 } });
    setTraceExtractor(() => {
      throw new Error('user bug');
    });
    expect(extractSyntheticContext(snsEvent)?.source).toBe('event');
  });

  it('falls back to the Lambda client context, nested in _datadog or flat', () => {
    const nested = lambdaContext({ clientContext: { custom: { _datadog: OTHER } } as never });
    const flat = lambdaContext({ clientContext: { Custom: OTHER } as never });
    expect(extractSyntheticContext({}, nested)).toMatchObject({ source: 'client-context', context: { traceId: OTHER_TRACE_ID } });
    expect(extractSyntheticContext({}, flat)).toMatchObject({ source: 'client-context', context: { traceId: OTHER_TRACE_ID } });
    // The event's own carrier wins over the client context.
    expect(extractSyntheticContext(snsEvent, nested)?.context.traceId).toBe(UPSTREAM.traceId);
  });

  it('reads a Datadog-padded _X_AMZN_TRACE_ID, and a plain one only when merging X-Ray traces', () => {
    process.env._X_AMZN_TRACE_ID = 'Root=1-674466c0-0000000066698e63821a03f5;Parent=24b17e9b6476c018;Sampled=1';
    expect(extractSyntheticContext({})).toMatchObject({ source: 'event', context: { traceId: `0000000000000000${UPSTREAM.traceId.slice(16)}`, parentId: UPSTREAM.parentId, samplingPriority: 1 } });

    process.env._X_AMZN_TRACE_ID = 'Root=1-5e272390-8c398be037738dc042009320;Parent=94ae789b969f1cc5;Sampled=1';
    expect(extractSyntheticContext({})).toBeUndefined();
    process.env.DD_MERGE_XRAY_TRACES = 'true';
    expect(extractSyntheticContext({})).toMatchObject({ source: 'xray', context: { traceId: '000000000000000037738dc042009320', parentId: '94ae789b969f1cc5', samplingPriority: 2 } });
  });

  it('falls back to the SQS AWSTraceHeader of a Datadog Java producer, not a plain X-Ray one', () => {
    const padded = sqsRecord({ messageAttributes: {}, attributes: { ...sqsRecord().attributes, AWSTraceHeader: 'Root=1-674466c0-0000000066698e63821a03f5;Parent=24b17e9b6476c018;Sampled=1' } });
    const plain = sqsRecord({ messageAttributes: {}, attributes: { ...sqsRecord().attributes, AWSTraceHeader: 'Root=1-5e272390-8c398be037738dc042009320;Parent=94ae789b969f1cc5;Sampled=1' } });
    expect(extractSyntheticContext({ Records: [padded] })?.context).toMatchObject({ traceId: `0000000000000000${UPSTREAM.traceId.slice(16)}`, parentId: UPSTREAM.parentId });
    expect(extractSyntheticContext({ Records: [plain] })).toBeUndefined();
  });

  it('reads SNS raw delivery to SQS (a Binary _datadog attribute)', () => {
    const record = sqsRecord({ messageAttributes: { _datadog: { dataType: 'Binary', binaryValue: Buffer.from(CARRIER_JSON).toString('base64'), stringListValues: [], binaryListValues: [] } } });
    expect(extractSyntheticContext({ Records: [record] })?.context.traceId).toBe(UPSTREAM.traceId);
  });

  it('reads a Step Functions context from an EventBridge carrier (Step Functions → EventBridge)', () => {
    const carrier = { Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:Flow:run-1' }, State: { Name: 'Notify', EnteredTime: '2024-11-25T12:00:00.000Z' } };
    const event = { 'detail-type': 'Done', source: 'flow', time: '2024-11-25T12:00:00Z', detail: { _datadog: carrier } };
    expect(extractSyntheticContext(event)?.context.parentId).toMatch(/^[0-7][0-9a-f]{15}$/);
  });
});

describe('malformed events', () => {
  const stringAttr = (value: unknown) => sqsRecord({ messageAttributes: { _datadog: { dataType: 'String', stringValue: value as string, stringListValues: [], binaryListValues: [] } } });
  const cases: Array<[string, unknown]> = [
    ['null', null],
    ['a string', 'hello'],
    ['an array', [1, 2]],
    ['Records that is not an array', { Records: 'nope' }],
    ['an empty Records', { Records: [] }],
    ['a null record', { Records: [null] }],
    ['SQS _datadog with bad JSON', { Records: [stringAttr('{"x-datadog-trace-id":')] }],
    ['SQS _datadog with wrong types', { Records: [stringAttr(JSON.stringify({ 'x-datadog-trace-id': { nested: 1 }, 'x-datadog-parent-id': [1] }))] }],
    ['SQS _datadog with an out-of-range id', { Records: [stringAttr(JSON.stringify({ 'x-datadog-trace-id': '99999999999999999999999', 'x-datadog-parent-id': '1' }))] }],
    ['SQS _datadog of 1 MB', { Records: [stringAttr(`{"x-datadog-trace-id":"1","pad":"${'a'.repeat(1_000_000)}"}`)] }],
    ['SQS _datadog that is not a string', { Records: [stringAttr(12345)] }],
    ['an SQS body claiming to be SNS but truncated', { Records: [sqsRecord({ messageAttributes: {}, body: '{"Type":"Notification","TopicArn":"arn:aws:sns:us-east-1:1:t","MessageAttributes":{"_datadog":' })] }],
    ['SNS Binary _datadog that is not base64 JSON', { Records: [{ Sns: snsMessage({ MessageAttributes: { _datadog: { Type: 'Binary', Value: '%%%not-base64%%%' } } }) }] }],
    ['Kinesis data that is not base64 JSON', kinesisEvent('bm90IGpzb24gX2RhdGFkb2c=')],
    ['a truncated traceparent header', { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b71692' } }],
    ['a traceparent with an all-zero trace id', { headers: { traceparent: `00-${'0'.repeat(32)}-b7ad6b7169203331-01` } }],
    ['headers that are a string', { headers: 'x-datadog-trace-id: 1' }],
    ['an authorizer _datadog that is not base64 JSON', apiGatewayV1Event({ authorizer: { integrationLatency: 5, _datadog: '!!!' } }, {})],
    ['an EventBridge detail that is a string', { 'detail-type': 'X', source: 'app', detail: '{"_datadog":{}}' }],
    ['a Step Functions object with wrong types', { Execution: { Id: 42 }, State: { Name: ['x'], EnteredTime: null } }],
  ];

  it.each(cases)('yields no context from %s, without throwing', (_name, event) => {
    expect(extractSyntheticContext(event)).toBeUndefined();
  });

  it('yields no inferred span for an unknown event shape', () => {
    expect(identifyTrigger({ orderId: 'o-1', Records: [{ weird: true }] }, ENV)).toBeUndefined();
  });

  it('survives getters that throw', () => {
    const hostile = { get Records(): unknown { throw new Error('boom'); } };
    expect(() => identifyTrigger(hostile, ENV)).not.toThrow();
    expect(extractSyntheticContext(hostile)).toBeUndefined();
  });

  it('does not parse a large SQS body that is no envelope', () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      identifyTrigger({ Records: [sqsRecord({ body: JSON.stringify({ data: 'x'.repeat(200_000) }) })] }, ENV);
      expect(parse.mock.calls.every(([text]) => (text).length < 10_000)).toBe(true);
    } finally {
      parse.mockRestore();
    }
  });
});
