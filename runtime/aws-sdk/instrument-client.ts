import { context as otelContext, SpanStatusCode, trace, type Attributes, type Span, type SpanKind } from '@opentelemetry/api';
import { processConfig } from '../config';
import { currentRootSpan } from '../invocation/root-span';
import { log } from '../log';
import { LIBRARY_VERSION } from '../version';
import { clientRegion, partitionOf } from './aws-resource';
import { carrierFor } from './trace-carrier';

/**
 * The shared producer instrumentation: one middleware on an AWS SDK v3 client that, for the
 * operations a service lists, opens a client span named as dd-trace names AWS SDK spans,
 * hands the span's `_datadog` carrier to the service's placement, and closes the span with
 * the response or the error. The SDK is typed structurally: any v3 client works, including
 * the copy the Lambda Node runtime ships, and the runtime never depends on `@aws-sdk/*`.
 */

/** The arguments of an `initialize`-step handler: the command input, before serialization. */
export interface AwsHandlerArguments {
  readonly input: object;
}

/** What an `initialize`-step handler resolves to. */
export interface AwsHandlerOutput {
  readonly output: object;
  /** The raw HTTP response. @default - none */
  readonly response?: unknown;
}

/** What the SDK passes every middleware: the client and command names among others. */
export interface AwsHandlerContext {
  /** e.g. `SQSClient`. @default - unknown */
  readonly clientName?: string;
  /** e.g. `SendMessageCommand`; an operation without one is not traced. @default - unknown */
  readonly commandName?: string;
}

/** An AWS SDK v3 `initialize` middleware. */
export type AwsMiddleware = (
  next: (args: AwsHandlerArguments) => Promise<AwsHandlerOutput>,
  context: AwsHandlerContext,
) => (args: AwsHandlerArguments) => Promise<AwsHandlerOutput>;

/** The part of an AWS SDK v3 client this library touches. */
export interface AwsSdkClient {
  readonly middlewareStack: {
    add(middleware: AwsMiddleware, options: { step: 'initialize'; name: string; priority?: 'high' | 'normal' | 'low'; tags?: string[] }): void;
  };
  /** The resolved client config; only `region` is read. @default - no region tags unless a queue URL names one */
  readonly config?: unknown;
}

/** How one operation is traced and where its carrier goes. */
export interface AwsOperation {
  /** dd-trace's `aws.operation`, e.g. `sendMessage`. */
  readonly name: string;
  readonly kind: SpanKind;
  /** Tags read from the command input, including `resource.name`. */
  tags(input: Readonly<Record<string, unknown>>): Attributes;
  /** The input to send instead, carrying `carrier` (never the user's object, mutated). */
  inject(input: Readonly<Record<string, unknown>>, carrier: Readonly<Record<string, string>>): object;
  /** Tags read from the command output. @default - none */
  outputTags?(output: Readonly<Record<string, unknown>>): Attributes;
}

/** One AWS service: its SDK id, dd-trace's service suffix, and its traced commands. */
export interface AwsServiceIntegration {
  /** The SDK service id: `SQS`, `SNS`, `EventBridge`. */
  readonly serviceId: string;
  /** dd-trace's service suffix (`<service>-aws-<suffix>`) and endpoint prefix (`peer.service`). */
  readonly suffix: string;
  readonly endpointPrefix: string;
  /** Keyed by SDK command name, e.g. `SendMessageCommand`. */
  readonly operations: Readonly<Record<string, AwsOperation>>;
}

const MIDDLEWARE_NAME = 'datadogTracePropagation';
/** Marks an instrumented client, so instrumenting twice is harmless. */
const INSTRUMENTED = Symbol.for('datadog-lambda-ts.aws-sdk.instrumented');

/** Adds the tracing middleware for `integration` to `client` once; returns the client. */
export function instrumentClient<C extends AwsSdkClient>(client: C, integration: AwsServiceIntegration): C {
  try {
    const marks = client as unknown as Record<symbol, boolean | undefined>;
    if (marks[INSTRUMENTED]) return client;
    client.middlewareStack.add((next, context) => tracedHandler(next, context, client, integration), {
      step: 'initialize',
      name: MIDDLEWARE_NAME,
      // First in the stack, so the span covers retries, signing and the response.
      priority: 'high',
      tags: ['DATADOG', 'TRACE_PROPAGATION'],
    });
    Object.defineProperty(client, INSTRUMENTED, { value: true });
  } catch (error) {
    log.debug(`could not instrument the ${integration.serviceId} client`, error);
  }
  return client;
}

function tracedHandler(
  next: (args: AwsHandlerArguments) => Promise<AwsHandlerOutput>,
  context: AwsHandlerContext,
  client: AwsSdkClient,
  integration: AwsServiceIntegration,
): (args: AwsHandlerArguments) => Promise<AwsHandlerOutput> {
  const operation = context.commandName ? integration.operations[context.commandName] : undefined;
  if (!operation) return next;
  return async (args) => {
    let call: TracedCall | undefined;
    try {
      call = await startCall(args, client, integration, operation);
    } catch (error) {
      log.debug(`could not trace ${integration.serviceId}.${operation.name}; sending it untraced`, error);
    }
    if (!call) return next(args);
    const { span, args: tracedArgs } = call;
    let result: AwsHandlerOutput;
    try {
      result = await otelContext.with(trace.setSpan(otelContext.active(), span), () => next(tracedArgs));
    } catch (error) {
      finish(span, () => failSpan(span, error));
      throw error;
    }
    finish(span, () => succeedSpan(span, operation, result));
    return result;
  };
}

interface TracedCall {
  readonly span: Span;
  readonly args: AwsHandlerArguments;
}

async function startCall(
  args: AwsHandlerArguments,
  client: AwsSdkClient,
  integration: AwsServiceIntegration,
  operation: AwsOperation,
): Promise<TracedCall> {
  const input = args.input as Readonly<Record<string, unknown>>;
  const region = await clientRegion(client.config);
  const tags = operation.tags(input);
  // Without a region in the client config, the one a queue URL names.
  const effectiveRegion = region ?? (typeof tags['aws.region'] === 'string' ? tags['aws.region'] : undefined);
  const span = trace.getTracer('datadog-lambda-ts', LIBRARY_VERSION).startSpan(`${integration.serviceId}.${operation.name}`, {
    kind: operation.kind,
    attributes: {
      // dd-trace's v0 naming (wire-formats §2.4, §4.4): what Datadog shows for every Node AWS SDK call.
      'operation.name': 'aws.request',
      'service.name': `${baseService()}-aws-${integration.suffix}`,
      'rpc.system': 'aws-api',
      'rpc.service': integration.serviceId,
      'rpc.method': operation.name.charAt(0).toUpperCase() + operation.name.slice(1),
      component: 'aws-sdk',
      'aws.service': integration.serviceId,
      aws_service: integration.serviceId,
      'aws.operation': operation.name,
      ...tags,
      ...(effectiveRegion && {
        'aws.region': effectiveRegion,
        region: effectiveRegion,
        'aws.partition': partitionOf(effectiveRegion),
        'peer.service': `${integration.endpointPrefix}.${effectiveRegion}.amazonaws.com`,
      }),
    },
  });
  let tracedInput: object = input;
  try {
    const carrier = carrierFor(span.spanContext());
    if (carrier) tracedInput = operation.inject(input, carrier);
  } catch (error) {
    log.debug(`could not inject the trace context into ${integration.serviceId}.${operation.name}`, error);
  }
  return { span, args: tracedInput === input ? args : { ...args, input: tracedInput } };
}

/** The function's service: the running invocation's, else the process configuration's. */
function baseService(): string {
  return currentRootSpan()?.config.service ?? processConfig().service;
}

interface ResponseMetadata {
  readonly requestId?: string;
  readonly httpStatusCode?: number;
}

function metadataTags(metadata: ResponseMetadata | undefined): Attributes {
  const tags: Attributes = {};
  if (metadata?.requestId) {
    tags['aws.request_id'] = metadata.requestId;
    tags['aws.response.request_id'] = metadata.requestId;
  }
  if (typeof metadata?.httpStatusCode === 'number') tags['http.response.status_code'] = metadata.httpStatusCode;
  return tags;
}

function succeedSpan(span: Span, operation: AwsOperation, result: AwsHandlerOutput): void {
  const output = (result?.output ?? {}) as Readonly<Record<string, unknown>> & { $metadata?: ResponseMetadata };
  span.setAttributes({ ...metadataTags(output.$metadata), ...operation.outputTags?.(output) });
}

function failSpan(span: Span, error: unknown): void {
  const metadata = (error as { $metadata?: ResponseMetadata } | undefined)?.$metadata;
  span.setAttributes(metadataTags(metadata));
  const exception = error instanceof Error ? error : String(error);
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** Ends the span whatever tagging does: a tagging bug must not leak a span or fail the call. */
function finish(span: Span, tag: () => void): void {
  try {
    tag();
  } catch (error) {
    log.debug('could not tag the AWS SDK span', error);
  }
  span.end();
}
