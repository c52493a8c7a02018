import { SpanKind } from '@opentelemetry/api';
import { toDatadogSpan } from '../../../runtime/export/span-mapping';
import { makeSpans } from '../../helpers/spans';

const map = (kind: SpanKind) =>
  toDatadogSpan(makeSpans([{ name: 'GET', kind, attributes: { 'http.request.method': 'GET', 'server.address': 'api.example.com', 'server.port': 8443 } }])[0]!, {
    service: 'orders',
    runtimeId: 'r',
  });

describe('server.* on outbound spans', () => {
  it.each([SpanKind.CLIENT, SpanKind.PRODUCER])('names the remote end out.host / network.destination.port on a %s span, as dd-trace does', (kind) => {
    const span = map(kind);
    expect(span.meta['out.host']).toBe('api.example.com');
    expect(span.metrics['network.destination.port']).toBe(8443);
    expect(span.meta['http.server_name']).toBeUndefined();
  });

  it('keeps http.server_name on a server span', () => {
    expect(map(SpanKind.SERVER).meta['http.server_name']).toBe('api.example.com');
  });
});
