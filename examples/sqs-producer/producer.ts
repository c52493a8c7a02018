/**
 * sqs-producer, TypeScript producer: this function → SQS → the Python consumer (consumer.py).
 * Deployed as a `DatadogTracedFunction` (the construct wraps `handler` in `wrapHandler`).
 *
 * `instrumentSqsClient` gives each send an `aws.request` span and puts the `_datadog`
 * message attribute on the message, which ddtrace in the Python consumer continues.
 *
 * Environment: `QUEUE_URL` (required).
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { instrumentSqsClient } from '../../runtime';

export interface ProducerEvent {
  /** The message body. @default - a small order JSON */
  readonly body?: string;
}

export interface ProducerResult {
  readonly statusCode: number;
  readonly body: string;
}

/** The handler, over a given SQS client (tests and the local run pass one that stays on this machine). */
export function createHandler(sqs: SQSClient, queueUrl: () => string | undefined = () => process.env.QUEUE_URL) {
  return async function handler(event: ProducerEvent, context: Context): Promise<ProducerResult> {
    const url = queueUrl();
    if (!url) return { statusCode: 500, body: JSON.stringify({ message: 'QUEUE_URL is not set' }) };
    const body = event.body ?? JSON.stringify({ id: context.awsRequestId, quantity: 1 });
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    return { statusCode: 200, body: JSON.stringify({ message: 'Message sent to SQS', request_id: context.awsRequestId, message_id: MessageId }) };
  };
}

// Created once per sandbox, not per invocation: the client keeps its connections warm.
export const handler = createHandler(instrumentSqsClient(new SQSClient({})));
