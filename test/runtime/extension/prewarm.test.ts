import { createServer, type AddressInfo, type Socket } from 'node:net';
import { wrapHandler, type WrapHandlerOptions } from '../../../runtime';
import { globalState } from '../../../runtime/global-state';

/** A TCP listener that counts connections and the bytes sent on them. */
async function listener(): Promise<{ url: string; connections: () => number; bytes: () => number; close: () => void }> {
  const sockets = new Set<Socket>();
  let bytes = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => (bytes += chunk.length));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => {
    for (const socket of sockets) socket.destroy();
    server.close();
  };
  return { url: `http://127.0.0.1:${port}`, connections: () => sockets.size, bytes: () => bytes, close };
}

describe('prewarm', () => {
  let lifecycle: Awaited<ReturnType<typeof listener>>;
  let intake: Awaited<ReturnType<typeof listener>>;
  let options: WrapHandlerOptions;

  beforeEach(async () => {
    globalState().slots.delete('prewarm');
    lifecycle = await listener();
    intake = await listener();
    // Any existing file stands for /opt/extensions/datadog-agent.
    options = { extensionUrl: lifecycle.url, traceAgentUrl: intake.url, extensionPath: __filename };
  });
  afterEach(() => {
    lifecycle.close();
    intake.close();
  });

  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
  /** Polls until `predicate` holds (the machine may be busy), failing after 5 s. */
  async function eventually(predicate: () => boolean): Promise<void> {
    for (const started = Date.now(); !predicate(); await settle()) {
      if (Date.now() - started > 5000) throw new Error('condition not met within 5 s');
    }
  }

  it('opens one connection to the lifecycle API and one to the trace intake during init, and sends nothing', async () => {
    // WHEN two handlers are wrapped, as a module's init code would
    wrapHandler(async () => 1, options);
    wrapHandler(async () => 2, options);

    // THEN each endpoint sees one connection, with no request on it
    await eventually(() => lifecycle.connections() > 0 && intake.connections() > 0);
    await settle();
    expect([lifecycle.connections(), intake.connections()]).toEqual([1, 1]);
    expect(lifecycle.bytes() + intake.bytes()).toBe(0);
  });

  it('opens no lifecycle connection in local span mode', async () => {
    wrapHandler(async () => 1, { ...options, universalInstrumentation: false });

    await eventually(() => intake.connections() > 0);
    await settle();
    expect([lifecycle.connections(), intake.connections()]).toEqual([0, 1]);
  });

  it('does nothing without the extension or with tracing disabled', async () => {
    wrapHandler(async () => 1, { ...options, extensionPath: '/nonexistent' });
    await settle();
    globalState().slots.delete('prewarm');
    wrapHandler(async () => 1, { ...options, traceEnabled: false });
    await settle();

    expect([lifecycle.connections(), intake.connections()]).toEqual([0, 0]);
  });
});
