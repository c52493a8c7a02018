import * as path from 'node:path';
import { Stack, Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import type { DatadogSettings } from './datadog-settings';
import { ConfigurationError, pathOf, show } from './errors';
import { applyDatadog, checkSettings } from './instrument';
import { bundledSmithyClientFiles } from './aws-sdk-bundling';
import { bundlingOptions, bundlingProjectRoot, generatedEntryDirectory, localEsbuildAvailable, runtimeEntryPath, writeWrapperEntry } from './runtime-bundling';

/** Properties of a `DatadogTracedFunction`: every `NodejsFunctionProps`, plus Datadog's. */
export interface DatadogTracedFunctionProps extends NodejsFunctionProps {
  /** Datadog settings: service, API key source, tags, site, extension layer, … */
  readonly datadog: DatadogSettings;

  /**
   * Whether to bundle a generated entry that wraps your exported handler with `wrapHandler`
   * from `datadog-lambda-ts/runtime`. Turn off if your code already calls `wrapHandler`
   * (wrapping twice is harmless either way: an already-wrapped handler is returned unchanged).
   * @default true
   */
  readonly wrapHandler?: boolean;

  /**
   * Path to the file that exports your handler (TypeScript or JavaScript). Required: unlike
   * `NodejsFunction`, this construct cannot derive it from the calling file.
   */
  readonly entry: string;

  /**
   * The name of the exported handler function.
   * @default 'handler'
   */
  readonly handler?: string;

  /**
   * The Lambda runtime: a Node.js runtime, 20 or newer.
   * @default Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * The instruction set: Graviton is cheaper per millisecond and Datadog publishes an ARM
   * extension layer.
   * @default Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * esbuild options; each one given replaces the construct's default.
   * @default - CJS output, minified, source maps, `mainFields: ['module', 'main']`,
   * `@aws-sdk/*` external (see `BUNDLING_DEFAULTS` for the measurements behind them)
   */
  readonly bundling?: NodejsFunctionProps['bundling'];
}

/** Lowest Node.js major this package's runtime supports (package.json `engines`). */
const MIN_NODE_MAJOR = 20;
const HANDLER_NAME = /^(?:[A-Za-z_$][\w$]*)$/;

/**
 * A Node.js Lambda function traced in Datadog: a `NodejsFunction` (arm64, Node.js 24 by
 * default) with the Datadog Lambda Extension layer, the Datadog environment, read access to the
 * API key, and `wrapHandler` bundled around your exported handler. No handler redirect, no
 * tracer layer, no change to your code.
 *
 * @example
 * new DatadogTracedFunction(this, 'Orders', {
 *   entry: 'src/orders.ts',
 *   datadog: { service: 'orders', env: 'prod', apiKey: DatadogApiKey.fromSecret(secret) },
 * });
 */
export class DatadogTracedFunction extends NodejsFunction {
  /**
   * The file esbuild bundles: the generated wrapper entry, or your `entry` when `wrapHandler`
   * is false; undefined when `code` is given.
   */
  readonly bundledEntry?: string;

  constructor(scope: Construct, id: string, props: DatadogTracedFunctionProps) {
    const where = pathOf(scope, id);
    const runtime = checkRuntime(where, props.runtime ?? lambda.Runtime.NODEJS_24_X);
    const settings = checkSettings(where, props.datadog);
    const { entry, handler } = entryAndHandler(scope, where, props);
    super(scope, id, {
      ...props,
      runtime,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      bundling: bundlingOptions(props.bundling),
      entry,
      handler,
    });
    this.bundledEntry = entry;
    applyDatadog(this, settings, props.environment ?? {});
  }
}

function checkRuntime(where: string, runtime: lambda.Runtime): lambda.Runtime {
  if (runtime.family !== lambda.RuntimeFamily.NODEJS) {
    throw new ConfigurationError(where, `\`runtime\` ${show(runtime.name)} is not a Node.js runtime. Use Runtime.NODEJS_24_X (the default) or Runtime.NODEJS_22_X.`);
  }
  const major = Number(/^nodejs(\d+)/.exec(runtime.name)?.[1]);
  if (major < MIN_NODE_MAJOR) {
    throw new ConfigurationError(where, `\`runtime\` ${show(runtime.name)} is older than Node.js ${MIN_NODE_MAJOR}, the oldest datadog-lambda-ts supports. Use Runtime.NODEJS_24_X (the default) or Runtime.NODEJS_22_X.`);
  }
  return runtime;
}

/** The entry esbuild bundles and the handler name: the generated wrapper's, or the user's own. */
function entryAndHandler(scope: Construct, where: string, props: DatadogTracedFunctionProps): { entry?: string; handler: string } {
  const handler = props.handler ?? 'handler';
  const wrap = props.wrapHandler ?? true;
  if (typeof wrap !== 'boolean') throw new ConfigurationError(where, `\`wrapHandler\` must be true or false, got ${show(wrap)}.`);
  if (props.code !== undefined) {
    if (wrap) throw new ConfigurationError(where, '`code` is set, so nothing is bundled and the handler cannot be wrapped. Remove `code` and set `entry`, or set `wrapHandler: false` and call wrapHandler in your code.');
    return { handler };
  }
  if (typeof props.entry !== 'string' || props.entry === '') {
    throw new ConfigurationError(where, `\`entry\` is required, got ${show(props.entry)}: the path of the file that exports your handler, e.g. 'src/orders.ts'.`);
  }
  if (!wrap) return { entry: props.entry, handler };
  if (handler !== 'default' && !HANDLER_NAME.test(handler)) {
    throw new ConfigurationError(where, `\`handler\` must be the name of the exported function (e.g. 'handler'), got ${show(handler)}. The bundle is always index.js, so give the export name only.`);
  }
  const stack = Stack.of(scope);
  if (stack.bundlingRequired && !props.bundling?.forceDockerBundling && !localEsbuildAvailable()) {
    throw new ConfigurationError(where, 'esbuild is not installed, so NodejsFunction would fall back to Docker. Add it to your project: npm install --save-dev esbuild.');
  }
  const userEntry = path.resolve(props.entry);
  const projectRoot = bundlingProjectRoot(props.projectRoot, props.depsLockFilePath) ?? path.dirname(userEntry);
  const outdir = Stage.of(scope)?.outdir ?? projectRoot;
  // Only when this stack is synthesized: the check may run a trial bundle (SDK bundled only).
  const awsSdkClientFiles = stack.bundlingRequired ? bundledSmithyClientFiles(userEntry, props.bundling, projectRoot) : [];
  const entry = writeWrapperEntry({ userEntry, handler, runtimeEntry: runtimeEntryPath(), directory: generatedEntryDirectory(outdir, projectRoot), awsSdkClientFiles });
  return { entry, handler };
}
