import { SpanKind } from '@opentelemetry/api';
import { instrumentClient, type AwsOperation, type AwsSdkClient, type AwsServiceIntegration } from './instrument-client';
import { spliceCarrier } from './trace-carrier';

/**
 * EventBridge: `_datadog` as a top-level key of each `PutEvents` entry's `Detail` JSON object,
 * where the extension and the Datadog libraries look (`event.detail._datadog`). The carrier
 * also names the bus and the send time, which the extension uses for its inferred span.
 */

type Entry = Readonly<Record<string, unknown>>;

/**
 * "The total entry size must be less than 256KB" for one PutEvents request (AWS,
 * "Calculating PutEvents event entry size"). An entry whose carrier would cross it goes out
 * unchanged.
 */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;

/** AWS's entry size: Time counts 14 bytes; Source, DetailType, Detail and each Resource their UTF-8 bytes. */
function entryBytes(entry: Entry): number {
  let bytes = entry.Time === undefined ? 0 : 14;
  for (const field of [entry.Source, entry.DetailType, entry.Detail]) if (typeof field === 'string') bytes += Buffer.byteLength(field);
  if (Array.isArray(entry.Resources)) for (const resource of entry.Resources) if (typeof resource === 'string') bytes += Buffer.byteLength(resource);
  return bytes;
}

const putEvents: AwsOperation = {
  name: 'putEvents',
  kind: SpanKind.CLIENT,
  tags: (input) => {
    const entries = Array.isArray(input.Entries) ? (input.Entries as Entry[]) : [];
    const bus = entries.find((entry) => typeof entry.EventBusName === 'string')?.EventBusName as string | undefined;
    return { 'resource.name': 'putEvents', 'messaging.batch.message_count': entries.length, ...(bus && { 'aws.eventbridge.bus_name': bus }) };
  },
  inject: (input, carrier) => {
    if (!Array.isArray(input.Entries) || input.Entries.length === 0) return input;
    const entries = input.Entries as Entry[];
    const startTime = String(Date.now());
    let total = entries.reduce((sum, entry) => sum + entryBytes(entry), 0);
    return {
      ...input,
      Entries: entries.map((entry) => {
        const bus = typeof entry.EventBusName === 'string' ? entry.EventBusName : undefined;
        // No Detail is sent as `{}`.
        const detail = spliceCarrier(entry.Detail ?? '{}', {
          ...carrier,
          'x-datadog-start-time': startTime,
          ...(bus && { 'x-datadog-resource-name': bus }),
        });
        if (detail === undefined) return entry;
        const added = Buffer.byteLength(detail) - (typeof entry.Detail === 'string' ? Buffer.byteLength(entry.Detail) : 0);
        if (total + added >= MAX_PUT_EVENTS_BYTES) return entry;
        total += added;
        return { ...entry, Detail: detail };
      }),
    };
  },
};

/** @internal */
export const EVENTBRIDGE_INTEGRATION: AwsServiceIntegration = {
  serviceId: 'EventBridge',
  suffix: 'eventbridge',
  endpointPrefix: 'events',
  operations: { PutEventsCommand: putEvents },
  // Rule operations name the rule (dd-trace's `rulename`).
  operationTags: (operation, input) => ({ 'resource.name': operation, ...(typeof input.Name === 'string' && { rulename: input.Name }) }),
};

/**
 * Traces `PutEvents` on an `@aws-sdk/client-eventbridge` v3 client and adds the trace context
 * to every entry's `Detail` object as `_datadog`. An entry whose `Detail` is not a JSON
 * object, already has `_datadog`, or would push the request past 256 KB goes out unchanged.
 *
 * @returns the same client, for chaining.
 *
 * @example
 * const events = instrumentEventBridgeClient(new EventBridgeClient({}));
 * await events.send(new PutEventsCommand({ Entries: [{ Source: 'orders', DetailType: 'OrderPlaced', Detail: '{"id":1}' }] }));
 */
export function instrumentEventBridgeClient<C extends AwsSdkClient>(client: C): C {
  return instrumentClient(client, EVENTBRIDGE_INTEGRATION);
}
