import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** How often a message is received before it goes to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 3;

/**
 * An SQS queue with the defaults an example should show: a dead-letter queue after
 * `MAX_RECEIVE_COUNT` receives, server-side encryption (SQS-managed keys), TLS-only access, and a
 * visibility timeout of six times the consumer's 30 s timeout (the AWS recommendation for Lambda
 * event sources, so that retries within a batch do not make a message visible again).
 */
export class ExampleQueue extends Construct {
  /** The queue the producer sends to and the consumer reads. */
  readonly queue: sqs.Queue;

  /** Where messages land after `MAX_RECEIVE_COUNT` failed receives. */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(180),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}
