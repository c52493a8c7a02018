/**
 * `datadog-lambda-ts/testing`: a local Datadog extension for your own tests and local runs.
 */
export {
  ExtensionEmulator,
  EXTENSION_PORTS,
  type EmulatorPorts,
  type ExtensionEmulatorOptions,
  type DecodedSpan,
  type EndRecord,
  type FailureMode,
  type RecordedRequest,
  type Route,
  type StartRecord,
  type TraceRequest,
} from './extension-emulator';
export { renderTraceTree, summarizeTrace, type TraceSummary, type TraceTreeOptions } from './trace-tree';
export { LocalSqsQueue, type LocalSqsMessage, type LocalSqsQueueOptions, type WireAttribute } from './local-sqs-queue';
export { createLambdaContext } from './lambda-context';
export { flushTraces } from './flush-traces';
