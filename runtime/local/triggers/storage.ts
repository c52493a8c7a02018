import { isObject, isoToMs, num, str, type Obj } from '../../propagation/event-fields';
import { asyncSpan, compactTags, type Trigger } from '../trigger';

/** DynamoDB Streams and S3 notifications: no trace context travels with them, only an inferred span. */
export function dynamoDbTrigger(record: Obj): Trigger {
  const dynamodb = isObject(record.dynamodb) ? record.dynamodb : {};
  const streamArn = str(record.eventSourceARN);
  // arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>
  const tableName = streamArn?.split('/')[1] || 'dynamodb';
  const eventName = str(record.eventName) ?? '';
  const created = num(dynamodb.ApproximateCreationDateTime);
  return {
    eventSource: 'dynamodb',
    eventSourceArn: streamArn,
    tags: {},
    http: false,
    spans: [
      asyncSpan({
        source: 'dynamodb',
        resource: `${eventName} ${tableName}`.trim(),
        specific: tableName,
        startMs: created === undefined ? undefined : created * 1000,
        tags: {
          ...compactTags({
            table_name: tableName,
            event_name: eventName,
            event_version: str(record.eventVersion),
            event_source_arn: streamArn,
            event_id: str(record.eventID),
            stream_view_type: str(dynamodb.StreamViewType),
            size_bytes: numberText(dynamodb.SizeBytes),
          }),
        },
      }),
    ],
  };
}

/** A numeric field as the string tag the extension writes (`"26"`, not a metric). */
function numberText(value: unknown): string | undefined {
  const n = num(value);
  return n === undefined ? undefined : String(n);
}

export function s3Trigger(record: Obj): Trigger {
  const s3 = isObject(record.s3) ? record.s3 : {};
  const bucket = isObject(s3.bucket) ? s3.bucket : {};
  const object = isObject(s3.object) ? s3.object : {};
  const bucketName = str(bucket.name) ?? 's3';
  const bucketArn = str(bucket.arn);
  return {
    eventSource: 's3',
    eventSourceArn: bucketArn,
    tags: {},
    http: false,
    spans: [
      asyncSpan({
        source: 's3',
        resource: bucketName,
        specific: bucketName,
        startMs: isoToMs(record.eventTime),
        tags: {
          ...compactTags({
            bucketname: bucketName,
            bucket_arn: bucketArn,
            event_name: str(record.eventName),
            object_key: str(object.key),
            object_etag: str(object.eTag),
            object_size: numberText(object.size),
          }),
        },
      }),
    ],
  };
}
