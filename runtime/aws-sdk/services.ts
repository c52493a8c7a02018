import { DYNAMODB_INTEGRATION, S3_INTEGRATION } from './data-services';
import { EVENTBRIDGE_INTEGRATION } from './eventbridge';
import type { AwsServiceIntegration } from './instrument-client';
import { KINESIS_INTEGRATION } from './kinesis';
import { LAMBDA_INTEGRATION } from './lambda';
import { SNS_INTEGRATION } from './sns';
import { SQS_AUTO_INTEGRATION } from './sqs';
import { SFN_INTEGRATION } from './step-functions';

/**
 * How the zero-code integration traces each service, by the SDK's `serviceId` (client config).
 * A service not listed gets plain `aws.request` spans named by its id, as dd-trace's default.
 */
const KNOWN: Readonly<Record<string, AwsServiceIntegration>> = {
  SQS: SQS_AUTO_INTEGRATION,
  SNS: SNS_INTEGRATION,
  EventBridge: EVENTBRIDGE_INTEGRATION,
  'CloudWatch Events': EVENTBRIDGE_INTEGRATION,
  Kinesis: KINESIS_INTEGRATION,
  Lambda: LAMBDA_INTEGRATION,
  DynamoDB: DYNAMODB_INTEGRATION,
  S3: S3_INTEGRATION,
  SFN: SFN_INTEGRATION,
};

const generic = new Map<string, AwsServiceIntegration>();

/** The integration for a client's service; `serviceId` read from its resolved config. */
export function serviceIntegrationFor(config: unknown): AwsServiceIntegration {
  const serviceId = (config as { serviceId?: unknown } | undefined)?.serviceId;
  const id = typeof serviceId === 'string' && serviceId ? serviceId : 'Unknown';
  const known = KNOWN[id];
  if (known) return known;
  let integration = generic.get(id);
  if (!integration) {
    // `Secrets Manager` → aws.service `SecretsManager` (the client's name), service suffix `secretsmanager`.
    const compact = id.replace(/\s+/g, '');
    integration = { serviceId: compact, suffix: compact.toLowerCase(), operations: {} };
    generic.set(id, integration);
  }
  return integration;
}
