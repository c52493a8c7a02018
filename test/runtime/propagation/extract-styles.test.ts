import { extractFromHeaders, setExtractStyles } from '../../../runtime/propagation/headers';
import type { PropagationStyle } from '../../../runtime/propagation/headers';

const BOTH = {
  'x-datadog-trace-id': '12',
  'x-datadog-parent-id': '34',
  traceparent: '00-0000000000000000000000000000abcd-00000000000000ef-01',
};

describe('extractFromHeaders follows DD_TRACE_PROPAGATION_STYLE_EXTRACT', () => {
  afterEach(() => setExtractStyles(['datadog', 'tracecontext']));

  it.each<[readonly PropagationStyle[], string | undefined]>([
    [['datadog', 'tracecontext'], '0000000000000000000000000000000c'],
    [['tracecontext', 'datadog'], '0000000000000000000000000000abcd'],
    [['tracecontext'], '0000000000000000000000000000abcd'],
    [['datadog'], '0000000000000000000000000000000c'],
    [['none'], undefined],
    [['baggage'], undefined],
  ])('with %p it continues trace %s', (styles, traceId) => {
    setExtractStyles(styles);
    expect(extractFromHeaders(BOTH)?.traceId).toBe(traceId);
  });

  it('falls through to the next style when the first finds nothing', () => {
    setExtractStyles(['datadog', 'tracecontext']);
    expect(extractFromHeaders({ traceparent: BOTH.traceparent })?.traceId).toBe('0000000000000000000000000000abcd');
    setExtractStyles(['datadog']);
    expect(extractFromHeaders({ traceparent: BOTH.traceparent })).toBeUndefined();
  });
});

describe('extractFromHeaders reads header names in any case', () => {
  it('finds Datadog and W3C headers whatever their case (API Gateway REST keeps the caller\'s)', () => {
    // GIVEN the same carriers, names as a client may have cased them
    const datadog = { 'X-Datadog-Trace-Id': '12', 'X-DATADOG-PARENT-ID': '34', 'x-datadog-sampling-priority': '2', Host: 'example.com' };
    const w3c = { Traceparent: BOTH.traceparent, Accept: '*/*' };

    // THEN each is read as its lower-case form is
    expect(extractFromHeaders(datadog)).toMatchObject({ traceId: '0000000000000000000000000000000c', parentId: '0000000000000022', samplingPriority: 2 });
    expect(extractFromHeaders(w3c)?.traceId).toBe('0000000000000000000000000000abcd');
  });

  it('prefers the exact lower-case name and finds nothing in a bag without the headers', () => {
    expect(extractFromHeaders({ 'x-datadog-trace-id': '12', 'X-Datadog-Trace-Id': '99', 'x-datadog-parent-id': '34' })?.traceId).toBe('0000000000000000000000000000000c');
    expect(extractFromHeaders({ accept: '*/*', 'user-agent': 'curl/8' })).toBeUndefined();
  });
});
