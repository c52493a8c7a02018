import { context as otelContext, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { processConfig, type DatadogConfig } from '../config';
import { AWS_SDK_CALL_KEY } from '../integrations/integration';
import { currentRootSpan } from '../invocation/root-span';
import { log } from '../log';
import { LIBRARY_VERSION } from '../version';
import { clientRegion, partitionOf } from './aws-resource';
import { carrierFor } from './trace-carrier';

/**
 * The shared AWS SDK v3 instrumentation: one middleware per client that, for each traced
 * operation, opens a client span named as dd-trace names AWS SDK spans, hands the span's
 * `_datadog` carrier to the operation's placement, and closes the span with the response or
 * the error. Two routes add it: the explicit `instrument*Client` functions (the operations
 * their service lists) and the zero-code `aws-sdk` integration (every operation of every
 * service). Both share one middleware per client, so combining them gives one span and one
 * carrier. The SDK is typed structurally: the runtime never depends on `@aws-sdk/*`.
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
  /** The resolved client config; `region` and `serviceId` are read. @default - no region tags unless a queue URL names one */
  readonly config?: unknown;
}

/** How one operation is traced and where its carrier goes. */
export interface AwsOperation {
  /** dd-trace's `aws.operation`, e.g. `sendMessage`. */
  readonly name: string;
  readonly kind: SpanKind;
  /** Tags read from the command input, including `resource.name`. */
  tags(input: Readonly<Record<string, unknown>>): Attributes;
  /** The input to send instead, carrying `carrier` (never the user's object, mutated). @default - no carrier */
  inject?(input: Readonly<Record<string, unknown>>, carrier: Readonly<Record<string, string>>): object;
  /** Tags read from the command output. @default - none */
  outputTags?(output: Readonly<Record<string, unknown>>): Attributes;
}

/** One AWS service: its SDK id, dd-trace's service suffix, and its specially traced commands. */
export interface AwsServiceIntegration {
  /** `aws.service` as dd-trace tags it (the client class name without `Client`): `SQS`, `DynamoDB`, `S3`. */
  readonly serviceId: string;
  /** dd-trace's plugin id, the service suffix: `<service>-aws-<suffix>`. */
  readonly suffix: string;
  /** The endpoint prefix of `peer.service`, for the services dd-trace names one. @default - no peer.service */
  readonly endpointPrefix?: string;
  /** Keyed by SDK command name, e.g. `SendMessageCommand`. */
  readonly operations: Readonly<Record<string, AwsOperation>>;
  /** Tags for any other operation of the service (dd-trace's `generateTags`), `resource.name` included. @default - resource = operation */
  operationTags?(operation: string, input: Readonly<Record<string, unknown>>): Attributes;
}

const MIDDLEWARE_NAME = 'datadogTracePropagation';
/** What a client is traced for; one per client, shared by every copy of this library. */
const TRACED = Symbol.for('datadog-lambda-ts.aws-sdk.instrumented');

interface ClientTracing {
  /** Every operation, by the zero-code integration. @default - only `manual` */
  auto?: AwsServiceIntegration;
  /** The operations the explicit `instrument*Client` calls listed. */
  readonly manual: Map<string, { integration: AwsServiceIntegration; operation: AwsOperation }>;
  /** Generic operations built so far, by command name. */
  readonly generic: Map<string, AwsOperation>;
}

type Marked = Record<symbol, ClientTracing | boolean | undefined>;

/** Adds the tracing middleware for `integration`'s operations to `client` once; returns the client. */
export function instrumentClient<C extends AwsSdkClient>(client: C, integration: AwsServiceIntegration): C {
  const tracing = tracingOf(client);
  if (tracing) for (const [command, operation] of Object.entries(integration.operations)) tracing.manual.set(command, { integration, operation });
  return client;
}

/**
 * Traces every operation of `client` as its service (the zero-code route). Called on every
 * `send`: the service is looked up on the first call only.
 */
export function instrumentClientFully(client: AwsSdkClient, integrationOf: (client: AwsSdkClient) => AwsServiceIntegration): void {
  const tracing = tracingOf(client);
  if (tracing) tracing.auto ??= integrationOf(client);
}

/** Whether `client` already carries this library's middleware (from any route or copy). */
export function isInstrumented(client: object): boolean {
  return (client as Marked)[TRACED] !== undefined;
}

/** The client's tracing state, adding the middleware on first use; undefined when another copy of this library owns it. */
function tracingOf(client: AwsSdkClient): ClientTracing | undefined {
  try {
    const existing = (client as unknown as Marked)[TRACED];
    if (existing !== undefined) return typeof existing === 'object' ? existing : undefined;
    const tracing: ClientTracing = { manual: new Map(), generic: new Map() };
    client.middlewareStack.add((next, context) => tracedHandler(next, context, client, tracing), {
      step: 'initialize',
      name: MIDDLEWARE_NAME,
      // First in the stack, so the span covers retries, signing and the response.
      priority: 'high',
      tags: ['DATADOG', 'TRACE_PROPAGATION'],
    });
    Object.defineProperty(client, TRACED, { value: tracing });
    return tracing;
  } catch (error) {
    log.debug('could not instrument the AWS SDK client', error);
    return undefined;
  }
}

/** `SendMessageCommand` → `sendMessage`, dd-trace's `aws.operation`. */
export function operationName(commandName: string): string {
  const name = commandName.endsWith('Command') ? commandName.slice(0, -7) : commandName;
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function resolveOperation(tracing: ClientTracing, commandName: string | undefined): { integration: AwsServiceIntegration; operation: AwsOperation } | undefined {
  if (!commandName) return undefined;
  const { auto } = tracing;
  if (!auto) return tracing.manual.get(commandName);
  const special = auto.operations[commandName];
  if (special) return { integration: auto, operation: special };
  let operation = tracing.generic.get(commandName);
  if (!operation) {
    const name = operationName(commandName);
    operation = { name, kind: SpanKind.CLIENT, tags: (input) => auto.operationTags?.(name, input) ?? { 'resource.name': name } };
    tracing.generic.set(commandName, operation);
  }
  return { integration: auto, operation };
}

function tracedHandler(
  next: (args: AwsHandlerArguments) => Promise<AwsHandlerOutput>,
  context: AwsHandlerContext,
  client: AwsSdkClient,
  tracing: ClientTracing,
): (args: AwsHandlerArguments) => Promise<AwsHandlerOutput> {
  let resolved: ReturnType<typeof resolveOperation>;
  try {
    resolved = resolveOperation(tracing, context.commandName);
  } catch (error) {
    log.debug('could not resolve the AWS SDK operation; sending it untraced', error);
  }
  if (!resolved) return next;
  const { integration, operation } = resolved;
  return async (args) => {
    let call: TracedCall | undefined;
    try {
      // The zero-code route traces calls inside an invocation only: no orphan traces from init.
      const traced = tracing.manual.has(context.commandName ?? '') || trace.getSpan(otelContext.active()) !== undefined;
      if (traced) call = await startCall(args, client, integration, operation);
    } catch (error) {
      log.debug(`could not trace ${integration.serviceId}.${operation.name}; sending it untraced`, error);
    }
    if (!call) return next(args);
    const { span, args: tracedArgs } = call;
    let result: AwsHandlerOutput;
    try {
      // AWS_SDK_CALL_KEY: the HTTP integrations skip the request below, one span per call.
      const callContext = trace.setSpan(otelContext.active(), span).setValue(AWS_SDK_CALL_KEY, true);
      result = await otelContext.with(callContext, () => next(tracedArgs));
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
  const input = (args.input ?? {}) as Readonly<Record<string, unknown>>;
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
      '_dd.integration': 'aws-sdk',
      // dd-trace: where the service name came from (the integration, by its plugin id).
      '_dd.svc_src': integration.suffix,
      'aws.service': integration.serviceId,
      aws_service: integration.serviceId,
      'aws.operation': operation.name,
      ...tags,
      ...(effectiveRegion && {
        'aws.region': effectiveRegion,
        region: effectiveRegion,
        'aws.partition': partitionOf(effectiveRegion),
        ...(integration.endpointPrefix && { 'peer.service': peerService(integration, effectiveRegion, input) }),
      }),
    },
  });
  let tracedInput: object = input;
  try {
    const carrier = operation.inject && carrierFor(span.spanContext());
    if (carrier) tracedInput = operation.inject!(input, carrier);
  } catch (error) {
    log.debug(`could not inject the trace context into ${integration.serviceId}.${operation.name}`, error);
  }
  return { span, args: tracedInput === input ? args : { ...args, input: tracedInput } };
}

/** dd-trace's serverless `peer.service`: the service host, an S3 bucket's own host. */
function peerService(integration: AwsServiceIntegration, region: string, input: Readonly<Record<string, unknown>>): string {
  const bucket = integration.endpointPrefix === 's3' && typeof input.Bucket === 'string' ? `${input.Bucket}.` : '';
  return `${bucket}${integration.endpointPrefix}.${region}.amazonaws.com`;
}

/** The running invocation's configuration, else the process's. */
export function activeConfig(): DatadogConfig {
  return currentRootSpan()?.config ?? processConfig();
}

/** The function's service. */
function baseService(): string {
  return activeConfig().service;
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
