import { extractEventContext } from '../../../runtime/propagation/event-context';
import { apiGatewayV1Event } from '../../fixtures/events/api-gateway-v1';
import { UPSTREAM } from '../../fixtures/events/carrier';
import { eventBridgeEvent } from '../../fixtures/events/eventbridge';
import { eventBridgeSqsEvent } from '../../fixtures/events/eventbridge-sqs';
import { kinesisEvent } from '../../fixtures/events/kinesis';
import { snsEvent } from '../../fixtures/events/sns';
import { snsSqsEvent } from '../../fixtures/events/sns-sqs';
import { sqsEvent } from '../../fixtures/events/sqs';

describe('extractEventContext (the extension emulator\'s order)', () => {
  it.each([
    ['SQS', sqsEvent],
    ['SNS', snsEvent],
    ['SNS→SQS', snsSqsEvent],
    ['EventBridge→SQS', eventBridgeSqsEvent],
    ['EventBridge', eventBridgeEvent()],
    ['Kinesis', kinesisEvent()],
    ['API Gateway headers', apiGatewayV1Event()],
    ['event.request.headers', { request: { headers: { traceparent: `00-${UPSTREAM.traceId}-${UPSTREAM.parentId}-01` } } }],
  ])('finds the upstream context of %s', (_name, event) => {
    expect(extractEventContext(event)).toMatchObject({ traceId: UPSTREAM.traceId, parentId: UPSTREAM.parentId });
  });

  it('returns undefined for anything else', () => {
    expect(extractEventContext(undefined)).toBeUndefined();
    expect(extractEventContext({ Records: [{ eventSource: 'aws:sqs', body: '{"Type":"Notification"' }] })).toBeUndefined();
  });
});
