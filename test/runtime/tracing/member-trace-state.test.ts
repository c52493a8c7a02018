import { createTraceState, type TraceState } from '@opentelemetry/api';
import { MemberTraceState } from '../../../runtime/tracing/member-trace-state';

/** The same edits applied to ours and to the API's trace state. */
function both(edit: (state: TraceState) => TraceState): [TraceState, TraceState] {
  return [edit(new MemberTraceState()), edit(createTraceState())];
}

describe('MemberTraceState', () => {
  it('serializes like the API trace state: the member set last comes first', () => {
    const [ours, api] = both((s) => s.set('dd', 's:1;t.dm:-0').set('rojo', '00f067aa0ba902b7').set('dd', 's:2'));
    expect(ours.serialize()).toBe('dd=s:2,rojo=00f067aa0ba902b7');
    expect(ours.serialize()).toBe(api.serialize());
  });

  it('gets and unsets members like the API trace state', () => {
    const [ours, api] = both((s) => s.set('a', '1').set('b', '2').unset('a'));
    expect(ours.get('a')).toBeUndefined();
    expect(ours.get('b')).toBe('2');
    expect(ours.serialize()).toBe(api.serialize());
  });

  it('is immutable: set and unset return a new state', () => {
    const empty = new MemberTraceState();
    const one = empty.set('dd', 's:1');
    one.unset('dd');
    expect(empty.serialize()).toBe('');
    expect(one.get('dd')).toBe('s:1');
  });
});
