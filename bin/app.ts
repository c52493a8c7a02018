#!/usr/bin/env node
/**
 * The example app: both example stacks, for `npx cdk synth|deploy|destroy` (or
 * `npm run deploy|invoke|destroy -- <example>`, see examples/cli.ts).
 *
 * Synthesizes offline with no AWS credentials and no variables set; see `exampleAppConfig` for
 * the variables it reads (DD_API_KEY_SECRET_ARN or DD_API_KEY, DD_ENV, DD_SITE).
 */
import { Annotations, App } from 'aws-cdk-lib';
import { EXAMPLES } from '../examples/catalog';
import { exampleAppConfig, PLACEHOLDER_WARNING_ID } from '../examples/shared/example-app-config';
import { SqsLambdaStack } from '../examples/sqs-lambda/stack';
import { SqsProducerStack } from '../examples/sqs-producer/stack';

const app = new App();
const { env, datadog, warning } = exampleAppConfig();
const stacks = [
  new SqsLambdaStack(app, EXAMPLES['sqs-lambda'].stackName, { env, datadog }),
  new SqsProducerStack(app, EXAMPLES['sqs-producer'].stackName, { env, datadog }),
];
if (warning) for (const stack of stacks) Annotations.of(stack).addWarningV2(PLACEHOLDER_WARNING_ID, warning);
