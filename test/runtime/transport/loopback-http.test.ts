import { context } from '@opentelemetry/api';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Socket as NetSocket, type AddressInfo, type Socket } from 'node:net';
import { LambdaContextManager } from '../../../runtime/tracing/context-manager';
import { isTracingSuppressed } from '../../../runtime/tracing/suppress-tracing';
import { loopbackPipeline, loopbackRequest, preconnect } from '../../../runtime/transport/loopback-http';

describe('loopbackRequest', () => {
  let handle: (req: IncomingMessage, res: ServerResponse) => void;
  const server = createServer((req, res) => handle(req, res));
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let url: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('posts the body with its length and returns status, headers and body', async () => {
    handle = (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.writeHead(201, { 'x-echo-length': String(req.headers['content-length']) }).end(`got ${body}`));
    };
    const response = await loopbackRequest({ url: `${url}/x`, headers: { 'x-a': '1' }, body: 'héllo', timeoutMs: 1000 });
    expect(response).toMatchObject({ status: 201, body: 'got héllo' });
    expect(response.headers['x-echo-length']).toBe('6');
  });

  it('rejects with ETIMEDOUT when the peer does not answer in time', async () => {
    handle = () => undefined;
    await expect(loopbackRequest({ url, headers: {}, body: '', timeoutMs: 30 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('does not fail a reply that was waiting when the process was frozen past the deadline', async () => {
    // GIVEN a peer that answers, after which the process stalls for three budgets (as in a
    // Lambda freeze: at the thaw, expired timers run before the sockets are read)
    handle = (_req, res) => {
      res.writeHead(200).end('answered before the freeze');
      const until = performance.now() + 150;
      while (performance.now() < until) {
        // frozen
      }
    };
    // WHEN the deadline fires late
    const response = await loopbackRequest({ url, headers: {}, body: '', timeoutMs: 50 });
    // THEN the waiting reply is read, not counted as a timeout
    expect(response.body).toBe('answered before the freeze');
  });

  it('reports the hand-off to the OS before the reply', async () => {
    const order: string[] = [];
    handle = (_req, res) => setTimeout(() => res.writeHead(200).end('late'), 30);
    const response = await loopbackRequest({ url, headers: {}, body: 'x'.repeat(100_000), timeoutMs: 1000, background: true, onWritten: () => order.push('written') });
    order.push(response.body);
    expect(order).toEqual(['written', 'late']);
  });

  it('retries once on a fresh connection when a kept-alive socket was closed by the peer', async () => {
    // GIVEN a keep-alive connection that the server then kills behind the client's back (as after a Lambda freeze)
    let calls = 0;
    handle = (_req, res) => {
      calls += 1;
      res.writeHead(200).end('ok');
    };
    await loopbackRequest({ url, headers: {}, body: '', timeoutMs: 1000 });
    handle = (req, res) => {
      calls += 1;
      if (calls === 2) req.socket.destroy();
      else res.writeHead(200).end('ok again');
    };
    // WHEN the next request goes out on the reused socket and the peer resets it
    const response = await loopbackRequest({ url, headers: {}, body: '', timeoutMs: 1000 });
    // THEN the client retried on a new connection
    expect(response.body).toBe('ok again');
    expect(calls).toBe(3);
  });

  it('caps how much of a huge response it buffers', async () => {
    handle = (_req, res) => res.writeHead(200).end('y'.repeat(1024 * 1024));
    const response = await loopbackRequest({ url, headers: {}, body: '', timeoutMs: 2000 });
    expect(response.body.length).toBeLessThanOrEqual(128 * 1024);
  });

  it('writes the request in one piece and never lets a header value end the header block', async () => {
    let raw = '';
    handle = (req, res) => {
      raw = JSON.stringify(req.headers);
      res.writeHead(200, { 'content-length': '0' }).end();
    };
    await loopbackRequest({ url, headers: { 'x-id': 'abc\r\nx-injected: 1' }, body: '', timeoutMs: 1000 });
    expect(JSON.parse(raw)).toMatchObject({ 'x-id': 'abc x-injected: 1' });
    expect(JSON.parse(raw)['x-injected']).toBeUndefined();
  });

  it('reads chunked and connection-closed responses', async () => {
    handle = (_req, res) => {
      res.write('chunk-1,');
      res.end('chunk-2');
    };
    expect((await loopbackRequest({ url, headers: {}, body: '', timeoutMs: 1000 })).body).toBe('chunk-1,chunk-2');
    handle = (_req, res) => res.writeHead(200, { connection: 'close' }).end('bye');
    expect((await loopbackRequest({ url, headers: {}, body: '', timeoutMs: 1000 })).body).toBe('bye');
  });

  it('serves concurrent requests on separate connections and reuses them afterwards', async () => {
    const before = sockets.size;
    handle = (_req, res) => setTimeout(() => res.end('ok'), 5);
    const responses = await Promise.all(Array.from({ length: 5 }, () => loopbackRequest({ url, headers: {}, body: 'x', timeoutMs: 2000 })));
    expect(responses.map((r) => r.body)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    const afterBurst = sockets.size;
    await loopbackRequest({ url, headers: {}, body: '', timeoutMs: 1000 });
    expect(sockets.size).toBe(afterBurst);
    expect(afterBurst).toBeGreaterThan(before);
  });

  it('does not reuse a socket the server answered before the request was fully written', async () => {
    // GIVEN a server that answers a large upload at once, without reading it
    const early = createServer();
    const connections = new Set<unknown>();
    early.on('connection', (socket) => {
      connections.add(socket);
      socket.once('data', () => socket.write('HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\n\r\n'));
    });
    await new Promise<void>((resolve) => early.listen(0, '127.0.0.1', resolve));
    const earlyUrl = `http://127.0.0.1:${(early.address() as AddressInfo).port}`;
    // WHEN a 32 MiB body gets its answer while still being written, then a small request follows
    const first = await loopbackRequest({ url: earlyUrl, headers: {}, body: new Uint8Array(32 * 1024 * 1024), timeoutMs: 2000 });
    const second = await loopbackRequest({ url: earlyUrl, headers: {}, body: '', timeoutMs: 2000 }).catch((error: Error) => error);
    // THEN the second request went out on a new connection and got its own answer
    expect(first.status).toBe(413);
    expect(second).toMatchObject({ status: 413 });
    expect(connections.size).toBe(2);
    early.closeAllConnections();
    await new Promise<void>((resolve) => early.close(() => resolve()));
  });

  it('rejects a malformed response instead of hanging', async () => {
    const raw = createServer();
    raw.on('connection', (socket) => socket.once('data', () => socket.end('<html>not http</html>\r\n\r\n')));
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
    await expect(loopbackRequest({ url: rawUrl, headers: {}, body: '', timeoutMs: 1000 })).rejects.toThrow(/malformed status line/);
    raw.closeAllConnections();
    await new Promise<void>((resolve) => raw.close(() => resolve()));
  });

  describe('loopbackPipeline', () => {
    /** A raw server that records what each connection sent and answers as `answer` says. */
    async function rawServer(answer: (socket: Socket, data: string) => void) {
      const server = createServer();
      const received: string[][] = [];
      server.on('connection', (socket) => {
        const chunks: string[] = [];
        received.push(chunks);
        socket.on('data', (chunk: Buffer) => {
          chunks.push(chunk.toString('latin1'));
          answer(socket, chunks.join(''));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const close = async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      };
      return { base, received, close };
    }
    const ok = (body: string) => `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`;

    it('writes the requests in one write on one connection and gives each its own answer, in order', async () => {
      // GIVEN a server that answers both at once, in one write, once both have arrived
      const server = await rawServer((socket, data) => {
        if (data.split('POST ').length === 3) socket.write(ok('first') + ok('second'));
      });
      // WHEN two requests go out as a pipeline
      const [first, second] = loopbackPipeline([
        { url: `${server.base}/a`, headers: { 'x-n': '1' }, body: 'one', timeoutMs: 1000 },
        { url: `${server.base}/b`, headers: { 'x-n': '2' }, body: 'two', timeoutMs: 1000 },
      ]);
      // THEN one connection carried both, the first chunk held both requests, and each got its answer
      expect((await first!).body).toBe('first');
      expect((await second!).body).toBe('second');
      expect(server.received).toHaveLength(1);
      expect(server.received[0]![0]).toMatch(/^POST \/a HTTP\/1\.1\r\n[\s\S]*\r\n\r\nonePOST \/b HTTP\/1\.1\r\n[\s\S]*\r\n\r\ntwo$/);
      await server.close();
    });

    it('settles the first answer as soon as it arrives, before the second', async () => {
      // GIVEN a server that answers the first at once and the second only when told to
      let answerSecond = () => undefined as void;
      const server = await rawServer((socket, data) => {
        if (data.split('POST ').length !== 3) return;
        socket.write(ok('first'));
        answerSecond = () => void socket.write(ok('second'));
      });
      const [first, second] = loopbackPipeline([
        { url: `${server.base}/a`, headers: {}, body: '', timeoutMs: 1000 },
        { url: `${server.base}/b`, headers: {}, body: '', timeoutMs: 1000 },
      ]);
      let secondSettled = false;
      void second!.then(() => (secondSettled = true));
      // WHEN the first answer is in
      expect((await first!).body).toBe('first');
      // THEN the second is still pending, and settles once answered
      expect(secondSettled).toBe(false);
      answerSecond();
      expect((await second!).body).toBe('second');
      await server.close();
    });

    it('keeps an answer that arrived and rejects the one the closed connection lost', async () => {
      // GIVEN a server that answers the first request, then hangs up
      const server = await rawServer((socket, data) => {
        if (data.split('POST ').length === 3) socket.end(ok('first'));
      });
      const [first, second] = loopbackPipeline([
        { url: `${server.base}/a`, headers: {}, body: '', timeoutMs: 1000 },
        { url: `${server.base}/b`, headers: {}, body: '', timeoutMs: 1000 },
      ]);
      // THEN
      expect((await first!).body).toBe('first');
      await expect(second).rejects.toMatchObject({ code: 'ECONNRESET' });
      await server.close();
    });
  });

  it('opens its connections, ahead of time or on demand, in a context net instrumentations skip', async () => {
    // GIVEN an active context manager, and a spy where net instrumentations hook in
    context.setGlobalContextManager(new LambdaContextManager());
    const suppressed: boolean[] = [];
    const original = NetSocket.prototype.connect;
    NetSocket.prototype.connect = function (this: NetSocket, ...args: unknown[]) {
      suppressed.push(isTracingSuppressed(context.active()));
      return (original as (...a: unknown[]) => NetSocket).apply(this, args);
    } as typeof original;
    // (a server of its own: no idle connection to reuse)
    const fresh = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => fresh.listen(0, '127.0.0.1', resolve));
    const freshUrl = `http://127.0.0.1:${(fresh.address() as AddressInfo).port}`;
    try {
      // WHEN one connection is opened ahead and more on demand (concurrent requests)
      preconnect(`${freshUrl}/ahead`);
      await Promise.all([1, 2, 3].map(() => loopbackRequest({ url: `${freshUrl}/on-demand`, headers: {}, body: '', timeoutMs: 1000 })));
    } finally {
      NetSocket.prototype.connect = original;
      context.disable();
      fresh.closeAllConnections();
      await new Promise<void>((resolve) => fresh.close(() => resolve()));
    }
    // THEN every connect ran with tracing suppressed
    expect(suppressed.length).toBeGreaterThan(0);
    expect(suppressed.every(Boolean)).toBe(true);
  });

  it('keeps one set of listeners on a reused connection, and forgets one the peer closes while idle', async () => {
    // GIVEN a server of its own, and a hand on the client sockets it opens
    const fresh = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => fresh.listen(0, '127.0.0.1', resolve));
    const freshUrl = `http://127.0.0.1:${(fresh.address() as AddressInfo).port}`;
    const opened: NetSocket[] = [];
    const original = NetSocket.prototype.connect;
    NetSocket.prototype.connect = function (this: NetSocket, ...args: unknown[]) {
      opened.push(this);
      return (original as (...a: unknown[]) => NetSocket).apply(this, args);
    } as typeof original;
    try {
      // WHEN twenty requests go out one after the other
      const request = () => loopbackRequest({ url: `${freshUrl}/x`, headers: {}, body: '', timeoutMs: 1000 });
      await request();
      const counts = (socket: NetSocket) => ['data', 'error', 'close', 'end'].map((event) => socket.listenerCount(event));
      const afterFirst = counts(opened[0]);
      for (let i = 0; i < 19; i += 1) await request();

      // THEN they share one connection whose listeners did not pile up
      expect(opened).toHaveLength(1);
      expect(counts(opened[0])).toEqual(afterFirst);

      // AND when the server closes it while idle, the next request opens another and succeeds
      const closed = new Promise((resolve) => opened[0].once('close', resolve));
      fresh.closeIdleConnections();
      await closed;
      await expect(request()).resolves.toMatchObject({ status: 200 });
      expect(opened).toHaveLength(2);
    } finally {
      NetSocket.prototype.connect = original;
      fresh.closeAllConnections();
      await new Promise<void>((resolve) => fresh.close(() => resolve()));
    }
  });

  it('rejects at once when nothing listens', async () => {
    await expect(loopbackRequest({ url: 'http://127.0.0.1:1', headers: {}, body: '', timeoutMs: 1000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
