import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { instrumentEventBridgeClient, MAX_PUT_EVENTS_BYTES } from '../../../runtime/aws-sdk/eventbridge';
import { extractEventContext } from '../../../runtime/propagation/event-context';
import { captureRequests, credentials } from './capture-requests';
import { tracedInvocations } from './traced-invocation';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

function eventsClient() {
  const capture = captureRequests(() => ({ contentType: 'application/x-amz-json-1.1', body: '{"Entries":[{"EventId":"e-1"}],"FailedEntryCount":0}' }));
  const client = instrumentEventBridgeClient(new EventBridgeClient({ region: 'us-east-1', credentials, requestHandler: capture.requestHandler, maxAttempts: 1 }));
  const entries = (i = 0) => (JSON.parse(capture.bodies[i]) as { Entries: Array<{ Detail?: string }> }).Entries;
  return { client, entries };
}

describe('instrumentEventBridgeClient', () => {
  const invocations = tracedInvocations('orders');

  it('adds _datadog to each Detail object, keeping the user’s bytes, with the bus and send time', async () => {
    const { client, entries } = eventsClient();
    const detail = '{ "id": 12345678901234567890, "items": [1, 2] }  ';

    await invocations.invoke(() =>
      client.send(
        new PutEventsCommand({
          Entries: [
            { Source: 'orders', DetailType: 'OrderPlaced', Detail: detail, EventBusName: 'orders-bus' },
            { Source: 'orders', DetailType: 'Empty', Detail: '{}' },
          ],
        }),
      ),
    );

    const put = invocations.span('aws.request');
    expect(put).toMatchObject({ service: 'orders-aws-eventbridge', resource: 'putEvents' });
    expect(put.meta).toMatchObject({ 'span.kind': 'client', 'aws.operation': 'putEvents', 'aws.service': 'EventBridge', 'aws.eventbridge.bus_name': 'orders-bus' });
    const [placed, empty] = entries();
    // The big number is not re-serialised (JSON.parse would round it).
    expect(placed.Detail!.startsWith('{ "id": 12345678901234567890, "items": [1, 2] ,"_datadog":{')).toBe(true);
    const carrier = (JSON.parse(placed.Detail!) as { _datadog: Record<string, string> })._datadog;
    expect(carrier).toMatchObject({ 'x-datadog-parent-id': put.span_id.toString(), 'x-datadog-resource-name': 'orders-bus' });
    expect(Number(carrier['x-datadog-start-time'])).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.parse(empty.Detail!)).toEqual({ _datadog: expect.objectContaining({ 'x-datadog-parent-id': put.span_id.toString() }) });
    expect((JSON.parse(empty.Detail!) as { _datadog: object })._datadog).not.toHaveProperty('x-datadog-resource-name');
    // As a consumer reads it from the delivered event.
    const upstream = extractEventContext({ 'detail-type': 'OrderPlaced', detail: JSON.parse(placed.Detail!) });
    expect(upstream?.parentId).toBe(put.span_id.toString(16).padStart(16, '0'));
  });

  it('leaves alone a Detail that is not an object, has its own _datadog, or would cross the size limit', async () => {
    const { client, entries } = eventsClient();
    const own = '{"_datadog":{"x-datadog-trace-id":"1"}}';
    const big = JSON.stringify({ blob: 'x'.repeat(MAX_PUT_EVENTS_BYTES - 200) });

    await invocations.invoke(() =>
      client.send(
        new PutEventsCommand({
          Entries: [
            { Source: 's', DetailType: 'd', Detail: '[1,2]' },
            { Source: 's', DetailType: 'd', Detail: own },
            { Source: 's', DetailType: 'd', Detail: 'not json}' },
            { Source: 's', DetailType: 'd', Detail: big },
          ],
        }),
      ),
    );

    expect(entries().map((entry) => entry.Detail)).toEqual(['[1,2]', own, 'not json}', big]);
  });
});
