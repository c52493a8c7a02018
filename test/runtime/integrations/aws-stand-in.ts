import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One loopback HTTP server standing in for DynamoDB (JSON 1.0), SQS (JSON 1.0, current SDKs),
 * Kinesis (JSON 1.1), Step Functions (JSON 1.0), S3 (REST-XML, path style) and Lambda Invoke
 * (REST-JSON), answering the smallest valid responses. Requests are recorded; a DynamoDB table named `missing` answers
 * 400 ResourceNotFoundException and an S3 key `missing` 404 NoSuchKey.
 */
export interface StandInRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** `x-amz-target` without its version prefix, e.g. `GetItem`; else `METHOD /path`. */
  readonly operation: string;
}

export interface AwsStandIn {
  readonly endpoint: string;
  readonly requests: StandInRequest[];
  close(): Promise<void>;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function json(res: ServerResponse, status: number, contentType: string, body: object, requestId: string): void {
  res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': requestId });
  res.end(JSON.stringify(body));
}

function answerTarget(res: ServerResponse, target: string, contentType: string, body: Record<string, unknown>, requestId: string): void {
  const operation = target.split('.').pop() ?? '';
  if (target.startsWith('DynamoDB')) {
    if (body.TableName === 'missing') {
      json(res, 400, contentType, { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found' }, requestId);
      return;
    }
    json(res, 200, contentType, operation === 'GetItem' ? { Item: { id: { S: '1' } } } : {}, requestId);
  } else if (target.startsWith('AmazonSQS')) {
    const messageBody = typeof body.MessageBody === 'string' ? body.MessageBody : '';
    json(res, 200, contentType, operation === 'SendMessage' ? { MessageId: randomUUID(), MD5OfMessageBody: md5(messageBody) } : {}, requestId);
  } else if (target.startsWith('Kinesis')) {
    const records = Array.isArray(body.Records) ? body.Records : [];
    json(
      res,
      200,
      contentType,
      operation === 'PutRecords'
        ? { FailedRecordCount: 0, Records: records.map((_, i) => ({ SequenceNumber: String(i + 1), ShardId: 'shardId-000000000000' })) }
        : { SequenceNumber: '1', ShardId: 'shardId-000000000000' },
      requestId,
    );
  } else if (target.startsWith('AWSStepFunctions')) {
    const stateMachine = typeof body.stateMachineArn === 'string' ? body.stateMachineArn : '';
    const executionArn = `${stateMachine.replace(':stateMachine:', ':execution:')}:${typeof body.name === 'string' ? body.name : randomUUID()}`;
    const started = { executionArn, startDate: Date.now() / 1000 };
    json(res, 200, contentType, operation === 'StartSyncExecution' ? { ...started, stopDate: Date.now() / 1000, status: 'SUCCEEDED', output: '{}' } : started, requestId);
  } else {
    json(res, 400, contentType, { __type: 'UnknownOperationException' }, requestId);
  }
}

export async function startAwsStandIn(): Promise<AwsStandIn> {
  const requests: StandInRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = req.headers['x-amz-target'];
      const url = req.url ?? '/';
      const operation = typeof target === 'string' ? (target.split('.').pop() ?? target) : `${req.method} ${url.split('?')[0]}`;
      requests.push({ method: req.method ?? '', url, headers: req.headers, body, operation });
      const requestId = randomUUID();
      if (typeof target === 'string') {
        answerTarget(res, target, req.headers['content-type'] ?? 'application/x-amz-json-1.0', body ? (JSON.parse(body) as Record<string, unknown>) : {}, requestId);
      } else if (url.startsWith('/2015-03-31/functions/')) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amz-executed-version': '$LATEST' });
        res.end('{"ok":true}');
      } else if (url.split('?')[0]!.endsWith('/missing')) {
        res.writeHead(404, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>${requestId}</RequestId></Error>`);
      } else if (req.method === 'PUT') {
        res.writeHead(200, { etag: `"${md5(body)}"`, 'x-amz-request-id': requestId });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5', etag: `"${md5('hello')}"`, 'x-amz-request-id': requestId });
        res.end('hello');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * One stand-in for a `describe` block: started before its tests, closed after them, its
 * recorded requests cleared after each test. Read it through `current()` inside a test.
 */
export function useAwsStandIn(): { current(): AwsStandIn } {
  let standIn: AwsStandIn | undefined;
  beforeAll(async () => {
    standIn = await startAwsStandIn();
  });
  afterAll(() => standIn?.close());
  afterEach(() => standIn?.requests.splice(0));
  return {
    current: () => {
      if (!standIn) throw new Error('the AWS stand-in is not started yet: read it inside a test');
      return standIn;
    },
  };
}
