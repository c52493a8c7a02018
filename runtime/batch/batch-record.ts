import { arnResourceName } from '../aws-sdk/aws-resource';
import { extractEventContext } from '../propagation/event-context';
import { isObject, str } from '../propagation/event-fields';
import type { DatadogTraceContext } from '../tracing/trace-context';

/**
 * What `processBatch` needs from one record of an SQS, SNS or Kinesis event: where it came
 * from, the id Lambda expects back in `batchItemFailures`, and its upstream trace context.
 */
export interface BatchRecord {
  /** `aws_sqs`, `aws.sns`, `aws_kinesis` (`messaging.system`). @default - none, for other sources */
  readonly system?: string;
  /** Datadog operation name of the record's span, e.g. `aws.sqs.process`. */
  readonly operationName: string;
  /** Queue, topic or stream name. @default - none when the record names none */
  readonly destination?: string;
  /** @default - none when the record has none */
  readonly messageId?: string;
  /** What Lambda wants in `batchItemFailures`: the SQS message id, the Kinesis sequence number. @default - none: a failure cannot be reported */
  readonly itemIdentifier?: string;
  /** True for a FIFO queue, where order matters and a failure stops the rest of the batch. */
  readonly ordered: boolean;
  /** The producer's context from the record's carrier. @default - none: nothing to link */
  readonly upstream?: DatadogTraceContext;
}


/**
 * Reads one record. The upstream context comes from the same extraction the invocation's
 * own uses (a one-record event), so a record and the extension never disagree on a carrier.
 */
export function readBatchRecord(record: unknown): BatchRecord {
  if (!isObject(record)) return { operationName: 'batch.process', ordered: false };
  const upstream = extractEventContext({ Records: [record] });
  if (record.eventSource === 'aws:sqs') {
    const destination = arnResourceName(record.eventSourceARN);
    const messageId = str(record.messageId);
    return { system: 'aws_sqs', operationName: 'aws.sqs.process', destination, messageId, itemIdentifier: messageId, ordered: destination?.endsWith('.fifo') ?? false, upstream };
  }
  if (isObject(record.Sns)) {
    const messageId = str(record.Sns.MessageId);
    return { system: 'aws.sns', operationName: 'aws.sns.process', destination: arnResourceName(record.Sns.TopicArn), messageId, itemIdentifier: messageId, ordered: false, upstream };
  }
  if (record.eventSource === 'aws:kinesis' && isObject(record.kinesis)) {
    const sequenceNumber = str(record.kinesis.sequenceNumber);
    return { system: 'aws_kinesis', operationName: 'aws.kinesis.process', destination: arnResourceName(record.eventSourceARN), messageId: sequenceNumber, itemIdentifier: sequenceNumber, ordered: false, upstream };
  }
  const messageId = str(record.messageId) ?? str(record.eventID);
  return { operationName: 'batch.process', messageId, itemIdentifier: messageId, ordered: false, upstream };
}
