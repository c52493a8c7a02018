import { trace } from '@opentelemetry/api';
import { tracedInvocationsWith } from './switched-invocation';
import { HttpStandIn } from './http-stand-in';

/**
 * Integrations are enabled once per process, by the first `wrapHandler` that wants them: this
 * file's first (and only) wrapping turns them all off, by option and by environment.
 */
const lines: unknown[][] = [];
console.log = (...args: unknown[]) => void lines.push(args);

describe('integration switches off', () => {
  const invocations = tracedInvocationsWith({ integrations: { http: false, logs: false } }, { DD_TRACE_DISABLED_INTEGRATIONS: 'fetch' });
  let standIn: HttpStandIn;
  beforeAll(async () => {
    standIn = await HttpStandIn.start();
  });
  afterAll(() => standIn.close());

  it('makes no span, injects no header and leaves log lines as written', async () => {
    await invocations.invoke(async () => {
      await new Promise((resolve, reject) => {
        void import('node:http').then(({ get }) => get(`${standIn.url}/http`, (res) => res.resume().on('end', resolve)).on('error', reject));
      });
      await (await fetch(`${standIn.url}/fetch`)).text();
      console.log('plain');
      return trace.getActiveSpan()?.spanContext().traceId;
    });

    expect(invocations.spans().map((span) => span.name)).toEqual(['aws.lambda']);
    for (const { headers } of standIn.received) {
      expect(headers['x-datadog-trace-id']).toBeUndefined();
      expect(headers.traceparent).toBeUndefined();
    }
    expect(standIn.received).toHaveLength(2);
    expect(lines).toEqual([['plain']]);
  });
});
