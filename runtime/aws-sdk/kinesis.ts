import { SpanKind, type Attributes } from '@opentelemetry/api';
import { arnResourceName } from './aws-resource';
import { activeConfig, type AwsOperation, type AwsServiceIntegration } from './instrument-client';
import { CARRIER_KEY } from './trace-carrier';

/**
 * Kinesis: `_datadog` as a top-level key of a record's `Data` when it holds a JSON object
 * (raw, or base64 of JSON), where the extension and datadog-lambda-js read it
 * (`kinesis.data` → `._datadog`). Like dd-trace: `PutRecord`, and the first record of
 * `PutRecords`, or every record with `DD_TRACE_AWS_SDK_KINESIS_BATCH_PROPAGATION_ENABLED` (or
 * `DD_TRACE_AWS_SDK_BATCH_PROPAGATION_ENABLED`); data that is not a JSON object, or would
 * pass 1 MiB, goes out unchanged.
 */

type Record_ = Readonly<Record<string, unknown>>;

/** "The maximum size of the data payload of a record … plus the partition key is 1 MiB" (Kinesis quotas). */
export const MAX_RECORD_BYTES = 1024 * 1024;

function dataText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  return undefined;
}

/** The record's data as a JSON object: raw JSON, else base64 of JSON (as dd-trace accepts both). */
function parseData(data: unknown): Record<string, unknown> | undefined {
  const text = dataText(data);
  if (text === undefined) return undefined;
  for (const candidate of [text, () => Buffer.from(text, 'base64').toString('utf8')]) {
    try {
      const parsed: unknown = JSON.parse(typeof candidate === 'string' ? candidate : candidate());
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // not JSON this way; try the next
    }
  }
  return undefined;
}

/** A copy of `record` whose `Data` carries the carrier, or the record itself when it cannot. */
function injectRecord(record: Record_, carrier: Readonly<Record<string, string>>): Record_ {
  const parsed = parseData(record.Data);
  if (!parsed || CARRIER_KEY in parsed) return record;
  const data = Buffer.from(JSON.stringify({ ...parsed, [CARRIER_KEY]: carrier }), 'utf8');
  const partitionKey = typeof record.PartitionKey === 'string' ? Buffer.byteLength(record.PartitionKey) : 0;
  if (data.byteLength + partitionKey > MAX_RECORD_BYTES) return record;
  return { ...record, Data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function streamName(input: Record_): string | undefined {
  if (typeof input.StreamName === 'string') return input.StreamName;
  return arnResourceName(input.StreamARN);
}

/** dd-trace's Kinesis tags: the stream by name (from the ARN when only that is given). */
function streamTags(operation: string, input: Record_): Attributes {
  const name = streamName(input);
  if (!name) return { 'resource.name': operation };
  return { 'resource.name': `${operation} ${name}`, 'aws.kinesis.stream_name': name, streamname: name, 'messaging.system': 'aws_kinesis' };
}

const putRecord: AwsOperation = {
  name: 'putRecord',
  kind: SpanKind.CLIENT,
  tags: (input) => streamTags('putRecord', input),
  inject: (input, carrier) => injectRecord(input, carrier),
};

const putRecords: AwsOperation = {
  name: 'putRecords',
  kind: SpanKind.CLIENT,
  tags: (input) => ({
    ...streamTags('putRecords', input),
    ...(Array.isArray(input.Records) && { 'messaging.batch.message_count': input.Records.length }),
  }),
  inject: (input, carrier) => {
    if (!Array.isArray(input.Records) || input.Records.length === 0) return input;
    const records = input.Records as Record_[];
    // By default the first record only, as dd-trace (Lambda triggers read the first record of a batch).
    const all = activeConfig().kinesisBatchPropagation;
    return { ...input, Records: records.map((record, i) => (i === 0 || all ? injectRecord(record, carrier) : record)) };
  },
};

/** @internal */
export const KINESIS_INTEGRATION: AwsServiceIntegration = {
  serviceId: 'Kinesis',
  suffix: 'kinesis',
  endpointPrefix: 'kinesis',
  operations: { PutRecordCommand: putRecord, PutRecordsCommand: putRecords },
  operationTags: streamTags,
};
