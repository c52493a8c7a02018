import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { ExampleQueue } from './example-queue';

/** What an example stack exposes; `npm run invoke` reads `ProducerFunctionName`. */
export interface ExampleResources {
  readonly producer: lambda.IFunction;
  readonly queue: ExampleQueue;
  readonly consumer: lambda.IFunction;
}

/** Adds the outputs every example stack has: producer and consumer names, queue URLs. */
export function addExampleOutputs(stack: Stack, { producer, queue, consumer }: ExampleResources): void {
  new CfnOutput(stack, 'ProducerFunctionName', { value: producer.functionName, description: 'The function `npm run invoke` calls' });
  new CfnOutput(stack, 'QueueUrl', { value: queue.queue.queueUrl });
  new CfnOutput(stack, 'DeadLetterQueueUrl', { value: queue.deadLetterQueue.queueUrl });
  new CfnOutput(stack, 'ConsumerFunctionName', { value: consumer.functionName });
}
