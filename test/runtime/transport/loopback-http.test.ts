import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { loopbackRequest } from '../../../runtime/transport/loopback-http';

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

  it('rejects at once when nothing listens', async () => {
    await expect(loopbackRequest({ url: 'http://127.0.0.1:1', headers: {}, body: '', timeoutMs: 1000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
