import { resetColdStart } from '../../../runtime/invocation/cold-start';
import { identifyTrigger } from '../../../runtime/local/identify-trigger';
import { LocalHarness, only } from './local-harness';

const ENV = { region: 'us-east-1', partition: 'aws' };
const ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/orders-cluster/751d2973-a626-431c-9d4e-d7975eb44dd7-2';
const bytes = (text: string): number[] => [...Buffer.from(text)];

function kafkaEvent(records: Record<string, unknown>) {
  return { eventSource: 'aws:kafka', eventSourceArn: ARN, records };
}

function record(topic: string, headers: unknown, timestamp = 1732536000123) {
  return { topic, partition: 3, offset: 7, timestamp, timestampType: 'CREATE_TIME', key: '', value: '', headers };
}

describe('MSK (Kafka) trigger', () => {
  const harness = new LocalHarness();
  beforeAll(() => harness.install());
  beforeEach(() => resetColdStart(Date.now() - 500));

  it('builds aws.msk from the first record and continues the trace in its byte-array headers', async () => {
    const headers = [{ 'x-datadog-trace-id': bytes('1497116011738644768') }, { 'X-Datadog-Parent-Id': bytes('2239801583077304042').map(String) }, { 'x-datadog-sampling-priority': bytes('2') }];
    const { spans, started } = await harness.invoke(kafkaEvent({ 'orders-3': [record('orders', headers)] }));
    const msk = only(spans, 'aws.msk');
    expect(msk).toMatchObject({ service: 'orders-cluster', resource: 'orders', type: 'web' });
    expect(msk.meta).toMatchObject({ topic: 'orders', partition: '3', event_source: 'aws:kafka', event_source_arn: ARN, '_inferred_span.synchronicity': 'async' });
    expect(msk.parent_id).toBe(2239801583077304042n);
    expect(started.samplingPriority).toBe(2);
    expect(only(spans, 'aws.lambda').meta).toMatchObject({ 'function_trigger.event_source': 'msk', 'function_trigger.event_source_arn': ARN });
  });

  it('prefers the record that carries trace headers, as the extension does', () => {
    const traced = record('payments', [{ traceparent: bytes('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01') }], 1732536009999);
    const trigger = identifyTrigger(kafkaEvent({ 'orders-0': [record('orders', [])], 'payments-1': { '0': record('payments', []), '1': traced } }), ENV);
    expect(trigger?.spans[0]).toMatchObject({ resource: 'payments', startMs: 1732536009999 });
    expect(trigger?.context?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it.each([
    ['a byte above 255', [{ 'x-datadog-trace-id': [300, 49] }]],
    ['a non-numeric byte', [{ 'x-datadog-trace-id': ['a'] }]],
    ['headers that are not a list', 'x-datadog-trace-id=1'],
    ['no headers', undefined],
  ])('builds the span without a context from %s', (_name, headers) => {
    const trigger = identifyTrigger(kafkaEvent({ 'orders-0': [record('orders', headers)] }), ENV);
    expect(trigger?.spans[0]?.name).toBe('aws.msk');
    expect(trigger?.context).toBeUndefined();
  });

  it('is not an MSK event without a topic in the first record', () => {
    expect(identifyTrigger(kafkaEvent({ 'orders-0': [{ partition: 1 }] }), ENV)?.eventSource).toBeUndefined();
    expect(identifyTrigger({ records: [] }, ENV)).toBeUndefined();
  });
});
