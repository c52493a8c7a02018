import * as path from 'node:path';
import { Annotations, Stack, Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { WARNING_PREFIX } from './constants';
import type { DatadogSettings } from './datadog-settings';
import { handlerExport, missingEntryProblem } from './entry-check';
import { ConfigurationError, pathOf, show } from './errors';
import { applyDatadog, checkSettings } from './instrument';
import { bundledSmithyClientFiles } from './aws-sdk-bundling';
import { esmReason } from './module-format';
import { bundlingOptions, bundlingProjectRoot, generatedEntryDirectory, localEsbuildAvailable, otelApiAlias, runtimeAlias, writeWrapperEntry, type BundlingContext } from './runtime-bundling';

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
   * Path to the file that exports your handler (TypeScript or JavaScript, CommonJS or ES
   * module), absolute or relative to where cdk runs. Required: unlike `NodejsFunction`, this
   * construct cannot derive it from the calling file. A path that is not a file fails synth.
   */
  readonly entry: string;

  /**
   * The name of the exported handler function (`'default'` for `export default`). Synth fails
   * when the entry statically lacks it, and warns when that cannot be known (CommonJS
   * `module.exports`, `export * from` a package).
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
   * @default - CJS output (ESM with a `require` banner, as `index.mjs`, when the entry is an ES
   * module: `.mts`/`.mjs`, or `"type": "module"` in its package.json), minified, source maps
   * without `sourcesContent`, `mainFields: ['module', 'main']`, `@aws-sdk/*` external, and
   * `datadog-lambda-ts/runtime` aliased to the runtime the wrapper uses, `@opentelemetry/api`
   * (1.9 and older) to its ES2017 build (see `BUNDLING_DEFAULTS` and `otelApiAlias` for the
   * measurements behind them)
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
    const plan = bundlingPlan(scope, where, props);
    super(scope, id, {
      ...props,
      runtime,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      bundling: plan.entry === undefined ? props.bundling : bundlingOptions(props.bundling, plan.context),
      entry: plan.entry,
      handler: plan.handler,
    });
    this.bundledEntry = plan.entry;
    if (plan.warning) Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:handlerExportUnchecked`, plan.warning);
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

/** What is bundled and how: decided before `super()`, so bad input fails before esbuild runs. */
interface BundlingPlan {
  /** The file esbuild bundles; undefined when `code` is given. */
  readonly entry?: string;
  readonly handler: string;
  readonly context: BundlingContext;
  /** A synth warning to add once the function exists. */
  readonly warning?: string;
}

/** The entry esbuild bundles (the generated wrapper's, or the user's own), the handler name, and the bundling context. */
function bundlingPlan(scope: Construct, where: string, props: DatadogTracedFunctionProps): BundlingPlan {
  const handler = props.handler ?? 'handler';
  const wrap = props.wrapHandler ?? true;
  if (typeof wrap !== 'boolean') throw new ConfigurationError(where, `\`wrapHandler\` must be true or false, got ${show(wrap)}.`);
  if (props.code !== undefined) {
    if (wrap) throw new ConfigurationError(where, '`code` is set, so nothing is bundled and the handler cannot be wrapped. Remove `code` and set `entry`, or set `wrapHandler: false` and call wrapHandler in your code.');
    return { handler, context: {} };
  }
  if (typeof props.entry !== 'string' || props.entry === '') {
    throw new ConfigurationError(where, `\`entry\` is required, got ${show(props.entry)}: the path of the file that exports your handler, e.g. 'src/orders.ts'.`);
  }
  const userEntry = path.resolve(props.entry);
  const problem = missingEntryProblem(userEntry);
  if (problem) {
    throw new ConfigurationError(where, `\`entry\` ${show(props.entry)} ${problem} (resolved to ${userEntry} from ${process.cwd()}). Give the path of the file that exports your handler, relative to where cdk runs, or absolute.`);
  }
  const stack = Stack.of(scope);
  const esm = esmReason(userEntry) !== undefined;
  if (!wrap) {
    // NodejsFunction takes 'file.export' as given, and a bare export name as 'index.<name>'.
    const exportName = handler.slice(handler.lastIndexOf('.') + 1);
    const warning = stack.bundlingRequired ? checkHandlerExport(where, props, userEntry, exportName) : undefined;
    return { entry: props.entry, handler, context: { esm }, warning };
  }
  if (handler !== 'default' && !HANDLER_NAME.test(handler)) {
    throw new ConfigurationError(where, `\`handler\` must be the name of the exported function (e.g. 'handler'), got ${show(handler)}. The bundle is always index.js, so give the export name only.`);
  }
  const warning = stack.bundlingRequired ? checkHandlerExport(where, props, userEntry, handler) : undefined;
  const docker = props.bundling?.forceDockerBundling ?? false;
  if (stack.bundlingRequired && !docker && !localEsbuildAvailable()) {
    throw new ConfigurationError(where, 'esbuild is not installed, so NodejsFunction would fall back to Docker. Add it to your project: npm install --save-dev esbuild.');
  }
  const projectRoot = bundlingProjectRoot(props.projectRoot, props.depsLockFilePath) ?? path.dirname(userEntry);
  const outdir = Stage.of(scope)?.outdir ?? projectRoot;
  // Only when this stack is synthesized: the check may run a trial bundle (SDK bundled only).
  const awsSdkClientFiles = stack.bundlingRequired ? bundledSmithyClientFiles(userEntry, props.bundling, projectRoot) : [];
  const entry = writeWrapperEntry({ userEntry, handler, directory: generatedEntryDirectory(outdir, projectRoot), awsSdkClientFiles });
  return { entry, handler, context: { esm, runtimeAlias: runtimeAlias(projectRoot, docker), otelApiAlias: otelApiAlias(projectRoot, docker) }, warning };
}

/**
 * Fails synth when the entry statically lacks the handler export (it would fail at init with
 * "expected the handler function, got undefined"); returns a warning when that cannot be known.
 */
function checkHandlerExport(where: string, props: DatadogTracedFunctionProps, userEntry: string, handler: string): string | undefined {
  const result = handlerExport(userEntry, handler, { tsconfig: props.bundling?.tsconfig, loader: props.bundling?.loader });
  if (result === undefined || result.found) return undefined;
  const name = handler === 'default' ? 'a default export' : `an export named ${show(handler)}`;
  if (!result.decided) {
    return `Cannot check that ${userEntry} has ${name}: ${result.why}. If it has none, the function fails at init; set \`handler\` to the exported function's name.`;
  }
  const has = result.exports.length > 0 ? `It exports: ${result.exports.map((e) => show(e)).join(', ')}` : 'It exports nothing';
  throw new ConfigurationError(where, `\`handler\` ${show(handler)}: ${userEntry} has no ${name.replace(/^an? /, '')}. ${has}. Set \`handler\` to one of them, or export your handler under that name.`);
}
