import type { Context, SQSEvent as AwsSqsEvent } from 'aws-lambda';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan as SdkReadableSpan, type SpanExporter as SdkSpanExporter } from '@opentelemetry/sdk-trace-base';
import { DatadogSpanExporter, createTracerProvider, type LambdaContext, type ReadableSpan, type SQSEvent } from '../../runtime';
import { createLambdaContext, LocalSqsQueue } from '../../runtime/testing';

/**
 * The runtime declares its own Lambda and exporter types so that its declarations need neither
 * `@types/aws-lambda` nor the OpenTelemetry SDK. These assignments are the contract that values
 * still pass between them and their namesakes both ways: `npm test`'s typecheck fails if one
 * drifts.
 */
describe('the runtime’s own Lambda and SDK types', () => {
  it('pass to and from @types/aws-lambda', () => {
    const ours: LambdaContext = createLambdaContext({ functionName: 'orders' });
    const theirs: Context = ours;
    const back: LambdaContext = theirs;
    const theirEvent: AwsSqsEvent = new LocalSqsQueue().receiveEvent();
    const ourEvent: SQSEvent = theirEvent;
    expect(back.functionName).toBe('orders');
    expect(ourEvent.Records).toEqual([]);
  });

  it('fit the OpenTelemetry SDK: its spans reach our exporter, our exporter plugs into its processors', async () => {
    const exported: ReadableSpan[] = [];
    const exporter = new DatadogSpanExporter({ service: 'orders', mode: 'none' });
    const sdkExporter: SdkSpanExporter = {
      export: (spans: SdkReadableSpan[], done) => {
        exported.push(...spans);
        exporter.export(spans, done);
      },
      shutdown: () => exporter.shutdown(),
    };
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(sdkExporter), new SimpleSpanProcessor(exporter)] });
    provider.getTracer('t').startSpan('work').end();
    await provider.forceFlush();
    expect(exported.map((span) => span.name)).toEqual(['work']);
    const created = createTracerProvider({ registerGlobal: false, exporter });
    await created.shutdown();
  });
});
