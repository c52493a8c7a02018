import { randomUUID } from 'node:crypto';

/** A request handler for an SDK v3 client that records each request body and answers with `respond`. */
export function captureRequests(respond: (target: string) => { contentType: string; body: string }) {
  const bodies: string[] = [];
  return {
    bodies,
    requestHandler: {
      handle(request: { headers: Record<string, string>; body?: unknown }) {
        const bytes = request.body as Uint8Array;
        // Through the underlying buffer: the SDK's body object warns when used as a string.
        const body = typeof request.body === 'string' ? request.body : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
        bodies.push(body);
        const { contentType, body: answer } = respond(request.headers['x-amz-target'] ?? body);
        return Promise.resolve({
          response: { statusCode: 200, headers: { 'content-type': contentType, 'x-amzn-requestid': randomUUID() }, body: Buffer.from(answer) },
        });
      },
    },
  };
}

export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
