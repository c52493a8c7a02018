import { ResponseParser } from '../../../runtime/transport/http1-response';

const feed = (parser: ResponseParser, ...parts: string[]) => {
  let result;
  for (const part of parts) result = parser.push(Buffer.from(part, 'latin1'));
  return result;
};

describe('ResponseParser', () => {
  it('reads a Content-Length response delivered in pieces', () => {
    const parser = new ResponseParser(1024);
    expect(feed(parser, 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Datadog-Trace-Id: 42\r\nConte', 'nt-Length: 2\r\n\r\n{')).toBeUndefined();
    expect(parser.push(Buffer.from('}'))).toEqual({ status: 200, headers: { 'content-type': 'application/json', 'x-datadog-trace-id': '42', 'content-length': '2' }, body: '{}', keepAlive: true });
  });

  it('decodes chunked bodies, with extensions and trailers', () => {
    expect(feed(new ResponseParser(1024), 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', '4;ext=1\r\n{"a"\r\n', '3\r\n:1}\r\n0\r\n\r\n')).toMatchObject({ body: '{"a":1}' });
    expect(feed(new ResponseParser(1024), 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Trailer: t\r\n\r\n')).toMatchObject({ body: 'ok' });
  });

  it('reads the responses that follow a complete one (pipelining), within a chunk and across chunks', () => {
    const lengthFramed = new ResponseParser(64);
    expect(feed(lengthFramed, 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}HTTP/1.1 202 Accepted\r\ncontent-length: 3\r\n\r\nabcHTTP/1.1 2')).toMatchObject({ status: 200, body: '{}' });
    expect(lengthFramed.next()).toMatchObject({ status: 202, body: 'abc' });
    expect(lengthFramed.next()).toBeUndefined();
    expect(feed(lengthFramed, '04 No Content\r\n\r\n')).toMatchObject({ status: 204, body: '' });
    expect(lengthFramed.next()).toBeUndefined();
    const chunked = new ResponseParser(64);
    expect(feed(chunked, 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Trailer: t\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n')).toMatchObject({ body: 'ok' });
    expect(chunked.next()).toBeUndefined();
    expect(feed(chunked, '!')).toMatchObject({ status: 200, body: '!' });
  });

  it('decodes a UTF-8 body split across chunks inside a character', () => {
    const parser = new ResponseParser(64);
    const bytes = Buffer.concat([Buffer.from('HTTP/1.1 400 Bad Request\r\ncontent-length: 4\r\n\r\n', 'latin1'), Buffer.from('é€', 'utf8').subarray(0, 4)]);
    expect(parser.push(bytes.subarray(0, bytes.length - 3))).toBeUndefined();
    expect(parser.push(bytes.subarray(bytes.length - 3))).toMatchObject({ status: 400, body: 'é\uFFFD' });
  });

  it('reads to the end of the connection when nothing frames the body', () => {
    const parser = new ResponseParser(1024);
    expect(feed(parser, 'HTTP/1.0 500 Internal\r\n\r\npartial', ' body')).toBeUndefined();
    expect(parser.end()).toEqual({ status: 500, headers: {}, body: 'partial body', keepAlive: false });
  });

  it('honours Connection: close and skips a 1xx interim response', () => {
    expect(feed(new ResponseParser(64), 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n')).toEqual({ status: 204, headers: { connection: 'close' }, body: '', keepAlive: false });
  });

  it('joins repeated headers and caps the kept body while following the framing', () => {
    const response = feed(new ResponseParser(4), `HTTP/1.1 200 OK\r\nA: 1\r\nA: 2\r\nContent-Length: 10\r\n\r\n0123456789`);
    expect(response).toMatchObject({ headers: { a: '1, 2' }, body: '0123' });
  });

  it.each([
    ['a bad status line', 'HTTP/2 200\r\n\r\n'],
    ['garbage', '<html>\r\n\r\n'],
    ['a header without a colon', 'HTTP/1.1 200 OK\r\nbroken\r\n\r\n'],
    ['a negative length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
  ])('throws on %s', (_label, text) => {
    expect(() => feed(new ResponseParser(64), text)).toThrow();
  });

  it('throws when the head grows past 16 KB without ending', () => {
    expect(() => feed(new ResponseParser(64), `HTTP/1.1 200 OK\r\nX: ${'y'.repeat(17 * 1024)}`)).toThrow(/too large/);
  });
});
