import type { Attributes } from '@opentelemetry/api';
import type { AwsServiceIntegration } from './instrument-client';

/**
 * The services traced without a carrier, tagged as dd-trace's `generateTags` tags them:
 * DynamoDB (table) and S3 (bucket). Step Functions, with its carrier, is in `step-functions.ts`.
 */

type Input = Readonly<Record<string, unknown>>;

/** The table of a single-table call, or of a batch naming one table (as dd-trace). */
function tableName(input: Input): string | undefined {
  const items = input.RequestItems;
  if (typeof items === 'object' && items !== null) {
    const tables = Object.keys(items);
    if (tables.length === 1) return tables[0];
  }
  return typeof input.TableName === 'string' ? input.TableName : undefined;
}

/** @internal */
export const DYNAMODB_INTEGRATION: AwsServiceIntegration = {
  serviceId: 'DynamoDB',
  suffix: 'dynamodb',
  endpointPrefix: 'dynamodb',
  operations: {},
  operationTags: (operation, input) => {
    const table = tableName(input);
    const tags: Attributes = { 'resource.name': table ? `${operation} ${table}` : operation, 'span.type': 'dynamodb', 'db.system': 'aws.dynamodb' };
    if (table) {
      tags['aws.dynamodb.table_name'] = table;
      tags.tablename = table;
    }
    return tags;
  },
};

/** @internal */
export const S3_INTEGRATION: AwsServiceIntegration = {
  serviceId: 'S3',
  suffix: 's3',
  endpointPrefix: 's3',
  operations: {},
  operationTags: (operation, input) =>
    typeof input.Bucket === 'string'
      ? { 'resource.name': `${operation} ${input.Bucket}`, 'aws.s3.bucket_name': input.Bucket, bucketname: input.Bucket }
      : { 'resource.name': operation },
};
