import { resolveConfig } from '../../../runtime/config';
import { setGlobalSlot } from '../../../runtime/global-state';
import { log } from '../../../runtime/log';
import { gauge, incrementMetric, sendDistributionMetric } from '../../../runtime/metrics/custom-metrics';
import { drainPoints } from '../../../runtime/metrics/metrics-buffer';
import { MAX_DATAGRAM_BYTES } from '../../../runtime/metrics/wire-format';
import { wrapHandler, type WrapHandlerOptions } from '../../../runtime/invocation/wrap-handler';
import { lambdaContext } from '../../helpers/lambda-context';
import { useUdpListener } from './udp-listener';

const GLOBAL_TAGS = ['team:payments', 'service:orders', 'env:prod', 'version:1.2.3'];

describe('custom metrics', () => {
  const listener = useUdpListener();
  afterEach(() => jest.restoreAllMocks());

  /** No extension installed, metrics explicitly to our listener. */
  function options(overrides: WrapHandlerOptions = {}): WrapHandlerOptions {
    return {
      extensionPath: '/nonexistent/datadog-agent',
      metricsExporter: 'dogstatsd',
      dogstatsdPort: listener().port,
      service: 'orders',
      env: 'prod',
      version: '1.2.3',
      tags: { team: 'payments' },
      enhancedMetrics: false,
      ...overrides,
    };
  }

  it('sends a distribution, counts and a gauge in DogStatsD format, each with the global tags and a timestamp', async () => {
    // GIVEN a handler that records one of each type
    const handler = wrapHandler(async () => {
      sendDistributionMetric('orders.basket.value', 12.5, ['currency:eur']);
      incrementMetric('orders.created');
      incrementMetric('orders.items', 3, { channel: 'web' });
      gauge('orders.queue.depth', -4);
      return 'ok';
    }, options());
    const before = Math.floor(Date.now() / 1000);
    // WHEN it runs
    await handler({}, lambdaContext());
    const after = Math.floor(Date.now() / 1000);
    // THEN four lines arrive in one datagram, typed and tagged
    await listener().waitForLines(4);
    expect(listener().datagrams).toHaveLength(1);
    const lines = listener().parsed();
    expect(lines.map(({ name, value, type, tags }) => ({ name, value, type, tags }))).toEqual([
      { name: 'orders.basket.value', value: 12.5, type: 'd', tags: [...GLOBAL_TAGS, 'currency:eur'] },
      { name: 'orders.created', value: 1, type: 'c', tags: GLOBAL_TAGS },
      { name: 'orders.items', value: 3, type: 'c', tags: [...GLOBAL_TAGS, 'channel:web'] },
      { name: 'orders.queue.depth', value: -4, type: 'g', tags: GLOBAL_TAGS },
    ]);
    for (const { timestamp } of lines) {
      expect(timestamp).toBeGreaterThanOrEqual(before);
      expect(timestamp).toBeLessThanOrEqual(after);
    }
  });

  it('sends a distribution at the timestamp given as a Date or Unix seconds', async () => {
    const minuteAgo = Math.floor(Date.now() / 1000) - 60;
    const handler = wrapHandler(async () => {
      sendDistributionMetric('orders.latency', 1, [], new Date(minuteAgo * 1000 + 900));
      sendDistributionMetric('orders.latency', 2, [], minuteAgo + 0.5);
    }, options());
    await handler({}, lambdaContext());
    expect((await listener().waitForLines(2)).map((line) => line.split('|').pop())).toEqual([`T${minuteAgo}`, `T${minuteAgo}`]);
  });

  it('sanitizes tags so they cannot break the line', async () => {
    const handler = wrapHandler(async () => incrementMetric('orders.created', 1, ['customer:acme|corp,#1', 'note:a b']), options());
    await handler({}, lambdaContext());
    expect((await listener().waitForLines(1))[0]).toMatch(/\|#team:payments,service:orders,env:prod,version:1\.2\.3,customer:acme_corp__1,note:a_b\|T\d+$/);
  });

  it('buffers metrics recorded outside an invocation and sends them with the next invocation', async () => {
    // GIVEN a metric recorded at init, with the environment's config
    setGlobalSlot('config', resolveConfig({ service: 'at-init' }, {}));
    incrementMetric('orders.init.loaded');
    expect(await listener().settle()).toEqual([]);
    // WHEN the next invocation ends
    const handler = wrapHandler(async () => incrementMetric('orders.created'), options());
    await handler({}, lambdaContext());
    // THEN both are sent, each with the global tags of the config it was recorded under
    const lines = (await listener().waitForLines(2)).map((line) => line.replace(/\|T\d+$/, ''));
    expect(lines).toEqual(['orders.init.loaded:1|c|#service:at-init', `orders.created:1|c|#${GLOBAL_TAGS.join(',')}`]);
  });

  it('packs many metrics into few datagrams, none over the limit', async () => {
    const handler = wrapHandler(async () => {
      for (let i = 0; i < 500; i += 1) sendDistributionMetric('orders.item.price', i, [`sku:sku-${i}`]);
    }, options());
    await handler({}, lambdaContext());
    const lines = await listener().waitForLines(500);
    expect(lines).toHaveLength(500);
    const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    expect(listener().datagrams.length).toBe(Math.ceil(bytes / MAX_DATAGRAM_BYTES));
    for (const datagram of listener().datagrams) expect(datagram.length).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);
  });

  it('drops invalid names, non-finite values and bad timestamps with one debug log each, never throwing', async () => {
    const debug = jest.spyOn(log, 'debug');
    const handler = wrapHandler(async () => {
      const bad: Array<() => void> = [
        () => incrementMetric(''),
        () => incrementMetric('1starts.with.digit'),
        () => incrementMetric('has space'),
        () => incrementMetric('has:colon'),
        () => incrementMetric('x'.repeat(201)),
        () => incrementMetric(undefined as unknown as string),
        () => gauge('orders.depth', Number.NaN),
        () => gauge('orders.depth', Number.POSITIVE_INFINITY),
        () => gauge('orders.depth', '5' as unknown as number),
        () => sendDistributionMetric('orders.latency', 1, [], new Date('not a date')),
        // Older than the 4 hours Datadog accepts.
        () => sendDistributionMetric('orders.latency', 1, [], Date.now() / 1000 - 5 * 3600),
      ];
      for (const call of bad) expect(call).not.toThrow();
      expect(debug).toHaveBeenCalledTimes(bad.length);
      incrementMetric('orders.ok');
    }, options());
    await handler({}, lambdaContext());
    expect((await listener().settle()).map((line) => line.split(':')[0])).toEqual(['orders.ok']);
  });

  it('keeps a metric whose tags are partly bad, without them, and logs once', async () => {
    const debug = jest.spyOn(log, 'debug');
    const handler = wrapHandler(async () => incrementMetric('orders.created', 1, ['ok:1', `long:${'x'.repeat(300)}`, ':nokey', {} as unknown as string]), options());
    await handler({}, lambdaContext());
    expect((await listener().waitForLines(1))[0]).toMatch(/,ok:1\|T\d+$/);
    expect(debug.mock.calls.filter(([message]) => message.includes('dropped 3 tag'))).toHaveLength(1);
  });

  describe('without the extension', () => {
    it('writes Forwarder JSON lines to stdout when the exporter is auto', async () => {
      const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      const handler = wrapHandler(async () => {
        incrementMetric('orders.created', 2, ['channel:web']);
        sendDistributionMetric('orders.basket.value', 12.5);
      }, options({ metricsExporter: 'auto' }));
      const before = Math.floor(Date.now() / 1000);
      await handler({}, lambdaContext());
      const written = write.mock.calls.map(([chunk]) => String(chunk)).join('');
      const lines = written.trimEnd().split('\n').map((line) => JSON.parse(line) as { e: number });
      expect(lines).toEqual([
        { e: expect.any(Number), m: 'orders.created', t: [...GLOBAL_TAGS, 'channel:web'], v: 2 },
        { e: expect.any(Number), m: 'orders.basket.value', t: GLOBAL_TAGS, v: 12.5 },
      ]);
      expect(lines[0].e).toBeGreaterThanOrEqual(before);
      expect(await listener().settle()).toEqual([]);
    });

    it('drops metrics when the exporter is none', async () => {
      const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      const handler = wrapHandler(async () => incrementMetric('orders.created'), options({ metricsExporter: 'none' }));
      await handler({}, lambdaContext());
      expect(write).not.toHaveBeenCalled();
      expect(await listener().settle()).toEqual([]);
      expect(drainPoints()).toEqual([]);
    });
  });
});
