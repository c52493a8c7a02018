/**
 * TypeScript stand-ins for the Python halves of the examples, so the local run needs no
 * Python. Each behaves like its `.py` file under the Datadog Python layer:
 *
 * - the producer (`examples/sqs-lambda/producer.py`) sends through an instrumented client,
 *   standing in for ddtrace's boto3 patch, which writes the same `_datadog` String attribute;
 * - the consumer (`examples/sqs-producer/consumer.py`) reads `_datadog` from the records as
 *   datadog-lambda-python does (`dataType` String → JSON, Binary → base64 JSON); its
 *   `aws.lambda` span is continued from the first record by the extension emulator.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';

export function pythonSqsProducer(sqs: SQSClient, queueUrl: string) {
  return async (event: { body?: string }, context: Context) => {
    const body = event.body ?? JSON.stringify({ id: context.awsRequestId, quantity: 1 });
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    return { statusCode: 200, body: JSON.stringify({ message: 'Message sent to SQS', message_id: MessageId }) };
  };
}

/** What the consumer found in each record's `_datadog`. */
export interface PythonConsumerResult {
  readonly statusCode: number;
  readonly records_processed: number;
  readonly contexts: ReadonlyArray<{ readonly traceId?: string; readonly parentId?: string }>;
}

export function pythonSqsConsumer() {
  return (event: SQSEvent): Promise<PythonConsumerResult> => {
    const contexts = event.Records.map((record) => {
      const attribute = record.messageAttributes._datadog;
      const json =
        attribute?.dataType === 'String' ? attribute.stringValue : attribute?.dataType === 'Binary' && attribute.binaryValue ? Buffer.from(attribute.binaryValue, 'base64').toString('utf8') : undefined;
      const carrier = json ? (JSON.parse(json) as Record<string, string>) : {};
      return { traceId: carrier['x-datadog-trace-id'], parentId: carrier['x-datadog-parent-id'] };
    });
    return Promise.resolve({ statusCode: 200, records_processed: event.Records.length, contexts });
  };
}
