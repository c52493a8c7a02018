import * as path from 'node:path';
import { Duration, Fn, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct, IConstruct } from 'constructs';
import type { DatadogSettings } from '../../lib';
import { ConfigurationError, pathOf, show } from '../../lib/errors';
import { extensionLayerArn } from '../../lib/extension-layer';
import { applyDatadog, checkSettings } from '../../lib/instrument';

/**
 * Version of the Datadog Python layer (`Datadog-Python3xx[-ARM]`): 129, the newest release
 * whose notes list the ARN we use (datadog-lambda-python v8.129.0: `Datadog-Python313-ARM:129`).
 * v8.130.0 exists but its notes as seen here do not show the 3.13 ARM layer, so an example that
 * must deploy pins the confirmed one. Not published in me-south-1.
 * @see https://github.com/DataDog/datadog-lambda-python/releases
 */
export const DATADOG_PYTHON_LAYER_VERSION = 129;

/** The handler of the Datadog Python layer, which loads `DD_LAMBDA_HANDLER` under ddtrace. */
export const DATADOG_PYTHON_HANDLER = 'datadog_lambda.handler.handler';

/** Properties of a `DatadogPythonFunction`. */
export interface DatadogPythonFunctionProps {
  /** Path of the `.py` file that defines the handler. Only this file is shipped. */
  readonly source: string;

  /**
   * The handler function's name in `source`.
   * @default 'handler'
   */
  readonly handler?: string;

  /** Datadog settings, as for `DatadogTracedFunction` (service, API key, env, site, …). */
  readonly datadog: DatadogSettings;

  /**
   * More environment variables, e.g. `QUEUE_URL`.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;

  /**
   * A Python runtime.
   * @default Runtime.PYTHON_3_13
   */
  readonly runtime?: lambda.Runtime;

  /**
   * Version of the Datadog Python layer.
   * @default DATADOG_PYTHON_LAYER_VERSION
   */
  readonly pythonLayerVersion?: number;

  /**
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;

  /**
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * @default - the log group Lambda creates, kept forever
   */
  readonly logGroup?: logs.ILogGroup;
}

/**
 * A Python Lambda function (arm64) traced by Datadog the way Datadog documents it for Python:
 * the Datadog Python layer (datadog-lambda-python + ddtrace) and the extension layer, the
 * handler redirected to `datadog_lambda.handler.handler` with `DD_LAMBDA_HANDLER` naming the
 * real one. The Datadog environment and the API key grants are the construct's own
 * (`applyDatadog`), so both languages are configured by the same `DatadogSettings`.
 */
export class DatadogPythonFunction extends lambda.Function {
  constructor(scope: Construct, id: string, props: DatadogPythonFunctionProps) {
    const runtime = props.runtime ?? lambda.Runtime.PYTHON_3_13;
    if (runtime.family !== lambda.RuntimeFamily.PYTHON) {
      throw new ConfigurationError(pathOf(scope, id), `\`runtime\` ${show(runtime.name)} is not a Python runtime. Use Runtime.PYTHON_3_13.`);
    }
    const file = path.basename(props.source);
    const environment = { ...props.environment, DD_LAMBDA_HANDLER: `${path.basename(file, '.py')}.${props.handler ?? 'handler'}` };
    super(scope, id, {
      runtime,
      architecture: lambda.Architecture.ARM_64,
      // The example directories also hold TypeScript: ship the one Python file.
      code: lambda.Code.fromAsset(path.dirname(props.source), { exclude: ['*', `!${file}`] }),
      handler: DATADOG_PYTHON_HANDLER,
      environment,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 256,
      logGroup: props.logGroup,
    });
    const layerArn = datadogPythonLayerArn(this, runtime, this.architecture, props.pythonLayerVersion ?? DATADOG_PYTHON_LAYER_VERSION);
    this.addLayers(lambda.LayerVersion.fromLayerVersionArn(this, 'DatadogPythonLayer', layerArn));
    applyDatadog(this, checkSettings(this.node.path, props.datadog), environment);
  }
}

/**
 * The ARN of the Datadog Python layer for `runtime` in `scope`'s stack:
 * `arn:<partition>:lambda:<region>:<account>:layer:Datadog-Python3xx[-ARM]:<version>`.
 *
 * Datadog publishes all its Lambda layers from one account per partition, so the publisher part
 * is taken from the construct's extension layer ARN: partition-aware, concrete for a concrete
 * region, resolved at deploy time (through the construct's mapping) for an agnostic stack.
 */
export function datadogPythonLayerArn(scope: IConstruct, runtime: lambda.Runtime, architecture: lambda.Architecture, version: number): string {
  const python = /^python(\d+)\.(\d+)$/.exec(runtime.name);
  if (!python) throw new ConfigurationError(scope, `\`runtime\` ${show(runtime.name)} has no Datadog Python layer. Use Runtime.PYTHON_3_13.`);
  if (!Token.isUnresolved(version) && (!Number.isInteger(version) || version < 1)) {
    throw new ConfigurationError(scope, `\`pythonLayerVersion\` must be a positive integer, got ${show(version)}.`);
  }
  const name = `Datadog-Python${python[1]}${python[2]}${architecture.name === lambda.Architecture.ARM_64.name ? '-ARM' : ''}`;
  // Always Datadog's own extension ARN here (no user version or ARN): only its publisher is used.
  const publisher = Fn.select(0, Fn.split(':layer:', extensionLayerArn(scope, { architecture })));
  return `${publisher}:layer:${name}:${version}`;
}
