import { isObject, isoToMs, num, str, type Obj } from '../../propagation/event-fields';
import { inferredServiceName } from '../service-mapping';
import { compactTags, type Trigger } from '../trigger';

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
      {
        name: 'aws.dynamodb',
        service: inferredServiceName(tableName, 'lambda_dynamodb', 'aws.dynamodb'),
        resource: `${eventName} ${tableName}`.trim(),
        type: 'web',
        startMs: created === undefined ? undefined : created * 1000,
        synchronicity: 'async',
        tags: {
          ...compactTags({
            operation_name: 'aws.dynamodb',
            tablename: tableName,
            event_name: eventName,
            event_version: str(record.eventVersion),
            event_source_arn: streamArn,
            event_id: str(record.eventID),
            stream_view_type: str(dynamodb.StreamViewType),
          }),
          ...compactTags({ size_bytes: num(dynamodb.SizeBytes) }),
        },
      },
    ],
  };
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
      {
        name: 'aws.s3',
        service: inferredServiceName(bucketName, 'lambda_s3', 's3'),
        resource: bucketName,
        type: 'web',
        startMs: isoToMs(record.eventTime),
        synchronicity: 'async',
        tags: {
          ...compactTags({
            operation_name: 'aws.s3',
            bucketname: bucketName,
            bucket_arn: bucketArn,
            event_name: str(record.eventName),
            object_key: str(object.key),
            object_etag: str(object.eTag),
          }),
          ...compactTags({ object_size: num(object.size) }),
        },
      },
    ],
  };
}
