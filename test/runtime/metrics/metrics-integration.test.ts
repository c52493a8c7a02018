import { Socket } from 'node:dgram';
import { gauge, incrementMetric } from '../../../runtime';
import { closeMetricsSocket, sendDatagrams } from '../../../runtime/metrics/dogstatsd-socket';
import { drainPoints } from '../../../runtime/metrics/metrics-buffer';
import { ExtensionEmulator } from '../../../runtime/testing';
import { wrapHandler, type WrapHandlerOptions } from '../../../runtime/invocation/wrap-handler';
import { lambdaContext } from '../../helpers/lambda-context';
import { UdpListener } from './udp-listener';

describe('metrics with the extension', () => {
  let extension: ExtensionEmulator;
  let listener: UdpListener;
  beforeAll(async () => {
    [extension, listener] = await Promise.all([ExtensionEmulator.start({ service: 'orders' }), UdpListener.start()]);
  });
  afterAll(async () => {
    closeMetricsSocket();
    await Promise.all([extension.close(), listener.close()]);
  });
  afterEach(() => jest.restoreAllMocks());
  beforeEach(() => {
    extension.reset();
    listener.reset();
    drainPoints();
  });

  /** The emulator stands in for the extension; `auto` then means DogStatsD to our listener. */
  function options(overrides: WrapHandlerOptions = {}): WrapHandlerOptions {
    return { ...extension.config(), dogstatsdPort: listener.port, service: 'orders', ...overrides };
  }

  it.each([
    ['with the extension', {}],
    // Without end-invocation running alongside, nothing else would hide a send left unawaited.
    ['with DogStatsD and no extension', { extensionPath: '/nonexistent/datadog-agent', metricsExporter: 'dogstatsd' }],
  ] as Array<[string, WrapHandlerOptions]>)('has handed the datagram to the kernel before the wrapper resolves, %s', async (_case, overrides) => {
    // GIVEN a handler that counts an order, and a watch on UDP sends
    const completed = watchUdpSends();
    const handler = wrapHandler(async () => {
      incrementMetric('orders.created', 1, ['channel:web']);
      return { statusCode: 200 };
    }, options(overrides));
    // WHEN the wrapper resolves (after that, Lambda may freeze the sandbox)
    await expect(handler({}, lambdaContext())).resolves.toEqual({ statusCode: 200 });
    // THEN the send had already completed and the listener gets the line
    expect(completed).toEqual([expect.stringMatching(/^orders\.created:1\|c\|#service:orders,channel:web\|T\d+$/)]);
    expect(await listener.waitForLines(1)).toEqual(completed);
  });

  it('still sends custom metrics when tracing is disabled, with no lifecycle call', async () => {
    const handler = wrapHandler(async () => {
      incrementMetric('orders.created');
      return 'ok';
    }, options({ traceEnabled: false }));

    await expect(handler({}, lambdaContext())).resolves.toBe('ok');

    expect(await listener.waitForLines(1)).toEqual([expect.stringMatching(/^orders\.created:1\|c\|/)]);
    expect(extension.received).toEqual([]);
  });

  it('never sends aws.lambda.enhanced.invocations or errors, even in local span mode', async () => {
    const handler = wrapHandler(async () => {
      gauge('orders.depth', 3);
      throw new Error('boom');
    }, options({ universalInstrumentation: false }));
    await expect(handler({}, lambdaContext())).rejects.toThrow('boom');
    expect((await listener.settle()).map((line) => line.split(':')[0])).toEqual(['orders.depth']);
  });

  it('sends batch_item_failures over DogStatsD', async () => {
    const handler = wrapHandler(async () => ({ batchItemFailures: [{ itemIdentifier: 'm-1' }] }), options());
    await handler({ Records: [] }, lambdaContext());
    expect(await listener.waitForLines(1)).toEqual([expect.stringMatching(/^aws\.lambda\.enhanced\.batch_item_failures:1\|d\|#.*functionname:orders.*\|T\d+$/)]);
  });
});

/** Records each UDP datagram once its send has completed; the real send still runs. */
function watchUdpSends(): string[] {
  const completed: string[] = [];
  const send = Socket.prototype.send as (...args: unknown[]) => void;
  // dgram re-enters send() once the socket is bound: watch each callback once.
  const watched = new WeakSet<object>();
  jest.spyOn(Socket.prototype, 'send').mockImplementation(function (this: Socket, ...args: unknown[]) {
    const callback = args.pop() as (error: Error | null, bytes: number) => void;
    if (watched.has(callback)) return send.call(this, ...args, callback);
    const watcher = (error: Error | null, bytes: number) => {
      completed.push(String(args[0]));
      callback(error, bytes);
    };
    watched.add(watcher);
    return send.call(this, ...args, watcher);
  });
  return completed;
}

describe('sendDatagrams', () => {
  afterEach(() => closeMetricsSocket());

  it('resolves promptly and quietly when nobody listens', async () => {
    const started = Date.now();
    await expect(sendDatagrams(['orders.created:1|c'], '127.0.0.1', 9, 100)).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('opens a new socket after the previous one was closed', async () => {
    const listener = await UdpListener.start();
    try {
      await sendDatagrams(['a:1|c'], '127.0.0.1', listener.port, 100);
      closeMetricsSocket();
      await sendDatagrams(['b:1|c'], '127.0.0.1', listener.port, 100);
      expect(await listener.waitForLines(2)).toEqual(['a:1|c', 'b:1|c']);
    } finally {
      await listener.close();
    }
  });

  it('resolves without sending when the host cannot be resolved', async () => {
    await expect(sendDatagrams(['a:1|c'], 'no-such-host.invalid', 8125, 100)).resolves.toBeUndefined();
  });
});
