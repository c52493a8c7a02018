import { context, trace } from '@opentelemetry/api';
import { get, request, type IncomingMessage } from 'node:http';
import { AWS_SDK_CALL_KEY } from '../../../runtime/integrations/integration';
import { publishesCreated } from '../../../runtime/integrations/http';
import { suppressTracing } from '../../../runtime/tracing/suppress-tracing';
import type { DecodedSpan } from '../../../runtime/testing';
import { hex, tracedInvocations } from '../aws-sdk/traced-invocation';
import { closedPort, HttpStandIn } from './http-stand-in';

/** GETs `url` with node:http and reads the whole body. */
function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** POSTs with node:http, writing the body in two parts (headers go out with the first). */
function httpPost(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'text/plain' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.write('a');
    req.end('b');
  });
}

async function fetchText(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

const clientSpans = (spans: DecodedSpan[]) => spans.filter((span) => span.name === 'http.request');

describe('HTTP client integrations (node:http and fetch)', () => {
  const invocations = tracedInvocations('orders');
  let standIn: HttpStandIn;
  beforeAll(async () => {
    standIn = await HttpStandIn.start();
    // Node < 22.12 wraps http.request at its first traced request when the module's loading went
    // unseen (as under Jest): make that request here, so every test sees the steady state.
    await invocations.invoke(() => httpGet(`${standIn.url}/warm-up`));
    invocations.extension.reset();
    standIn.reset();
  });
  afterEach(() => standIn.reset());
  afterAll(() => standIn.close());

  describe.each([
    ['http', httpGet],
    ['fetch', fetchText],
  ] as const)('%s', (component, call) => {
    it('opens one client span per request, tagged as dd-trace tags HTTP client spans, query string stripped', async () => {
      const result = await invocations.invoke(() => call(`${standIn.url}/users/42?token=secret#top`));

      expect(result).toEqual({ status: 200, body: '{"ok":true}' });
      const lambda = invocations.span('aws.lambda');
      const [client, ...others] = clientSpans(invocations.spans());
      expect(others).toEqual([]);
      expect(client).toMatchObject({ service: 'orders', resource: 'GET', type: 'http', trace_id: lambda.trace_id, parent_id: lambda.span_id, error: 0 });
      expect(client!.meta).toMatchObject({
        'span.kind': 'client',
        component,
        '_dd.integration': component,
        'http.method': 'GET',
        'http.url': `${standIn.url}/users/42`,
        'out.host': '127.0.0.1',
        'http.status_code': '200',
      });
      expect(client!.meta['http.server_name']).toBeUndefined();
      expect(client!.metrics).toMatchObject({ 'network.destination.port': standIn.port, 'http.status_code': 200, '_dd.measured': 1 });
    });

    it('injects Datadog and W3C headers whose parent is the client span', async () => {
      await invocations.invoke(() => call(`${standIn.url}/headers`));

      const [client] = clientSpans(invocations.spans());
      const { headers } = standIn.request('/headers');
      expect(headers['x-datadog-trace-id']).toBe(client!.trace_id.toString());
      expect(headers['x-datadog-parent-id']).toBe(client!.span_id.toString());
      expect(headers['x-datadog-sampling-priority']).toBe('1');
      expect(headers.traceparent).toMatch(new RegExp(`^00-[0-9a-f]{16}${hex(client!.trace_id)}-${hex(client!.span_id)}-01$`));
      expect(headers.tracestate).toContain(`p:${hex(client!.span_id)}`);
    });

    it('marks 4xx answers as errors and leaves 5xx alone (DD_TRACE_HTTP_CLIENT_ERROR_STATUSES default 400-499)', async () => {
      const statuses = await invocations.invoke(async () => [await call(`${standIn.url}/status/404`), await call(`${standIn.url}/status/503`)]);

      expect(statuses.map((s) => s.status)).toEqual([404, 503]);
      const byStatus = new Map(clientSpans(invocations.spans()).map((span) => [span.meta['http.status_code'], span]));
      expect(byStatus.get('404')).toMatchObject({ error: 1 });
      expect(byStatus.get('503')).toMatchObject({ error: 0 });
    });

    it('marks a network failure as an error and hands the caller the very same failure', async () => {
      const port = await closedPort();

      const outcome = await invocations.invoke(() => call(`http://127.0.0.1:${port}/down`).then(() => 'resolved', (error: unknown) => error));

      expect(outcome).not.toBe('resolved');
      const [client] = clientSpans(invocations.spans());
      expect(client).toMatchObject({ error: 1 });
      expect(client!.meta['error.message']).toBeTruthy();
      expect(client!.meta['http.status_code']).toBeUndefined();
    });

    it('keeps ten concurrent invocations apart: every span and header names its own invocation', async () => {
      await Promise.all(Array.from({ length: 10 }, (_, i) => invocations.invoke(() => call(`${standIn.url}/concurrent/${i}`))));

      const lambdas = invocations.extension.lambdaSpans;
      expect(lambdas).toHaveLength(10);
      const clients = clientSpans(invocations.spans());
      expect(clients).toHaveLength(10);
      for (const client of clients) {
        const lambda = lambdas.find((span) => span.trace_id === client.trace_id);
        expect(lambda).toBeDefined();
        expect(client.parent_id).toBe(lambda!.span_id);
        const received = standIn.received.find((r) => r.headers['x-datadog-parent-id'] === client.span_id.toString());
        expect(received?.headers['x-datadog-trace-id']).toBe(client.trace_id.toString());
      }
      expect(new Set(clients.map((span) => span.trace_id)).size).toBe(10);
    });

    it("never traces the extension's ports 8124, 8125 and 8126", async () => {
      await invocations.invoke(async () => {
        for (const port of [8124, 8125, 8126]) await call(`http://127.0.0.1:${port}/lambda/hello`).catch(() => undefined);
        return 'done';
      });

      expect(clientSpans(invocations.spans())).toEqual([]);
    });

    it('skips requests made under suppressTracing or an AWS SDK call, and outside any invocation', async () => {
      await invocations.invoke(async () => {
        await context.with(suppressTracing(context.active()), () => call(`${standIn.url}/suppressed`));
        await context.with(context.active().setValue(AWS_SDK_CALL_KEY, true), () => call(`${standIn.url}/aws-sdk`));
      });
      await call(`${standIn.url}/outside`);

      expect(clientSpans(invocations.spans())).toEqual([]);
      for (const path of ['/suppressed', '/aws-sdk', '/outside']) {
        expect(standIn.request(path).headers['x-datadog-trace-id']).toBeUndefined();
        expect(standIn.request(path).headers.traceparent).toBeUndefined();
      }
    });

    it("parents to the user's active span", async () => {
      await invocations.invoke(() =>
        trace.getTracer('test').startActiveSpan('load-user', async (span) => {
          try {
            return await call(`${standIn.url}/nested`);
          } finally {
            span.end();
          }
        }),
      );

      const user = invocations.spans().find((span) => span.resource === 'load-user')!;
      const [client] = clientSpans(invocations.spans());
      expect(client!.parent_id).toBe(user.span_id);
    });
  });

  it('injects headers when the body is written before the request ends (node:http)', async () => {
    const status = await invocations.invoke(() => httpPost(`${standIn.url}/post`));

    expect(status).toBe(200);
    const [client] = clientSpans(invocations.spans());
    expect(client!.meta['http.method']).toBe('POST');
    expect(standIn.request('/post').headers['x-datadog-parent-id']).toBe(client!.span_id.toString());
  });

  it('knows which Node versions publish http.client.request.created', () => {
    expect(['20.20.2', '22.11.0', '22.12.0', '23.2.0', '24.22.3'].map(publishesCreated)).toEqual([false, false, true, true, true]);
  });
});
