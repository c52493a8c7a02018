import type { SQSEvent, SQSMessageAttributes, SQSRecord } from '../lambda-types';
import { createHash, randomUUID } from 'node:crypto';
import { parseQueueUrl, partitionOf } from '../aws-sdk/aws-resource';

/** Options of `LocalSqsQueue`. */
export interface LocalSqsQueueOptions {
  /** The queue's URL; its last path segment is the queue name. @default 'https://sqs.us-east-1.amazonaws.com/123456789012/local-queue' */
  readonly url?: string;
  /** The region in the event's ARNs. @default - the one the URL names, else 'us-east-1' */
  readonly region?: string;
}

/** A message the queue accepted, as the SDK serialised it (JSON protocol). */
export interface LocalSqsMessage {
  readonly messageId: string;
  readonly body: string;
  readonly messageAttributes: Readonly<Record<string, WireAttribute>>;
  readonly sentAt: number;
  /** FIFO queues. @default - none */
  readonly messageGroupId?: string;
}

/** A message attribute as it travels on the wire: `BinaryValue` is base64. */
export interface WireAttribute {
  readonly DataType: string;
  /** For String and Number types. @default - none */
  readonly StringValue?: string;
  /** For Binary types. @default - none */
  readonly BinaryValue?: string;
}

/** The slice of a smithy `HttpRequest` the queue reads. */
interface HttpRequestLike {
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

interface HttpResponseLike {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/**
 * A queue in memory for tests and local runs: pass `queue.requestHandler` to a real
 * `@aws-sdk/client-sqs` `SQSClient` and its `SendMessage` / `SendMessageBatch` calls are
 * answered here instead of going to AWS (the SDK still builds, serialises and signs the
 * request, so every middleware runs). `receiveEvent()` then hands the messages over as the
 * SQS event Lambda would deliver to a consumer function.
 *
 * @example
 * const queue = new LocalSqsQueue();
 * const sqs = instrumentSqsClient(new SQSClient({ region: queue.region, credentials: queue.credentials, requestHandler: queue.requestHandler }));
 * await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'hello' }));
 * await consumer(queue.receiveEvent(), lambdaContext);
 */
export class LocalSqsQueue {
  readonly url: string;
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  /** Static credentials so the SDK signs without looking for real ones. */
  readonly credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  /** Messages sent and not yet received, oldest first. */
  readonly messages: LocalSqsMessage[] = [];
  /** Every request the SDK made, with its parsed JSON body. */
  readonly requests: Array<{ readonly target: string; readonly body: Readonly<Record<string, unknown>> }> = [];
  /** Pass as the client's `requestHandler`. */
  readonly requestHandler: { handle(request: HttpRequestLike): Promise<{ response: HttpResponseLike }> };

  #failure: string | undefined;

  constructor(options: LocalSqsQueueOptions = {}) {
    this.url = options.url ?? 'https://sqs.us-east-1.amazonaws.com/123456789012/local-queue';
    const { name = 'local-queue', account = '000000000000', region } = parseQueueUrl(this.url);
    this.region = options.region ?? region ?? 'us-east-1';
    this.name = name;
    this.arn = `arn:${partitionOf(this.region)}:sqs:${this.region}:${account}:${name}`;
    this.requestHandler = { handle: (request) => Promise.resolve({ response: this.answer(request) }) };
  }

  /** Makes every send fail with this SQS error code (e.g. `QueueDoesNotExist`) until `fail(undefined)`. */
  fail(errorCode: string | undefined): void {
    this.#failure = errorCode;
  }

  /**
   * Takes up to `max` pending messages and returns them as the SQS event Lambda builds for
   * an event source mapping: `messageAttributes` with `stringValue`/`binaryValue` (base64)
   * and `dataType`, `attributes`, `md5OfBody`, `eventSourceARN`.
   */
  receiveEvent(max = 10): SQSEvent {
    return { Records: this.messages.splice(0, max).map((message) => this.toRecord(message)) };
  }

  private toRecord(message: LocalSqsMessage): SQSRecord {
    const messageAttributes: SQSMessageAttributes = {};
    for (const [name, value] of Object.entries(message.messageAttributes)) {
      messageAttributes[name] = {
        dataType: value.DataType,
        stringListValues: [],
        binaryListValues: [],
        ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
        ...(value.BinaryValue !== undefined && { binaryValue: value.BinaryValue }),
      };
    }
    const sent = String(message.sentAt);
    return {
      messageId: message.messageId,
      receiptHandle: Buffer.from(`${message.messageId}:${sent}`).toString('base64'),
      body: message.body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: sent,
        SenderId: 'AROALOCALSENDER:local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
        ...(message.messageGroupId !== undefined && { MessageGroupId: message.messageGroupId }),
      },
      messageAttributes,
      md5OfBody: md5(message.body),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: this.region,
    };
  }

  private answer(request: HttpRequestLike): HttpResponseLike {
    const target = (request.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
    const body = parseBody(request.body);
    this.requests.push({ target, body });
    if (this.#failure) return json(400, { __type: `com.amazonaws.sqs#${this.#failure}`, message: `emulated ${this.#failure}` });
    if (target === 'SendMessage') return json(200, this.accept(body));
    if (target === 'SendMessageBatch') {
      const entries = Array.isArray(body.Entries) ? (body.Entries as Array<Record<string, unknown>>) : [];
      return json(200, { Successful: entries.map((entry) => ({ Id: entry.Id, ...this.accept(entry) })), Failed: [] });
    }
    return json(400, { __type: 'com.amazonaws.sqs#UnsupportedOperation', message: `LocalSqsQueue does not emulate ${target}` });
  }

  private accept(message: Readonly<Record<string, unknown>>): Record<string, string> {
    const body = typeof message.MessageBody === 'string' ? message.MessageBody : '';
    const messageId = randomUUID();
    this.messages.push({
      messageId,
      body,
      messageAttributes: (message.MessageAttributes ?? {}) as Record<string, WireAttribute>,
      sentAt: Date.now(),
      ...(typeof message.MessageGroupId === 'string' && { messageGroupId: message.MessageGroupId }),
    });
    return { MessageId: messageId, MD5OfMessageBody: md5(body) };
  }
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function parseBody(body: unknown): Readonly<Record<string, unknown>> {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8') : '{}';
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function json(statusCode: number, payload: unknown): HttpResponseLike {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() };
  return { statusCode, headers, body: Buffer.from(JSON.stringify(payload)) };
}
