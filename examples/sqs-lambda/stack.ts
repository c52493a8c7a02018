import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { DatadogTracedFunction } from '../../lib';
import { DatadogPythonFunction } from '../shared/datadog-python-function';
import { addExampleOutputs } from '../shared/example-outputs';
import { exampleLogGroup, exampleSettings, FUNCTION_LIMITS, REPO_ROOT, type ExampleStackProps } from '../shared/example-props';
import { ExampleQueue } from '../shared/example-queue';

/**
 * sqs-lambda: Python producer (Datadog Python layer, ddtrace) → SQS → TypeScript consumer
 * (`DatadogTracedFunction`, one `aws.sqs.process` span per record, partial batch failures).
 *
 * In Datadog: `python-sqs-producer` `aws.lambda` → its `aws.request` SendMessage span →
 * `ts-sqs-consumer` `aws.lambda` → one child span per record.
 */
export class SqsLambdaStack extends Stack {
  /** The Python producer; `npm run invoke -- sqs-lambda` calls it. */
  readonly producer: DatadogPythonFunction;
  /** The queue and its dead-letter queue. */
  readonly queue: ExampleQueue;
  /** The TypeScript consumer. */
  readonly consumer: DatadogTracedFunction;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, { description: 'datadog-lambda-ts example: Python producer → SQS → TypeScript consumer', ...props });
    this.queue = new ExampleQueue(this, 'Orders');

    this.producer = new DatadogPythonFunction(this, 'Producer', {
      source: path.join(__dirname, 'producer.py'),
      environment: { QUEUE_URL: this.queue.queue.queueUrl },
      datadog: exampleSettings(props.datadog, 'python-sqs-producer'),
      logGroup: exampleLogGroup(this, 'ProducerLogs'),
    });
    this.queue.queue.grantSendMessages(this.producer);

    this.consumer = new DatadogTracedFunction(this, 'Consumer', {
      entry: path.join(__dirname, 'consumer.ts'),
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      datadog: exampleSettings(props.datadog, 'ts-sqs-consumer'),
      logGroup: exampleLogGroup(this, 'ConsumerLogs'),
      ...FUNCTION_LIMITS,
    });
    // processBatch returns batchItemFailures: only the records that threw are retried.
    this.consumer.addEventSource(new SqsEventSource(this.queue.queue, { batchSize: 10, reportBatchItemFailures: true }));

    addExampleOutputs(this, this);
  }
}
