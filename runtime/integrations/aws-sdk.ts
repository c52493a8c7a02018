import type { Integration } from './integration';
import { watchClientRegistry } from './aws-sdk/client-registry';
import { hookModuleLoads } from './aws-sdk/module-hook';
import { patchClientClass } from './aws-sdk/patch-send';

/**
 * AWS SDK v3, every service, no code: one `aws.request` span per call, tagged as dd-trace's
 * aws-sdk plugin tags it, with the trace context injected into SQS, SNS, EventBridge and
 * Kinesis messages and Lambda `Invoke`. Works on the SDK loaded from `node_modules` at run
 * time (the Lambda runtime's copy: hooked through Node's module loader) and on an SDK bundled
 * into the function (its smithy `Client` registered by our esbuild plugin,
 * `datadog-lambda-ts/esbuild`, which the construct uses).
 */
export const awsSdkIntegration: Integration = {
  name: 'aws-sdk',
  enable() {
    watchClientRegistry(patchClientClass);
    hookModuleLoads(patchClientClass);
  },
};
