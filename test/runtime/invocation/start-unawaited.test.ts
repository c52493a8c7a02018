import { trace } from '@opentelemetry/api';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wrapHandler, type WrapHandlerOptions } from '../../../runtime';
import { ExtensionEmulator, flushTraces } from '../../../runtime/testing';
import { lambdaContext } from '../../helpers/lambda-context';

/**
 * The handler does not wait for start-invocation's answer.
 * It runs in the context our copy of the extension's extraction finds; the answer is used at
 * the end when it is in, and checked on arrival when it is not.
 */
describe('start-invocation is not waited for', () => {
  let extension: ExtensionEmulator;
  let options: WrapHandlerOptions;

  // One emulator for the file: the tracer provider, made once per process, keeps its intake URL.
  beforeAll(async () => {
    extension = await ExtensionEmulator.start();
  });
  beforeEach(() => {
    extension.reset();
    options = { ...extension.config() };
  });
  afterAll(() => extension.close());

  const work = async () => {
    trace.getTracer('unawaited-test').startSpan('work').end();
    return { statusCode: 200 };
  };

  it('runs the handler before the extension has answered start-invocation, and the trace stays whole', async () => {
    // GIVEN an extension that takes 200 ms to answer start-invocation
    extension.slowResponseMs = 200;
    extension.fail('start-invocation', 'slow');
    let startsAnsweredWhenHandlerRan = -1;
    const handler = wrapHandler(async () => {
      startsAnsweredWhenHandlerRan = extension.starts.length;
      return work();
    }, options);
    const sqsEvent = { Records: [{ eventSource: 'aws:sqs', messageAttributes: { _datadog: { dataType: 'String', stringValue: '{"x-datadog-trace-id":"4242","x-datadog-parent-id":"77","x-datadog-sampling-priority":"1"}' } } }] };

    // WHEN invoked
    const result = await handler(sqsEvent, lambdaContext());
    await flushTraces();

    // THEN the handler ran while start was unanswered, end-invocation followed, and every span is in the upstream trace
    expect(result).toEqual({ statusCode: 200 });
    expect(startsAnsweredWhenHandlerRan).toBe(0);
    expect(extension.starts).toHaveLength(1);
    expect(extension.ends).toHaveLength(1);
    const [lambda] = extension.lambdaSpans;
    const workSpan = extension.receivedSpans().find((span) => span.resource === 'work')!;
    expect(lambda!.trace_id).toBe(4242n);
    expect(lambda!.parent_id).toBe(77n);
    expect(workSpan.trace_id).toBe(4242n);
    expect(workSpan.parent_id).toBe(lambda!.span_id);
  });

  it('follows the extension into the trace an SQS AWSTraceHeader names, as bottlecap reads any X-Ray header', async () => {
    // GIVEN an SQS message with only an X-Ray header (no _datadog)
    const handler = wrapHandler(work, options);
    const event = {
      Records: [{ eventSource: 'aws:sqs', body: '{}', attributes: { AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' } }],
    };

    // WHEN invoked
    await handler(event, lambdaContext());
    await flushTraces();

    // THEN the extension's aws.lambda and our span share the trace the header's Root ends with
    const xrayLow = BigInt('0xe1be46a994272793');
    expect(extension.lambdaSpans[0]!.trace_id).toBe(xrayLow);
    expect(extension.lambdaSpans[0]!.parent_id).toBe(BigInt('0x53995c3f42cd8ad8'));
    expect(extension.receivedSpans().find((span) => span.resource === 'work')!.trace_id).toBe(xrayLow);
  });

  it('reads the event in the styles of DD_TRACE_PROPAGATION_STYLE_EXTRACT, as the extension does', async () => {
    const handler = wrapHandler(work, { ...options, propagationStyleExtract: ['tracecontext'] });
    const headers = { 'x-datadog-trace-id': '12', 'x-datadog-parent-id': '34', traceparent: '00-0000000000000000000000000000abcd-00000000000000ef-01' };

    await handler({ headers }, lambdaContext());
    await flushTraces();

    expect(extension.lambdaSpans[0]!.trace_id).toBe(0xabcdn);
    expect(extension.receivedSpans().find((span) => span.resource === 'work')!.trace_id).toBe(0xabcdn);
  });

  describe('when the extension extracted another context than ours', () => {
    let lifecycle: Server;
    let ends: Array<Record<string, string | string[] | undefined>>;
    let startsAnswered: number;

    beforeEach(async () => {
      // A lifecycle API that finds a trace where our extraction finds none (a carrier we do not read).
      ends = [];
      startsAnswered = 0;
      lifecycle = createServer((req, res) => {
        req.resume().on('end', () => {
          if (req.url === '/lambda/start-invocation') {
            res.writeHead(200, { 'x-datadog-trace-id': '987654321', 'x-datadog-sampling-priority': '2', 'x-datadog-tags': '_dd.p.tid=6b0f73a100000000' }).end('{}', () => (startsAnswered += 1));
          } else {
            ends.push(req.headers);
            res.writeHead(200).end('{}');
          }
        });
      });
      await new Promise<void>((resolve) => lifecycle.listen(0, '127.0.0.1', resolve));
      options = { ...options, extensionUrl: `http://127.0.0.1:${(lifecycle.address() as AddressInfo).port}` };
    });
    afterEach(() => {
      // Our pool keeps its connections open (one was opened ahead for end-invocation).
      lifecycle.closeAllConnections();
      return new Promise((resolve) => lifecycle.close(resolve));
    });

    it("exports the spans with the extension's trace id and priority when its answer is in by the end", async () => {
      // GIVEN a handler that waits on I/O, so start goes out at the first turn of the event loop,
      // and here until the answer to start is on its way back
      const handler = wrapHandler(async () => {
        while (startsAnswered === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        await new Promise((resolve) => setTimeout(resolve, 10));
        return work();
      }, options);

      // WHEN invoked
      await handler({ custom: 'event' }, lambdaContext());
      await flushTraces();

      // THEN the spans take the extension's trace
      const workSpan = extension.receivedSpans().find((span) => span.resource === 'work')!;
      expect(workSpan.trace_id).toBe(987654321n);
      expect(workSpan.meta['_dd.p.tid']).toBe('6b0f73a100000000');
      expect(workSpan.metrics._sampling_priority_v1).toBe(2);
      // end-invocation names S, the parent of our spans, so aws.lambda takes it
      expect(ends).toHaveLength(1);
      expect(BigInt(String(ends[0]!['x-datadog-span-id']))).toBe(workSpan.parent_id);
    });

    it('does not wait for an answer sent with end-invocation, warns once it disagrees, and waits from then on', async () => {
      // GIVEN a handler without I/O, so start goes out together with end
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      const handler = wrapHandler(work, options);

      // WHEN invoked twice
      await handler({ custom: 'event' }, lambdaContext());
      await flushTraces();
      const first = extension.receivedSpans().find((span) => span.resource === 'work')!;
      extension.reset();
      await handler({ custom: 'event' }, lambdaContext());
      await flushTraces();
      const second = extension.receivedSpans().find((span) => span.resource === 'work')!;

      // THEN the first invocation's spans kept our trace and a warning says so; the second waited and took the extension's
      expect(first.trace_id).not.toBe(987654321n);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/found another trace context/);
      expect(second.trace_id).toBe(987654321n);
      expect(second.metrics._sampling_priority_v1).toBe(2);
      warn.mockRestore();
    });
  });
});
