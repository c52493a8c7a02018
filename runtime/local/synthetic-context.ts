import type { LambdaContext } from '../lambda-types';
import { getGlobalSlot, setGlobalSlot } from '../global-state';
import { log } from '../log';
import { isObject } from '../propagation/event-fields';
import { extractFromHeaders } from '../propagation/headers';
import { datadogContextFromXrayHeader, mergedXrayContext } from '../propagation/xray';
import type { DatadogTraceContext } from '../tracing/trace-context';
import { identifyTrigger, triggerEnvOf } from './identify-trigger';
import type { Trigger } from './trigger';

/**
 * Returns the trace headers (Datadog `x-datadog-*` or W3C `traceparent`/`tracestate`) your
 * producer put somewhere Datadog does not look, or undefined to fall back to the built-in
 * extraction.
 */
export type TraceExtractor = (event: unknown, lambdaContext: Partial<LambdaContext> | undefined) => Readonly<Record<string, unknown>> | undefined;

/** Where the upstream context came from (Datadog's `_dd.parent_source`). */
export type ContextSource = 'custom' | 'event' | 'client-context' | 'xray';

export interface SyntheticContext {
  readonly context: DatadogTraceContext;
  readonly source: ContextSource;
}

export const MERGE_XRAY_TRACES_ENV = 'DD_MERGE_XRAY_TRACES';
const EXTRACTOR_SLOT = 'trace-extractor';

/**
 * Registers a custom trace extractor for local span mode, tried before every built-in source.
 * Pass undefined to remove it.
 *
 * @example
 * setTraceExtractor((event) => (event as { meta?: Record<string, string> }).meta);
 */
export function setTraceExtractor(extractor: TraceExtractor | undefined): void {
  setGlobalSlot(EXTRACTOR_SLOT, extractor);
}

/**
 * The upstream trace context of an invocation, in datadog-lambda-js's order: the custom
 * extractor; the event's own carrier (API Gateway authorizer, HTTP headers in Datadog then
 * W3C style, SNS/SQS/EventBridge/Kinesis `_datadog` with the SNS→SQS and EventBridge→SQS
 * envelopes, SQS `AWSTraceHeader` from a Datadog Java producer, Step Functions' context
 * object); the Lambda client context (`custom._datadog`, or `custom` itself); then
 * `_X_AMZN_TRACE_ID`: a Datadog-padded header always, a plain X-Ray one only with
 * `DD_MERGE_XRAY_TRACES=true`. Never throws.
 *
 * @param trigger the event's trigger when already identified @default - identified here
 */
export function extractSyntheticContext(
  event: unknown,
  lambdaContext?: Partial<LambdaContext>,
  trigger: Trigger | undefined = identifyTrigger(event, triggerEnvOf(lambdaContext)),
): SyntheticContext | undefined {
  try {
    const custom = fromCustomExtractor(event, lambdaContext);
    if (custom) return { context: custom, source: 'custom' };
    if (trigger?.context) return { context: trigger.context, source: 'event' };
    const client = fromClientContext(lambdaContext);
    if (client) return { context: client, source: 'client-context' };
    return fromXrayEnv();
  } catch (error) {
    log.debug('trace context extraction failed', error);
    return undefined;
  }
}

function fromCustomExtractor(event: unknown, lambdaContext: Partial<LambdaContext> | undefined): DatadogTraceContext | undefined {
  const extractor = getGlobalSlot<TraceExtractor>(EXTRACTOR_SLOT);
  if (!extractor) return undefined;
  try {
    return extractFromHeaders(extractor(event, lambdaContext));
  } catch (error) {
    log.debug('the custom trace extractor threw; ignoring it', error);
    return undefined;
  }
}

/** dd-trace's `lambda.invoke` instrumentation writes the headers straight into `custom`; others nest them in `_datadog`. */
function fromClientContext(lambdaContext: Partial<LambdaContext> | undefined): DatadogTraceContext | undefined {
  const clientContext = lambdaContext?.clientContext as { custom?: unknown; Custom?: unknown } | undefined;
  const custom = clientContext?.custom ?? clientContext?.Custom;
  if (!isObject(custom)) return undefined;
  return extractFromHeaders(custom._datadog) ?? extractFromHeaders(custom);
}

function fromXrayEnv(): SyntheticContext | undefined {
  const header = process.env._X_AMZN_TRACE_ID;
  if (!header) return undefined;
  const padded = datadogContextFromXrayHeader(header);
  if (padded) return { context: padded, source: 'event' };
  if (!/^(true|1)$/i.test(process.env[MERGE_XRAY_TRACES_ENV] ?? '')) return undefined;
  const merged = mergedXrayContext(header);
  return merged ? { context: merged, source: 'xray' } : undefined;
}
