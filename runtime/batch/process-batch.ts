import {
  context as otelContext,
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { datadogTraceState } from '../export/trace-state';
import { log } from '../log';
import { isSampled } from '../tracing/trace-context';
import { LIBRARY_VERSION } from '../version';
import { readBatchRecord, type BatchRecord } from './batch-record';

/**
 * Per-record spans for batch handlers (SQS, SNS, Kinesis). The extension continues only the
 * first record's trace; every other record's producer would be cut off (datadog-lambda-js#317).
 * Here each record runs in its own span under the invocation, linked to its own upstream
 * context, so a batch of ten messages from ten traces stays ten connected stories.
 */

/** One entry of `batchItemFailures`. */
export interface BatchItemFailure {
  readonly itemIdentifier: string;
}

/** What a batch handler returns so Lambda retries only the failed records (`ReportBatchItemFailures`). */
export interface BatchResponse {
  readonly batchItemFailures: BatchItemFailure[];
}

/** What the record handler gets besides the record. */
export interface RecordContext {
  /** Position of the record in the batch. */
  readonly index: number;
  /** The record's span (also the active span): add attributes or events to it. */
  readonly span: Span;
}

/** Processes one record; a throw or a rejection marks the record failed. */
export type RecordHandler<R> = (record: R, context: RecordContext) => unknown;

/** Options of `processBatch`. */
export interface ProcessBatchOptions {
  /**
   * Records processed at the same time. Records of a FIFO queue are always processed one
   * by one, and after a failure the rest of the batch is reported failed unprocessed, to
   * keep the group's order.
   * @default 1
   */
  readonly concurrency?: number;
}

/**
 * Runs `handler` once per record of a Lambda batch event, each in its own CONSUMER span
 * (`aws.sqs.process`, …) that is a child of the invocation and carries a span link to the
 * record's upstream context when the invocation's parent is not already that context.
 * Failed records are caught, marked as errors on their span, and returned as
 * `batchItemFailures`; return the result from your handler (enable `ReportBatchItemFailures`
 * on the event source mapping).
 *
 * @example
 * import type { SQSEvent } from 'aws-lambda';
 * import { processBatch, wrapHandler } from 'datadog-lambda-ts/runtime';
 *
 * export const handler = wrapHandler((event: SQSEvent) =>
 *   processBatch(event, async (record) => {
 *     await saveOrder(JSON.parse(record.body));
 *   }),
 * );
 */
export async function processBatch<R>(event: { readonly Records?: readonly R[] }, handler: RecordHandler<R>, options: ProcessBatchOptions = {}): Promise<BatchResponse> {
  const records = Array.isArray(event?.Records) ? (event.Records as readonly R[]) : [];
  const described = records.map(safeRead);
  const ordered = described.some((record) => record.ordered);
  const concurrency = ordered ? 1 : Math.max(1, Math.floor(options.concurrency ?? 1));
  const parent = otelContext.active();
  const continued = continuedContext(parent, described[0]);
  const failed: boolean[] = new Array<boolean>(records.length).fill(false);

  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (next < records.length) {
      const index = next++;
      if (stopped) {
        failed[index] = true;
        continue;
      }
      failed[index] = !(await runRecord(records[index], index, described[index], handler, parent, continued));
      if (failed[index] && ordered) stopped = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));

  const batchItemFailures: BatchItemFailure[] = [];
  failed.forEach((isFailed, index) => {
    const itemIdentifier = described[index]?.itemIdentifier;
    if (isFailed && itemIdentifier) batchItemFailures.push({ itemIdentifier });
  });
  return { batchItemFailures };
}

function safeRead(record: unknown): BatchRecord {
  try {
    return readBatchRecord(record);
  } catch (error) {
    log.debug('could not read a batch record', error);
    return { operationName: 'batch.process', ordered: false };
  }
}

/** `traceId:spanId` of the upstream the invocation already descends from (the extension continues the first record's). */
function continuedContext(parent: Context, first: BatchRecord | undefined): string | undefined {
  const traceId = trace.getSpanContext(parent)?.traceId;
  const upstream = first?.upstream;
  return traceId && upstream?.traceId === traceId && upstream.parentId ? `${traceId}:${upstream.parentId}` : undefined;
}

/** Runs one record in its span; resolves to false when the handler failed. Never rejects. */
async function runRecord<R>(
  record: R,
  index: number,
  described: BatchRecord,
  handler: RecordHandler<R>,
  parent: Context,
  continued: string | undefined,
): Promise<boolean> {
  let span: Span;
  let ctx: Context;
  try {
    span = startRecordSpan(described, index, parent, continued);
    ctx = trace.setSpan(parent, span);
  } catch (error) {
    log.debug('could not start a record span', error);
    // The record is still processed, under the invocation, with a handle that records nothing.
    span = trace.wrapSpanContext(trace.getSpanContext(parent) ?? INVALID_SPAN_CONTEXT);
    ctx = parent;
  }
  const ok = await callHandler(record, index, handler, span, ctx);
  span.end();
  return ok;
}

async function callHandler<R>(record: R, index: number, handler: RecordHandler<R>, span: Span, ctx: Context): Promise<boolean> {
  try {
    await otelContext.with(ctx, () => handler(record, { index, span }));
    return true;
  } catch (error) {
    try {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    } catch (tagError) {
      log.debug('could not mark the record span failed', tagError);
    }
    return false;
  }
}

function startRecordSpan(described: BatchRecord, index: number, parent: Context, continued: string | undefined): Span {
  const attributes: Attributes = { 'operation.name': described.operationName, 'message.index': index, 'messaging.operation.type': 'process' };
  if (described.system) attributes['messaging.system'] = described.system;
  if (described.destination) attributes['messaging.destination.name'] = described.destination;
  if (described.messageId) attributes['messaging.message.id'] = described.messageId;
  const links: Link[] = [];
  const upstream = described.upstream;
  if (upstream?.parentId && `${upstream.traceId}:${upstream.parentId}` !== continued) {
    const priority = upstream.samplingPriority ?? 1;
    links.push({
      context: {
        traceId: upstream.traceId,
        spanId: upstream.parentId,
        isRemote: true,
        traceFlags: isSampled(priority) ? TraceFlags.SAMPLED : TraceFlags.NONE,
        traceState: datadogTraceState(priority, upstream.propagationTags),
      },
    });
  }
  const name = described.destination ? `process ${described.destination}` : 'process';
  return trace.getTracer('datadog-lambda-ts', LIBRARY_VERSION).startSpan(name, { kind: SpanKind.CONSUMER, attributes, links }, parent);
}
