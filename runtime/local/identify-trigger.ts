import type { LambdaContext } from '../lambda-types';
import { firstRecord, isObject, str, type Obj } from '../propagation/event-fields';
import { extractFromHeaders } from '../propagation/headers';
import { log } from '../log';
import { partitionOf } from '../aws-sdk/aws-resource';
import { parseArn } from './arn';
import { carrierOnly, type Trigger, type TriggerEnv } from './trigger';
import { cloudFrontTrigger, cloudWatchEventsTrigger, cloudWatchLogsTrigger, isCloudWatchLogs, stepFunctionsTrigger } from './triggers/aws-events';
import { headerContext, httpTrigger } from './triggers/http';
import { isMskEvent, mskTrigger } from './triggers/msk';
import { eventBridgeTrigger, kinesisTrigger, snsTrigger, sqsTrigger } from './triggers/messaging';
import { dynamoDbTrigger, s3Trigger } from './triggers/storage';

/**
 * Reads what invoked the function from the event: the trigger tags, the inferred spans for
 * the upstream service and the trace context the event carries. Unknown shapes yield
 * undefined; malformed ones never throw.
 *
 * @example
 * const trigger = identifyTrigger(sqsEvent, { region: 'us-east-1', partition: 'aws' });
 * trigger?.spans[0]?.name; // 'aws.sqs'
 */
export function identifyTrigger(event: unknown, env: TriggerEnv): Trigger | undefined {
  try {
    if (!isObject(event)) return undefined;
    if (isMskEvent(event)) return mskTrigger(event);
    return httpTrigger(event, env) ?? recordTrigger(event, env) ?? eventTrigger(event) ?? carrierOnly(genericCarrier(event));
  } catch (error) {
    log.debug('could not read the trigger from the event', error);
    return undefined;
  }
}

function recordTrigger(event: Obj, env: TriggerEnv): Trigger | undefined {
  const record = firstRecord(event);
  if (!record) return undefined;
  if (record.eventSource === 'aws:sqs') return sqsTrigger(record);
  if (isObject(record.Sns)) return snsTrigger(record);
  if (isObject(record.kinesis)) return kinesisTrigger(record);
  if (isObject(record.dynamodb)) return dynamoDbTrigger(record);
  if (isObject(record.s3)) return s3Trigger(record);
  if (isObject(record.cf)) return cloudFrontTrigger(record, env);
  return undefined;
}

function eventTrigger(event: Obj): Trigger | undefined {
  if (str(event['detail-type']) !== undefined) {
    return event.source === 'aws.events' ? cloudWatchEventsTrigger(event) : eventBridgeTrigger(event);
  }
  if (isCloudWatchLogs(event)) return cloudWatchLogsTrigger();
  return stepFunctionsTrigger(event);
}

/** Any other payload with headers (custom events, AppSync's `request.headers`). */
function genericCarrier(event: Obj) {
  return headerContext(event) ?? extractFromHeaders(isObject(event.request) ? event.request.headers : undefined);
}

/** Region, partition and account of the running function, from its ARN or `AWS_REGION`. */
export function triggerEnvOf(lambdaContext: Partial<LambdaContext> | undefined): TriggerEnv {
  const arn = parseArn(lambdaContext?.invokedFunctionArn);
  if (arn) return { region: arn.region, partition: arn.partition, accountId: arn.accountId, functionName: arn.functionName };
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  return { region, partition: partitionOf(region), functionName: lambdaContext?.functionName || process.env.AWS_LAMBDA_FUNCTION_NAME };
}
