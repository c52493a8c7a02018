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
 * sqs-producer: TypeScript producer (`DatadogTracedFunction`, `instrumentSqsClient`) → SQS →
 * Python consumer auto-instrumented by ddtrace (Datadog Python layer).
 *
 * In Datadog, one trace: `ts-sqs-producer` `aws.lambda` → its `aws.request` SendMessage span →
 * `python-sqs-consumer` `aws.lambda`.
 */
export class SqsProducerStack extends Stack {
  /** The TypeScript producer; `npm run invoke -- sqs-producer` calls it. */
  readonly producer: DatadogTracedFunction;
  /** The queue and its dead-letter queue. */
  readonly queue: ExampleQueue;
  /** The Python consumer. */
  readonly consumer: DatadogPythonFunction;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, { description: 'datadog-lambda-ts example: TypeScript producer → SQS → Python consumer', ...props });
    this.queue = new ExampleQueue(this, 'Orders');

    this.producer = new DatadogTracedFunction(this, 'Producer', {
      entry: path.join(__dirname, 'producer.ts'),
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      environment: { QUEUE_URL: this.queue.queue.queueUrl },
      datadog: exampleSettings(props.datadog, 'ts-sqs-producer'),
      logGroup: exampleLogGroup(this, 'ProducerLogs'),
      ...FUNCTION_LIMITS,
    });
    this.queue.queue.grantSendMessages(this.producer);

    this.consumer = new DatadogPythonFunction(this, 'Consumer', {
      source: path.join(__dirname, 'consumer.py'),
      datadog: exampleSettings(props.datadog, 'python-sqs-consumer'),
      logGroup: exampleLogGroup(this, 'ConsumerLogs'),
    });
    // consumer.py succeeds or fails as a whole (it returns no batchItemFailures), so the
    // mapping does not ask for partial batch responses.
    this.consumer.addEventSource(new SqsEventSource(this.queue.queue, { batchSize: 10 }));

    addExampleOutputs(this, this);
  }
}
