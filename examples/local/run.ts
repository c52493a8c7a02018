/**
 * `npm start`: both SQS examples, locally, no AWS account. Four functions run in this process,
 * each against its own extension emulator over real loopback HTTP; messages go through real
 * `SQSClient`s whose requests a `LocalSqsQueue` answers, and reach the consumers as the SQS
 * event Lambda would build. Prints the traces Datadog would receive and checks they connect.
 *
 * 1. sqs-producer: TypeScript producer → SQS → Python consumer.
 * 2. sqs-lambda: Python producer, invoked three times (three traces) → SQS → TypeScript
 *    consumer, one batch of three: record spans continue or link to each producer.
 */
import './quiet-aws-sdk';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { instrumentSqsClient } from '../../runtime';
import { LocalSqsQueue, renderTraceTree, summarizeTrace, type DecodedSpan } from '../../runtime/testing';
import { handler as tsConsumerHandler } from '../sqs-lambda/consumer';
import { createHandler as createTsProducer, type ProducerEvent, type ProducerResult } from '../sqs-producer/producer';
import { LocalFunction } from './local-function';
import { pythonSqsConsumer, pythonSqsProducer, type PythonConsumerResult } from './python-stand-ins';

/** Options of `main`, for tests. */
export interface RunOptions {
  /** Where the report goes. @default - standard output */
  readonly write?: (line: string) => void;
  /** ANSI colours. @default - when standard output is a terminal */
  readonly color?: boolean;
}

/** Runs both examples and prints their traces; resolves to the exit code (0 when every trace connects). */
export async function main(options: RunOptions = {}): Promise<number> {
  const began = performance.now();
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const color = options.color ?? process.stdout.isTTY === true;
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);

  const toPython = new LocalSqsQueue({ url: 'https://sqs.us-east-1.amazonaws.com/123456789012/ts-to-python' });
  const toTypeScript = new LocalSqsQueue({ url: 'https://sqs.us-east-1.amazonaws.com/123456789012/python-to-ts' });
  const functions = await Promise.all([
    LocalFunction.start<ProducerEvent, ProducerResult>('ts-sqs-producer', createTsProducer(instrumentSqsClient(sqsClient(toPython)), () => toPython.url)),
    LocalFunction.start<SQSEvent, PythonConsumerResult>('python-sqs-consumer', pythonSqsConsumer()),
    LocalFunction.start<ProducerEvent, unknown>('python-sqs-producer', pythonSqsProducer(instrumentSqsClient(sqsClient(toTypeScript)), toTypeScript.url)),
    LocalFunction.start<SQSEvent, SQSBatchResponse>('ts-sqs-consumer', tsConsumerHandler),
  ]);
  const [tsProducer, pyConsumer, pyProducer, tsConsumer] = functions;
  try {
    // 1. sqs-producer
    await tsProducer.invoke({});
    await pyConsumer.invoke(toPython.receiveEvent());

    // 2. sqs-lambda: three orders from three invocations; the third has no items and fails.
    for (const [i, quantity] of [1, 2, 0].entries()) await pyProducer.invoke({ body: JSON.stringify({ id: `order-${i + 1}`, quantity }) });
    const batch = toTypeScript.receiveEvent();
    const response = await tsConsumer.invoke(batch);

    const first = [...tsProducer.spans(), ...pyConsumer.spans()];
    const second = [...pyProducer.spans(), ...tsConsumer.spans()];
    const everything = [...first, ...second];
    let ok = true;
    const section = (title: string, subtitle: string) => write(`\n${paint('1', title)}  ${paint('2', subtitle)}`);
    const verdict = (passed: boolean, text: string) => {
      ok &&= passed;
      write(passed ? paint('32', `✔ ${text}`) : paint('31', `✘ ${text}`));
    };
    const tree = (spans: readonly DecodedSpan[]) => write(renderTraceTree(spans, { color, linkTargets: everything }));

    section('sqs-producer', 'TypeScript producer → SQS → Python consumer');
    tree(first);
    const firstSummary = summarizeTrace(first);
    verdict(firstSummary.connected, firstSummary.connected ? `one connected trace, ${first.length} spans` : `NOT connected: ${firstSummary.traceIds.length} traces, ${firstSummary.roots.length} roots`);

    section('sqs-lambda', 'Python producer ×3 → SQS → TypeScript consumer, one batch of 3');
    const traces = groupByTrace(second);
    for (const [i, spans] of traces.entries()) {
      if (i > 0) write('');
      tree(spans);
      const summary = summarizeTrace(spans);
      verdict(summary.connected, summary.connected ? `connected trace …${hexTail(spans[0].trace_id)}, ${spans.length} spans` : `trace …${hexTail(spans[0].trace_id)} is NOT connected`);
    }
    write('');
    const unlinked = recordsWithoutTheirProducer(second);
    verdict(
      unlinked.length === 0 && traces.length === 3,
      unlinked.length === 0
        ? `each of the ${batch.Records.length} records continues or links to the trace that sent it`
        : `records cut off from their producer: ${unlinked.join(', ')}`,
    );
    const failed = response.batchItemFailures.map((failure) => failure.itemIdentifier);
    const expected = batch.Records.filter((record) => record.body.includes('"quantity":0')).map((record) => record.messageId);
    verdict(
      JSON.stringify(failed) === JSON.stringify(expected),
      `batchItemFailures: [${failed.map((id) => id.slice(0, 8)).join(', ')}] (order-3 only; Lambda retries just that message)`,
    );

    write(paint('2', `\n${everything.length} spans from 4 functions, ${(performance.now() - began).toFixed(0)} ms, no AWS (extension emulators on 127.0.0.1)`));
    return ok ? 0 : 1;
  } finally {
    await Promise.all(functions.map((fn) => fn.close()));
  }
}

function sqsClient(queue: LocalSqsQueue): SQSClient {
  return new SQSClient({ region: queue.region, credentials: queue.credentials, requestHandler: queue.requestHandler });
}

/** Spans grouped by trace, in the order their traces started. */
function groupByTrace(spans: readonly DecodedSpan[]): DecodedSpan[][] {
  const groups = new Map<bigint, DecodedSpan[]>();
  for (const span of [...spans].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))) {
    const group = groups.get(span.trace_id) ?? [];
    group.push(span);
    groups.set(span.trace_id, group);
  }
  return [...groups.values()];
}

/** Message ids of record spans neither in the trace of the send span of their message, nor linked to it. */
function recordsWithoutTheirProducer(spans: readonly DecodedSpan[]): string[] {
  const sends = new Map(spans.filter((span) => span.name === 'aws.request').map((span) => [span.meta['messaging.message.id'], span]));
  return spans
    .filter((span) => span.name === 'aws.sqs.process')
    .filter((record) => {
      const send = sends.get(record.meta['messaging.message.id']);
      if (!send) return true;
      if (send.trace_id === record.trace_id) return false;
      const links = JSON.parse(record.meta['_dd.span_links'] ?? '[]') as Array<{ span_id: string }>;
      return !links.some((link) => link.span_id === send.span_id.toString(16).padStart(16, '0'));
    })
    .map((record) => record.meta['messaging.message.id'] ?? '?');
}

function hexTail(id: bigint): string {
  return id.toString(16).padStart(16, '0').slice(-6);
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
