import type { Attributes, HrTime, Link, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';

/**
 * The OpenTelemetry SDK's exporter contract, declared here because the SDK is bundled inside
 * this package rather than installed beside it (see scripts/build-runtime.ts): the public
 * declarations must not name `@opentelemetry/sdk-trace-base`. Each type has the shape of its
 * SDK namesake (sdk-trace-base / core 2.x), so an SDK provider and this exporter fit together.
 */

/** `ExportResultCode` of `@opentelemetry/core`: 0 success, 1 failure. */
export type ExportResultCode = 0 | 1;

export interface ExportResult {
  code: ExportResultCode;
  error?: Error;
}

/** A finished span as the SDK hands it to exporters. */
export interface ReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly spanContext: () => SpanContext;
  readonly parentSpanContext?: SpanContext;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: TimedEvent[];
  readonly duration: HrTime;
  readonly ended: boolean;
  readonly resource: { readonly attributes: Attributes };
  readonly instrumentationScope: { readonly name: string; readonly version?: string; readonly schemaUrl?: string };
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
}

export interface TimedEvent {
  time: HrTime;
  name: string;
  attributes?: Attributes;
  droppedAttributesCount?: number;
}

export interface SpanExporter {
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}
