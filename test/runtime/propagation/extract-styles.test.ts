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
