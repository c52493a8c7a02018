import { trace } from '@opentelemetry/api';
import type { SQSRecord } from 'aws-lambda';
import { processBatch } from '../../../runtime/batch/process-batch';
import { injectHeaders } from '../../../runtime/propagation/headers';
import { hex, tracedInvocations } from '../aws-sdk/traced-invocation';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';

/** An upstream producer context: a 128-bit trace id and the send span's id. */
function upstream(i: number) {
  return { traceId: `6900000000000000${(0x1000 + i).toString(16).padStart(16, '0')}`, spanId: (0xabc000 + i).toString(16).padStart(16, '0') };
}

function sqsRecord(i: number, options: { arn?: string; carrier?: boolean } = {}): SQSRecord {
  const { traceId, spanId } = upstream(i);
  const carrier = JSON.stringify(injectHeaders({ traceId, spanId, samplingPriority: 1, propagationTags: { '_dd.p.dm': '-0' } }));
  return {
    messageId: `message-${i}`,
    receiptHandle: `handle-${i}`,
    body: `order ${i}`,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1', SenderId: 'x', ApproximateFirstReceiveTimestamp: '1' },
    messageAttributes: options.carrier === false ? {} : { _datadog: { dataType: 'String', stringValue: carrier, stringListValues: [], binaryListValues: [] } },
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.arn ?? QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

interface Link {
  trace_id: string;
  span_id: string;
  flags?: number;
}

describe('processBatch', () => {
  const invocations = tracedInvocations('consumer');
  const recordSpans = () => invocations.spans().filter((span) => span.name === 'aws.sqs.process').sort((a, b) => Number(a.metrics['message.index']) - Number(b.metrics['message.index']));
  const links = (meta: Record<string, string>): Link[] => (meta['_dd.span_links'] ? (JSON.parse(meta['_dd.span_links']) as Link[]) : []);

  it('runs each record in its own consumer span under the invocation, as the active span', async () => {
    const event = { Records: [sqsRecord(0), sqsRecord(1, { carrier: false })] };
    const seen: string[] = [];

    const result = await invocations.invoke(() =>
      processBatch(event, (record, { span }) => {
        seen.push(`${record.messageId}:${trace.getActiveSpan() === span}`);
      }),
      event,
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual(['message-0:true', 'message-1:true']);
    const lambda = invocations.span('aws.lambda');
    const spans = recordSpans();
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span).toMatchObject({ service: 'consumer', resource: 'process orders', trace_id: lambda.trace_id, parent_id: lambda.span_id, error: 0 });
      expect(span.meta).toMatchObject({ 'span.kind': 'consumer', 'messaging.system': 'aws_sqs', 'messaging.destination.name': 'orders' });
    }
    expect(spans.map((span) => span.meta['messaging.message.id'])).toEqual(['message-0', 'message-1']);
    // The invocation already continues record 0's producer; record 1 carries no context: nothing to link.
    expect(spans.map((span) => links(span.meta))).toEqual([[], []]);
  });

  it('links each of ten records from ten traces to its own upstream send span', async () => {
    const event = { Records: Array.from({ length: 10 }, (_, i) => sqsRecord(i)) };

    await invocations.invoke(() => processBatch(event, () => undefined), event);

    const lambda = invocations.span('aws.lambda');
    // The extension continued the first record's trace.
    expect(hex(lambda.parent_id)).toBe(upstream(0).spanId);
    const spans = recordSpans();
    expect(spans).toHaveLength(10);
    expect(spans.every((span) => span.parent_id === lambda.span_id)).toBe(true);
    expect(links(spans[0].meta)).toEqual([]);
    spans.slice(1).forEach((span, i) => {
      const { traceId, spanId } = upstream(i + 1);
      expect(links(span.meta)).toEqual([expect.objectContaining({ trace_id: traceId, span_id: spanId, flags: 1 })]);
    });
  });

  it('reports failed records as batchItemFailures and marks their spans as errors', async () => {
    const event = { Records: [0, 1, 2, 3].map((i) => sqsRecord(i)) };

    const result = await invocations.invoke(
      () =>
        processBatch(event, (record) => {
          if (record.body.endsWith('1')) throw new TypeError('bad order 1');
          return record.body.endsWith('3') ? Promise.reject(new Error('bad order 3')) : undefined;
        }),
      event,
    );

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'message-1' }, { itemIdentifier: 'message-3' }] });
    const spans = recordSpans();
    expect(spans.map((span) => span.error)).toEqual([0, 1, 0, 1]);
    expect(spans[1].meta).toMatchObject({ 'error.type': 'TypeError', 'error.message': 'bad order 1' });
    // A failed record is the record's story, not the invocation's.
    expect(invocations.span('aws.lambda').error).toBe(0);
  });

  it('stops a FIFO batch at the first failure and reports the rest unprocessed', async () => {
    const arn = `${QUEUE_ARN}.fifo`;
    const event = { Records: [0, 1, 2].map((i) => sqsRecord(i, { arn })) };
    const processed: string[] = [];

    const result = await invocations.invoke(
      () =>
        processBatch(
          event,
          (record) => {
            processed.push(record.messageId);
            if (record.messageId === 'message-1') throw new Error('out of stock');
          },
          { concurrency: 5 },
        ),
      event,
    );

    expect(processed).toEqual(['message-0', 'message-1']);
    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['message-1', 'message-2']);
  });

  it('processes up to `concurrency` records at once', async () => {
    const event = { Records: Array.from({ length: 6 }, (_, i) => sqsRecord(i)) };
    let inFlight = 0;
    let peak = 0;

    await invocations.invoke(
      () =>
        processBatch(
          event,
          async () => {
            peak = Math.max(peak, ++inFlight);
            await new Promise((resolve) => setTimeout(resolve, 5));
            inFlight--;
          },
          { concurrency: 3 },
        ),
      event,
    );

    expect(peak).toBe(3);
    expect(recordSpans()).toHaveLength(6);
  });

  it('reads SNS and Kinesis records: their upstream links and Kinesis sequence numbers', async () => {
    const carrier = (i: number) => injectHeaders({ ...upstream(i), samplingPriority: 1 });
    const sns = { EventSource: 'aws:sns', Sns: { MessageId: 'sns-1', TopicArn: 'arn:aws:sns:us-east-1:1:orders-topic', Message: 'hi', MessageAttributes: { _datadog: { Type: 'Binary', Value: Buffer.from(JSON.stringify(carrier(1))).toString('base64') } } } };
    const kinesis = {
      eventSource: 'aws:kinesis',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:1:stream/clicks',
      kinesis: { sequenceNumber: '4960', data: Buffer.from(JSON.stringify({ id: 2, _datadog: carrier(2) })).toString('base64') },
    };

    const result = await invocations.invoke(() =>
      processBatch({ Records: [sns, kinesis] }, (record) => {
        if ('kinesis' in record) throw new Error('poison');
      }),
    );

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '4960' }] });
    const snsSpan = invocations.span('aws.sns.process');
    const kinesisSpan = invocations.span('aws.kinesis.process');
    expect(snsSpan.resource).toBe('process orders-topic');
    expect(kinesisSpan.resource).toBe('process clicks');
    expect(links(snsSpan.meta)).toEqual([expect.objectContaining({ trace_id: upstream(1).traceId, span_id: upstream(1).spanId })]);
    expect(links(kinesisSpan.meta)).toEqual([expect.objectContaining({ trace_id: upstream(2).traceId, span_id: upstream(2).spanId })]);
  });

  it('returns no failures for an event without records', async () => {
    await expect(processBatch({}, () => undefined)).resolves.toEqual({ batchItemFailures: [] });
  });
});
