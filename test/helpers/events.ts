import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';

/** An SQS event whose first record carries an upstream `_datadog` context, as Lambda delivers it. */
export function sqsEventWithDatadogContext(carrier: Record<string, string>, dataType: 'String' | 'Binary' = 'String'): SQSEvent {
  const json = JSON.stringify(carrier);
  return {
    Records: [
      {
        messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
        receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
        body: '{"orderId":"42"}',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1764072000000',
          SenderId: 'AIDAIENQZJOLO23YVJ4VO',
          ApproximateFirstReceiveTimestamp: '1764072000100',
        },
        messageAttributes: {
          _datadog:
            dataType === 'String'
              ? { dataType: 'String', stringValue: json, stringListValues: [], binaryListValues: [] }
              : { dataType: 'Binary', binaryValue: Buffer.from(json).toString('base64'), stringListValues: [], binaryListValues: [] },
        },
        md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:orders',
        awsRegion: 'us-east-1',
      },
    ],
  };
}

/** An API Gateway HTTP API (v2) event with the given headers. */
export function httpApiEvent(headers: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /orders/{id}',
    rawPath: '/orders/42',
    rawQueryString: '',
    headers: { host: 'api.example.com', 'user-agent': 'curl/8.5.0', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: 'GET', path: '/orders/42', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: 'GET /orders/{id}',
      stage: '$default',
      time: '25/Nov/2026:12:00:00 +0000',
      timeEpoch: 1764072000000,
    },
    pathParameters: { id: '42' },
    isBase64Encoded: false,
  };
}
