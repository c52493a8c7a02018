import { context, SpanKind, trace, type SpanStatusCode, type Attributes, type Link, type SpanContext } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { datadogTraceState } from '../../runtime/export/trace-state';

export interface SpanSpec {
  name: string;
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  status?: { code: SpanStatusCode; message?: string };
  exception?: Error;
  events?: Array<{ name: string; attributes?: Attributes }>;
  /** Parent span context; defaults to a remote parent S with a 128-bit trace id and priority 1. */
  parent?: SpanContext;
  scope?: string;
}

export const REMOTE_PARENT: SpanContext = {
  traceId: '6b06cc95000000006d9742f00e30fd7e',
  spanId: '1111111111111111',
  traceFlags: 1,
  isRemote: true,
  traceState: datadogTraceState(2, { '_dd.p.dm': '-4' }),
};

/** Real SDK spans (ReadableSpan) built through a BasicTracerProvider, as our exporter receives them. */
export function makeSpans(specs: SpanSpec[], resource: Attributes = {}): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes(resource), spanProcessors: [new SimpleSpanProcessor(memory)] });
  for (const spec of specs) {
    const tracer = provider.getTracer(spec.scope ?? 'test-scope', '1.2.3');
    const parent = trace.setSpanContext(context.active(), spec.parent ?? REMOTE_PARENT);
    const span = tracer.startSpan(spec.name, { kind: spec.kind ?? SpanKind.INTERNAL, attributes: spec.attributes, links: spec.links }, parent);
    for (const event of spec.events ?? []) span.addEvent(event.name, event.attributes);
    if (spec.exception) span.recordException(spec.exception);
    if (spec.status) span.setStatus(spec.status);
    span.end();
  }
  return memory.getFinishedSpans();
}
