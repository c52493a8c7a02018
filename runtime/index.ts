/**
 * `datadog-lambda-ts/runtime`: the code that runs inside Lambda. Never imports the CDK.
 */
export { wrapHandler, type TracedHandler, type WrapHandlerOptions } from './invocation/wrap-handler';
export { createRootSpan, endRootSpan, currentRootSpan, type RootSpan, type InvocationOutcome } from './invocation/root-span';
export {
  createTracerProvider,
  setTracerProvider,
  getTracerProvider,
  type CreateTracerProviderOptions,
  type FlushableTracerProvider,
  type DatadogTracerProvider,
} from './tracing/tracer-provider';
export { DatadogSpanExporter, type DatadogSpanExporterOptions } from './export/span-exporter';
export { resolveConfig, ENV, DEFAULTS, type DatadogConfig, type DatadogConfigOptions, type TraceExporterKind, type MetricsExporterKind } from './config';
export { extractEventContext } from './propagation/event-context';
export { extractFromHeaders, injectHeaders, type InjectContext } from './propagation/headers';
export type { DatadogTraceContext } from './tracing/trace-context';
export type { ExportResult, ExportResultCode, ReadableSpan, SpanExporter, TimedEvent } from './export/sdk-types';
export type { LambdaContext, LambdaClientContext, LambdaCognitoIdentity, SQSEvent, SQSRecord, SQSRecordAttributes, SQSMessageAttribute, SQSMessageAttributes } from './lambda-types';
export { sendDistributionMetric, incrementMetric, gauge, type MetricTags } from './metrics/custom-metrics';
export { parseArn, type ParsedFunctionArn } from './local/arn';
export type { ColdStartInfo } from './invocation/cold-start';
export { createColdStartSpan, type ColdStartSpanInput } from './local/cold-start-span';
export { createFunctionSpan, completeFunctionSpan, type FunctionSpanInput, type FunctionSpanResult } from './local/function-span';
export { identifyTrigger, triggerEnvOf } from './local/identify-trigger';
export {
  extractSyntheticContext,
  setTraceExtractor,
  type SyntheticContext,
  type ContextSource,
  type TraceExtractor,
} from './local/synthetic-context';
export { createSyntheticSpans, endSyntheticSpans, type SyntheticSpans, type SyntheticSpanInput, type SyntheticSpanOutcome } from './local/synthetic-spans';
export type { Trigger, TriggerEnv, InferredSpanSpec, EventSource, Synchronicity } from './local/trigger';
export { LIBRARY_VERSION } from './version';
export { instrumentSqsClient } from './aws-sdk/sqs';
export { instrumentSnsClient } from './aws-sdk/sns';
export { instrumentEventBridgeClient } from './aws-sdk/eventbridge';
export type { AwsSdkClient, AwsMiddleware, AwsHandlerArguments, AwsHandlerOutput, AwsHandlerContext } from './aws-sdk/instrument-client';
export {
  processBatch,
  type BatchItemFailure,
  type BatchResponse,
  type ProcessBatchOptions,
  type RecordContext,
  type RecordHandler,
} from './batch/process-batch';
export { currentLogContext, type DatadogLogContext, type DatadogLogIds } from './integrations/log-context';
export type { PropagationStyle } from './propagation/headers';
