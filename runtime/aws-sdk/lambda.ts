import { SpanKind, type Attributes } from '@opentelemetry/api';
import type { AwsOperation, AwsServiceIntegration } from './instrument-client';

/**
 * Lambda: a synchronous `Invoke` carries the trace context in its client context, as
 * dd-trace injects it: the Datadog and W3C headers as keys of `custom` in the base64 JSON
 * `ClientContext` (datadog-lambda-js and this library read `clientContext.custom`). The
 * user's own `custom` keys are kept. Asynchronous invokes (`Event`, `DryRun`) go unchanged:
 * Lambda drops their client context.
 */

type Input = Readonly<Record<string, unknown>>;

/** "ClientContext … up to 3,583 bytes of base64-encoded data" (Lambda Invoke API). */
export const MAX_CLIENT_CONTEXT_BYTES = 3583;

function functionTags(operation: string, input: Input): Attributes {
  const name = typeof input.FunctionName === 'string' ? input.FunctionName : undefined;
  if (!name) return { 'resource.name': operation };
  return { 'resource.name': `${operation} ${name}`, functionname: name, 'aws.lambda': name };
}

/** The client context to send: the user's, with the carrier merged into `custom`; undefined when it cannot be. */
function withCarrier(clientContext: unknown, carrier: Readonly<Record<string, string>>): string | undefined {
  let context: Record<string, unknown> = {};
  if (typeof clientContext === 'string' && clientContext) {
    const parsed: unknown = JSON.parse(Buffer.from(clientContext, 'base64').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    context = parsed as Record<string, unknown>;
  } else if (clientContext !== undefined) {
    return undefined;
  }
  const custom = context.custom;
  if (custom !== undefined && (typeof custom !== 'object' || custom === null || Array.isArray(custom))) return undefined;
  const encoded = Buffer.from(JSON.stringify({ ...context, custom: { ...(custom), ...carrier } })).toString('base64');
  return encoded.length <= MAX_CLIENT_CONTEXT_BYTES ? encoded : undefined;
}

const invoke: AwsOperation = {
  name: 'invoke',
  kind: SpanKind.CLIENT,
  tags: (input) => functionTags('invoke', input),
  inject: (input, carrier) => {
    if (input.InvocationType !== undefined && input.InvocationType !== 'RequestResponse') return input;
    const clientContext = withCarrier(input.ClientContext, carrier);
    return clientContext === undefined ? input : { ...input, ClientContext: clientContext };
  },
};

/** @internal */
export const LAMBDA_INTEGRATION: AwsServiceIntegration = {
  serviceId: 'Lambda',
  suffix: 'lambda',
  operations: { InvokeCommand: invoke },
  operationTags: functionTags,
};
