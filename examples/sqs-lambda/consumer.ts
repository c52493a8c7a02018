/**
 * sqs-lambda, TypeScript consumer: SQS → this function. Deployed as a `DatadogTracedFunction`
 * (the construct wraps `handler` in `wrapHandler`; no Datadog code here besides `processBatch`)
 * with an SQS event source that has `reportBatchItemFailures` on.
 *
 * Each record runs in its own `aws.sqs.process` span under the invocation's `aws.lambda`,
 * linked to the record's producer when that is not the trace the invocation continues, and
 * a record that throws is retried alone (`batchItemFailures`).
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { processBatch } from '../../runtime';

interface Order {
  readonly id?: string;
  readonly quantity?: number;
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return processBatch(event, (record, { span }) => {
    span.setAttribute('request.id', context.awsRequestId);
    const order = parseOrder(record.body);
    span.setAttribute('order.id', order.id ?? 'unknown');
    // A message the business cannot handle: only this record goes back to the queue.
    if (order.quantity !== undefined && order.quantity <= 0) throw new RangeError(`order ${order.id ?? '?'} has no items`);
  });
}

function parseOrder(body: string): Order {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed) : { id: body };
  } catch {
    return { id: body };
  }
}
