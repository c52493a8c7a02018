import { createContextKey } from '@opentelemetry/api';
import type { DatadogConfig } from '../config';

/**
 * The zero-code integrations, by the names dd-trace gives them, so `DD_TRACE_<NAME>_ENABLED`
 * and `DD_TRACE_DISABLED_INTEGRATIONS` mean the same thing here as in dd-trace.
 */
export const INTEGRATION_NAMES = ['http', 'fetch', 'aws-sdk', 'logs'] as const;

export type IntegrationName = (typeof INTEGRATION_NAMES)[number];

/** One integration: hooks into a library or a Node.js built-in once per process. */
export interface Integration {
  readonly name: IntegrationName;
  /** Hooks in. Called at most once per process; may throw (the caller logs and carries on). */
  enable(config: DatadogConfig): void;
}

/**
 * Set in the context of an AWS SDK call's span. The HTTP integrations skip requests made under
 * it: the AWS span already carries the status and request id, and one span per call keeps the
 * trace readable and the warm path cheap.
 */
export const AWS_SDK_CALL_KEY = createContextKey('datadog-lambda-ts aws-sdk call');
