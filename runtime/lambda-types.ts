/**
 * The Lambda types this package's API uses, declared here so that its type declarations need
 * no `@types/aws-lambda` in the user's project. Each has the shape of its namesake in
 * `@types/aws-lambda`, member for member, so values pass between the two both ways.
 */

/** The Lambda context object (`Context` in `@types/aws-lambda`). */
export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  identity?: LambdaCognitoIdentity | undefined;
  clientContext?: LambdaClientContext | undefined;
  tenantId?: string | undefined;
  getRemainingTimeInMillis(): number;
  // The pre-Node-4 completion methods: Lambda still provides them and the community types declare them.
  done(error?: Error, result?: unknown): void;
  fail(error: Error | string): void;
  succeed(messageOrObject: unknown): void;
  succeed(message: string, object: unknown): void;
}

export interface LambdaCognitoIdentity {
  cognitoIdentityId: string;
  cognitoIdentityPoolId: string;
}

/** The mobile SDK's client context; `custom` is where a caller can put trace headers. */
export interface LambdaClientContext {
  client: {
    installationId: string;
    appTitle: string;
    appVersionName: string;
    appVersionCode: string;
    appPackageName: string;
  };
  custom?: unknown;
  env: {
    platformVersion: string;
    platform: string;
    make: string;
    model: string;
    locale: string;
  };
}

/** The event of an SQS event source mapping (`SQSEvent` in `@types/aws-lambda`). */
export interface SQSEvent {
  Records: SQSRecord[];
}

export interface SQSRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: SQSRecordAttributes;
  messageAttributes: SQSMessageAttributes;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  eventSource: string;
  eventSourceARN: string;
  awsRegion: string;
}

export interface SQSRecordAttributes {
  AWSTraceHeader?: string | undefined;
  ApproximateReceiveCount: string;
  SentTimestamp: string;
  SenderId: string;
  ApproximateFirstReceiveTimestamp: string;
  SequenceNumber?: string | undefined;
  MessageGroupId?: string | undefined;
  MessageDeduplicationId?: string | undefined;
  DeadLetterQueueSourceArn?: string | undefined;
}

export interface SQSMessageAttribute {
  stringValue?: string | undefined;
  binaryValue?: string | undefined;
  stringListValues?: string[] | undefined;
  binaryListValues?: string[] | undefined;
  /** `String`, `Number`, `Binary`, optionally with a custom suffix (`String.json`). */
  dataType: string;
}

export interface SQSMessageAttributes {
  [name: string]: SQSMessageAttribute;
}
