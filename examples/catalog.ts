/** The deployable examples: stack names and what `npm run invoke` sends to each producer. */
export const EXAMPLES = {
  /** Python producer → SQS → TypeScript consumer (DatadogTracedFunction, per-record spans). */
  'sqs-lambda': { stackName: 'DatadogSqsLambdaExample', defaultPayload: { body: 'hello from the Python SQS producer' } },
  /** TypeScript producer (instrumentSqsClient) → SQS → Python consumer (ddtrace). */
  'sqs-producer': { stackName: 'DatadogSqsProducerExample', defaultPayload: { body: 'hello from the TypeScript SQS producer' } },
} as const;

export type ExampleName = keyof typeof EXAMPLES;
