import type { Context as LambdaContext } from 'aws-lambda';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { takeColdStart } from '../../../runtime/invocation/cold-start';
import { resolveConfig, type DatadogConfig } from '../../../runtime/config';
import type { DatadogSpan } from '../../../runtime/export/datadog-span';
import { toDatadogSpan } from '../../../runtime/export/span-mapping';
import type { InvocationOutcome, LifecycleStart } from '../../../runtime/invocation/lifecycle';
import { localLifecycle } from '../../../runtime/local/local-lifecycle';
import { nowMs } from '../../../runtime/local/time';
import { setTracerProvider } from '../../../runtime/tracing/tracer-provider';
import { lambdaContext } from '../../helpers/lambda-context';

/**
 * Runs the local lifecycle in-process against an in-memory exporter and maps the finished
 * spans with the real exporter mapping, so tests assert what the v0.4 payload would hold.
 */
export class LocalHarness {
  readonly memory = new InMemorySpanExporter();
  readonly config: DatadogConfig = resolveConfig({ service: 'orders-api', universalInstrumentation: false, traceExporter: 'none' }, {});

  readonly provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.memory)] });

  install(): void {
    setTracerProvider(this.provider);
  }

  async invoke(
    event: unknown,
    options: { context?: Partial<LambdaContext>; outcome?: InvocationOutcome; userSpan?: boolean } = {},
  ): Promise<{ started: LifecycleStart; spans: DatadogSpan[] }> {
    this.memory.reset();
    const context = options.context ?? lambdaContext({ functionName: 'Orders-Handler', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:Orders-Handler:live' });
    const requestId = context.awsRequestId ?? '';
    // As createRootSpan does: the start time, and the cold-start decision taken once.
    const startMs = nowMs();
    const coldStart = takeColdStart(startMs);
    const started = await localLifecycle.start({ event, lambdaContext: context, config: this.config, requestId, startMs, coldStart });
    if (options.userSpan) this.provider.getTracer('user').startSpan('load-order', {}, started.context).end();
    localLifecycle.complete!({ ...started, requestId, config: this.config, coldStart: coldStart.coldStart }, options.outcome ?? { result: { statusCode: 200 } });
    const spans = this.memory.getFinishedSpans().map((span) => toDatadogSpan(span, { service: this.config.service, runtimeId: 'test-runtime' }));
    return { started, spans };
  }
}

/** The one span with this name; fails the test when there is not exactly one. */
export function only(spans: readonly DatadogSpan[], name: string): DatadogSpan {
  const found = spans.filter((span) => span.name === name);
  if (found.length !== 1) throw new Error(`expected one ${name} span, found ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
  return found[0];
}

/** ms since the epoch → the exporter's nanosecond BigInt. */
export function ns(ms: number): bigint {
  return BigInt(Math.round(ms * 1000)) * 1000n;
}

export function hex(id: bigint): string {
  return id.toString(16).padStart(16, '0');
}
