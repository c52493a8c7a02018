import { instrumentClientFully, type AwsSdkClient } from '../../aws-sdk/instrument-client';
import { serviceIntegrationFor } from '../../aws-sdk/services';
import { log } from '../../log';
import type { ClientClass } from './client-registry';

/** Marks a patched prototype, for every copy of this library: one wrapper per class. */
const PATCHED = Symbol.for('datadog-lambda-ts.aws-sdk.send-patched');

type Send = (this: AwsSdkClient, ...args: unknown[]) => unknown;

const integrationOf = (client: AwsSdkClient) => serviceIntegrationFor(client.config);

/**
 * Wraps `Client.prototype.send` so each client gets our middleware before its first call,
 * whenever and wherever it was constructed (clients built at module load, before the
 * integration was enabled, included). The wrapper returns exactly what `send` returns.
 */
export function patchClientClass(clientClass: ClientClass): boolean {
  const prototype = clientClass.prototype as Record<string | symbol, unknown>;
  const original = prototype.send;
  if (typeof original !== 'function' || prototype[PATCHED]) return false;
  const send = original as Send;
  const traced: Send = function (this: AwsSdkClient, ...args: unknown[]) {
    try {
      if (this?.middlewareStack) instrumentClientFully(this, integrationOf);
    } catch (error) {
      log.debug('could not instrument an AWS SDK client; its calls are not traced', error);
    }
    return send.apply(this, args);
  };
  Object.defineProperty(prototype, 'send', { value: traced, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(prototype, PATCHED, { value: true });
  return true;
}
