import { isObject, path, str, type Obj } from '../../propagation/event-fields';
import { extractStepFunctionsContext } from '../../propagation/step-functions';
import type { Trigger, TriggerEnv } from '../trigger';

/** Triggers that get trigger tags but no inferred span: CloudFront, CloudWatch Logs and Events, Step Functions. */
export function cloudFrontTrigger(record: Obj, env: TriggerEnv): Trigger {
  const distributionId = str(path(record, 'cf', 'config', 'distributionId'));
  const arn = distributionId && env.accountId ? `arn:${env.partition}:cloudfront::${env.accountId}:distribution/${distributionId}` : undefined;
  return { eventSource: 'cloudfront', eventSourceArn: arn, tags: {}, http: false, spans: [] };
}

/**
 * The log group is inside the gzipped `awslogs.data`; unlike datadog-lambda-js we do not
 * inflate a payload of up to 6 MB on every invocation just to name it.
 */
export function cloudWatchLogsTrigger(): Trigger {
  return { eventSource: 'cloudwatch-logs', tags: {}, http: false, spans: [] };
}

/** A scheduled or AWS-service event (`source: aws.events`). */
export function cloudWatchEventsTrigger(event: Obj): Trigger {
  const resources = event.resources;
  const arn = Array.isArray(resources) ? str(resources[0]) : undefined;
  return { eventSource: 'cloudwatch-events', eventSourceArn: arn, tags: {}, http: false, spans: [] };
}

/** A Step Functions task with Datadog's context object: the context is derived, not carried. */
export function stepFunctionsTrigger(event: Obj): Trigger | undefined {
  const sfn = extractStepFunctionsContext(event);
  if (!sfn) return undefined;
  return { eventSource: 'states', eventSourceArn: sfn.stateMachineArn, tags: sfn.tags, http: false, spans: [], context: sfn.context };
}

export function isCloudWatchLogs(event: Obj): boolean {
  return isObject(event.awslogs) && typeof event.awslogs.data === 'string';
}
