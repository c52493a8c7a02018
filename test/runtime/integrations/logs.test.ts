import { trace } from '@opentelemetry/api';
import { Logger, LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import pino from 'pino';
import { Writable } from 'node:stream';
import { currentLogContext } from '../../../runtime/integrations/log-context';
import type { DecodedSpan } from '../../../runtime/testing';
import { tracedInvocations } from '../aws-sdk/traced-invocation';

/**
 * Lambda's runtime replaces `console.*` before any user code runs; so does this recorder, before
 * the first `wrapHandler` wraps them. What it records is what Lambda would print.
 */
const lines: unknown[][] = [];
const record = (...args: unknown[]) => void lines.push(args);
for (const method of ['log', 'info', 'debug', 'warn', 'error', 'trace'] as const) console[method] = record;

const ids = (span: DecodedSpan) => ({ trace_id: BigInt.asUintN(64, span.trace_id).toString(), span_id: span.span_id.toString() });
const prefixOf = (span: DecodedSpan) => `[dd.trace_id=${ids(span).trace_id} dd.span_id=${ids(span).span_id}]`;

describe('log injection (DD_LOGS_INJECTION)', () => {
  const invocations = tracedInvocations('orders');
  beforeEach(() => (lines.length = 0));

  it("prefixes text lines with the active span's ids, as datadog-lambda-js writes them", async () => {
    await invocations.invoke(async () => {
      console.log('hello %s', 'world');
      console.error('failed', 42);
      console.info();
    });

    const prefix = prefixOf(invocations.span('aws.lambda'));
    expect(lines).toEqual([[`${prefix} hello %s`, 'world'], [`${prefix} failed`, 42], [prefix]]);
  });

  it('merges dd into a single plain object, keeping it JSON (and the caller’s object untouched)', async () => {
    const entry = { msg: 'order placed', dd: { service: 'mine' } };
    await invocations.invoke(async () => console.log(entry));

    const lambda = invocations.span('aws.lambda');
    expect(lines).toEqual([[{ msg: 'order placed', dd: { service: 'mine', ...ids(lambda) } }]]);
    expect(entry).toEqual({ msg: 'order placed', dd: { service: 'mine' } });
    // With AWS_LAMBDA_LOG_FORMAT=JSON, Lambda writes a single argument as the `message` value.
    expect(JSON.parse(JSON.stringify({ level: 'INFO', message: lines[0]![0] }))).toMatchObject({ message: { dd: ids(lambda) } });
  });

  it('puts the prefix in front of an Error instead of turning the Error into a string', async () => {
    const error = new Error('boom');
    await invocations.invoke(async () => console.error(error));

    expect(lines).toEqual([[prefixOf(invocations.span('aws.lambda')), error]]);
  });

  it('names the span active when the line is written, and leaves lines outside an invocation alone', async () => {
    console.log('before');
    await invocations.invoke(() =>
      trace.getTracer('test').startActiveSpan('work', async (span) => {
        console.log('inside');
        span.end();
      }),
    );
    console.log('after');

    const work = invocations.spans().find((span) => span.resource === 'work')!;
    expect(lines).toEqual([['before'], [`${prefixOf(work)} inside`], ['after']]);
  });

  it('keeps ten concurrent invocations apart', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        invocations.invoke(async () => {
          await new Promise((resolve) => setTimeout(resolve, 10 - i));
          console.log(`invocation ${i}`);
        }),
      ),
    );

    const lambdas = invocations.extension.lambdaSpans;
    expect(lines).toHaveLength(10);
    for (const [line] of lines) {
      const [, traceId, spanId] = /^\[dd\.trace_id=(\d+) dd\.span_id=(\d+)\] invocation \d$/.exec(line as string)!;
      const lambda = lambdas.find((span) => ids(span).trace_id === traceId);
      expect(lambda && ids(lambda).span_id).toBe(spanId);
    }
  });

  describe('recipes for structured loggers (README)', () => {
    it('pino: currentLogContext as mixin puts dd on every line', async () => {
      const out: string[] = [];
      const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (out.push(chunk.toString()), done()) });
      const logger = pino({ mixin: () => currentLogContext() }, sink);

      await invocations.invoke(async () => logger.info('order placed'));
      logger.info('outside');

      const lambda = invocations.span('aws.lambda');
      const [inside, outside] = out.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(inside).toMatchObject({ msg: 'order placed', dd: { ...ids(lambda), service: 'orders' } });
      expect(outside).not.toHaveProperty('dd');
    });

    it('Powertools Logger: a log formatter that adds currentLogContext', async () => {
      class DatadogLogFormatter extends LogFormatter {
        formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
          return new LogItem({
            attributes: {
              level: attributes.logLevel,
              message: attributes.message,
              timestamp: this.formatTimestamp(attributes.timestamp),
              service: attributes.serviceName,
              ...currentLogContext(),
            },
          }).addAttributes(additional);
        }
      }
      const written: string[] = [];
      const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(chunk.toString()), true));
      try {
        const logger = new Logger({ serviceName: 'orders', logFormatter: new DatadogLogFormatter() });
        await invocations.invoke(async () => logger.info('order placed', { orderId: 7 }));
      } finally {
        write.mockRestore();
      }

      const lambda = invocations.span('aws.lambda');
      const line = JSON.parse(written.find((text) => text.includes('order placed'))!) as Record<string, unknown>;
      expect(line).toMatchObject({ message: 'order placed', orderId: 7, dd: { ...ids(lambda), service: 'orders' } });
      // Powertools writes through its own Console: the console patch does not touch its lines.
      expect(lines).toEqual([]);
    });
  });
});
