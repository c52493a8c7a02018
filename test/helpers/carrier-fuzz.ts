/**
 * Seeded generator of hostile trigger events: every trace carrier Lambda can deliver (SQS and
 * SNS `_datadog` as String and Binary, EventBridge `detail._datadog`, HTTP headers) filled
 * with malformed, out-of-range and wrongly typed ids, times and tags, plus non-object events.
 */
export type Random = () => number;

/** mulberry32: small, fast and reproducible from one 32-bit seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)]!;

function digits(random: Random, max: number): string {
  let out = String(1 + Math.floor(random() * 9));
  const length = Math.floor(random() * max);
  for (let i = 0; i < length; i += 1) out += String(Math.floor(random() * 10));
  return out;
}

const INTEGERS = ['0', '1', '-1', '18446744073709551615', '18446744073709551616', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '00000000000000000001', '1e3', '0x10', ' 42', '42 ', '4.2', '', 'NaN', 'Infinity', '１２３', 'abc'];
const TIMES = ['-9223372036854775808', '9223372036854775807', '-1', '0', '1e308', '-1e308', '1764072000000', '1764072000000.5', '17640720000000000', 'NaN', '', 'yesterday', '2024-11-25T12:00:00Z'];

function integer(random: Random): unknown {
  const roll = random();
  if (roll < 0.35) return pick(random, INTEGERS);
  if (roll < 0.75) return digits(random, 24);
  if (roll < 0.85) return Number(digits(random, 20));
  return pick(random, [null, true, {}, [], 1.5, -0, Number.MAX_SAFE_INTEGER, 'x'.repeat(5000)]);
}

function time(random: Random): unknown {
  const roll = random();
  if (roll < 0.5) return pick(random, TIMES);
  if (roll < 0.8) return String(Math.floor((random() * 2 - 1) * 1e19));
  return pick(random, [Number.MIN_SAFE_INTEGER, -9223372036854775808, 1e300, null, {}]);
}

function hex(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += '0123456789abcdef'[Math.floor(random() * 16)];
  return out;
}

function traceparent(random: Random): unknown {
  return pick(random, [
    `00-${hex(random, 32)}-${hex(random, 16)}-01`,
    `00-${'0'.repeat(32)}-${hex(random, 16)}-01`,
    `00-${hex(random, 32)}-${'0'.repeat(16)}-00`,
    `ff-${hex(random, 32)}-${hex(random, 16)}-01`,
    `00-${hex(random, 32).toUpperCase()}-${hex(random, 16)}-01`,
    `00-${hex(random, 31)}-${hex(random, 16)}-01`,
    `01-${hex(random, 32)}-${hex(random, 16)}-09-extra`,
    'garbage',
    42,
  ]);
}

function tracestate(random: Random): unknown {
  return pick(random, [
    `dd=s:${pick(random, ['2', '-1', '1.5', '99999999999', 'x'])};o:rum;t.dm:-4;t.tid:${hex(random, 16)};p:${hex(random, 16)}`,
    'dd=s:2;;;==;t.tid:zz',
    `dd=${'t.x:y;'.repeat(200)}`,
    'vendor=1,dd=s:1',
    '\u0000\u00ff',
  ]);
}

/** One `_datadog` carrier: some keys valid, some hostile, some missing. */
export function carrier(random: Random): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const maybe = (key: string, value: () => unknown) => {
    if (random() < 0.7) out[key] = value();
  };
  maybe('x-datadog-trace-id', () => integer(random));
  maybe('x-datadog-parent-id', () => integer(random));
  maybe('x-datadog-sampling-priority', () => pick(random, ['2', '1', '0', '-1', '1.5', 'high', '99999999999', 3, null]));
  maybe('x-datadog-tags', () => pick(random, [`_dd.p.tid=${hex(random, 16)}`, '_dd.p.tid=zz', `_dd.p.tid=${'f'.repeat(16)},_dd.p.dm=-4`, 'no-equals', `_dd.p.x=${'y'.repeat(600)}`, '=,=,=']));
  maybe('x-datadog-origin', () => pick(random, ['rum', '', 'x'.repeat(300), 1]));
  maybe('x-datadog-start-time', () => time(random));
  maybe('x-datadog-resource-name', () => pick(random, ['bus', '', null, { nested: true }]));
  maybe('traceparent', () => traceparent(random));
  maybe('tracestate', () => tracestate(random));
  return out;
}

/** The carrier as Lambda delivers it: JSON, sometimes broken JSON or not a string at all. */
function serialized(random: Random, value: Record<string, unknown>): unknown {
  const roll = random();
  if (roll < 0.8) return JSON.stringify(value);
  if (roll < 0.9) return JSON.stringify(value).slice(0, Math.floor(random() * 20));
  return pick(random, [null, 12, ['a'], value]);
}

function base64(random: Random, value: unknown): unknown {
  return typeof value === 'string' && random() < 0.9 ? Buffer.from(value).toString('base64') : pick(random, ['!!!not base64', value, 7]);
}

/** One fuzzed event; `index` cycles through the shapes so every shape gets its share. */
export function fuzzedEvent(random: Random, index: number): unknown {
  const json = serialized(random, carrier(random));
  switch (index % 8) {
    case 0:
      return { Records: [{ eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:orders', body: '{}', attributes: { SentTimestamp: time(random), AWSTraceHeader: pick(random, ['Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', 'Root=garbage', 7]) }, messageAttributes: { _datadog: { dataType: 'String', stringValue: json } } }] };
    case 1:
      return { Records: [{ eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:orders', body: '{}', attributes: { SentTimestamp: time(random) }, messageAttributes: { _datadog: { dataType: 'Binary', binaryValue: base64(random, json) } } }] };
    case 2:
      return { Records: [{ EventSource: 'aws:sns', EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:orders:1', Sns: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:orders', Timestamp: pick(random, ['2024-11-25T12:00:00.456Z', '-271821-04-20T00:00:00Z', 'soon', 5]), Message: '{}', MessageAttributes: { _datadog: { Type: 'String', Value: json } } } }] };
    case 3:
      return { Records: [{ EventSource: 'aws:sns', Sns: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:orders', Timestamp: '2024-11-25T12:00:00Z', Message: '{}', MessageAttributes: { _datadog: { Type: 'Binary', Value: base64(random, json) } } } }] };
    case 4:
      return { 'detail-type': 'OrderPlaced', source: 'orders', time: pick(random, ['2024-11-25T12:00:00Z', 'never', 99]), detail: { _datadog: random() < 0.8 ? carrier(random) : json } };
    case 5:
      return { version: '2.0', rawPath: '/orders', headers: Object.fromEntries(Object.entries(carrier(random)).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])), requestContext: { apiId: 'a1', domainName: 'api.example.com', stage: '$default', http: { method: 'GET', path: '/orders' }, timeEpoch: time(random) } };
    case 6:
      return { resource: '/orders', path: '/orders', httpMethod: 'GET', headers: { 'X-Datadog-Trace-Id': integer(random), 'X-Datadog-Parent-Id': integer(random), traceparent: traceparent(random) }, requestContext: { stage: 'prod', requestTimeEpoch: time(random), domainName: 'api.example.com', apiId: 'a1' } };
    default:
      return pick(random, [null, undefined, 42, 'an event', [], [carrier(random)], true, { Records: 'x' }, { Records: [null] }, { headers: 'x' }, { detail: null, 'detail-type': 7 }, { Records: [{ Sns: 'x' }] }]);
  }
}
