import type { DatadogTraceContext } from '../tracing/trace-context';
import { extractEventContext } from './event-context';
import { firstRecord, isObject } from './event-fields';
import { extractStepFunctionsContext } from './step-functions';
import { parseXrayHeader } from './xray';
import { extractFromHeaders } from './headers';
import { mskEventContext } from './kafka-headers';

/**
 * The upstream context the extension extracts from an event at start-invocation, following
 * bottlecap (`span_inferrer.rs` `extract_span_context`): the trigger's carrier
 * (`_datadog`, HTTP headers, Kafka record headers), else a context it generates: an SQS
 * record's `AWSTraceHeader` (any X-Ray header, not only a Datadog-padded one) or the Step
 * Functions hash. Unlike local mode, an API Gateway authorizer's `_datadog` is not read: the
 * extension reads only the request's headers.
 *
 * Universal mode starts the handler on this answer instead of waiting for the extension's,
 * and checks it against the extension's reply at the end (`universal-lifecycle.ts`).
 * Never throws.
 */
export function extensionContextOf(event: unknown): DatadogTraceContext | undefined {
  try {
    if (!isObject(event)) return undefined;
    return (
      extractEventContext(event) ??
      // An ALB with multi-value headers sends no `headers`; the extension reads each header's first value.
      (event.headers === undefined ? extractFromHeaders(event.multiValueHeaders) : undefined) ??
      mskEventContext(event) ??
      sqsTraceHeaderContext(event) ??
      extractStepFunctionsContext(event)?.context
    );
  } catch {
    return undefined;
  }
}

/**
 * bottlecap's `extract_trace_context_from_aws_trace_header`: any X-Ray header (Datadog-padded
 * or not) gives the Root's last 16 hex digits as the 64-bit trace id, `Parent` as the parent,
 * and `Sampled=1` as priority 1, else 0.
 */
export function sqsTraceHeaderContext(event: unknown): DatadogTraceContext | undefined {
  const record = isObject(event) ? firstRecord(event) : undefined;
  if (record?.eventSource !== 'aws:sqs' || !isObject(record.attributes)) return undefined;
  const value = record.attributes.AWSTraceHeader;
  const header = typeof value === 'string' && value.startsWith('Root=') ? parseXrayHeader(value) : undefined;
  const low = header?.rootTail.slice(8);
  if (!header || !low || /^0+$/.test(low)) return undefined;
  return { traceId: `0000000000000000${low}`, parentId: header.parent, samplingPriority: header.sampled ? 1 : 0, propagationTags: {} };
}
