import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { STREAMING_HANDLER, wrapHandler, type WrapHandlerOptions } from '../../../runtime/invocation/wrap-handler';
import { lambdaContext } from '../../helpers/lambda-context';
import { parseLine, useUdpListener } from './udp-listener';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Marks a handler as `awslambda.streamifyResponse` does. */
function streamify<H extends (event: unknown, stream: PassThrough) => Promise<unknown>>(handler: H): H {
  return Object.assign(handler, { [STREAMING_HANDLER]: 'response' });
}

async function collect(stream: PassThrough): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

describe('time to first byte', () => {
  const listener = useUdpListener();

  function options(overrides: WrapHandlerOptions = {}): WrapHandlerOptions {
    return { extensionPath: '/nonexistent/datadog-agent', metricsExporter: 'dogstatsd', dogstatsdPort: listener().port, ...overrides };
  }

  it('sends the time from invocation start to the first write, and the stream behaves as before', async () => {
    // GIVEN a streaming handler that writes after 40 ms
    const handler = wrapHandler(
      streamify(async (_event, stream) => {
        await sleep(40);
        expect(stream.write('hello ')).toBe(true);
        stream.end('world');
      }),
      options(),
    );
    const stream = new PassThrough();
    const body = collect(stream);
    // WHEN it runs
    await handler({}, stream, lambdaContext());
    // THEN the body is intact, the stream's own methods are back, and one TTFB point was sent
    expect(await body).toBe('hello world');
    expect(Object.prototype.hasOwnProperty.call(stream, 'write')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(stream, 'end')).toBe(false);
    const [line, ...rest] = (await listener().waitForLines(1)).map(parseLine);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ name: 'aws.lambda.enhanced.time_to_first_byte', type: 'd' });
    expect(line.value).toBeGreaterThanOrEqual(35);
    expect(line.value).toBeLessThan(1000);
    expect(line.tags).toEqual(expect.arrayContaining(['functionname:orders', 'resource:orders']));
  });

  it('sees the first byte of a pipeline, and puts back a write method the runtime set on the stream', async () => {
    const stream = new PassThrough();
    // The Lambda runtime sets its own write on the response stream; it must be the one left in place.
    const runtimeWrite = jest.fn(PassThrough.prototype.write);
    stream.write = runtimeWrite as unknown as PassThrough['write'];
    const handler = wrapHandler(
      streamify(async (_event, responseStream) => pipeline(Readable.from(['a', 'b', 'c']), responseStream)),
      options(),
    );
    const body = collect(stream);
    await handler({}, stream, lambdaContext());
    expect(await body).toBe('abc');
    expect(stream.write).toBe(runtimeWrite);
    expect(runtimeWrite).toHaveBeenCalledTimes(3);
    expect((await listener().waitForLines(1)).map((raw) => parseLine(raw).name)).toEqual(['aws.lambda.enhanced.time_to_first_byte']);
  });

  it('counts an end without a write as the first byte', async () => {
    const handler = wrapHandler(
      streamify(async (_event, stream) => {
        stream.end();
      }),
      options(),
    );
    await handler({}, new PassThrough(), lambdaContext());
    expect((await listener().waitForLines(1)).map((raw) => parseLine(raw).name)).toEqual(['aws.lambda.enhanced.time_to_first_byte']);
  });

  it('leaves the stream untouched and sends nothing with DD_ENHANCED_METRICS off', async () => {
    const stream = new PassThrough();
    const handler = wrapHandler(
      streamify(async (_event, responseStream) => {
        expect(Object.prototype.hasOwnProperty.call(responseStream, 'write')).toBe(false);
        responseStream.end('x');
      }),
      options({ enhancedMetrics: false }),
    );
    await handler({}, stream, lambdaContext());
    expect(await listener().settle()).toEqual([]);
  });
});
