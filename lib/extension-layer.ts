import { Aws, CfnMapping, Fn, Stack, Token } from 'aws-cdk-lib';
import type { Architecture } from 'aws-cdk-lib/aws-lambda';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { IConstruct } from 'constructs';
import { DEFAULT_EXTENSION_LAYER_VERSION, EXTENSION_LAYER_ACCOUNTS, EXTENSION_LAYER_NAMES, FIPS_EXTENSION_LAYER_NAMES } from './constants';
import { ConfigurationError, show } from './errors';

/** What selects the extension layer. */
export interface ExtensionLayerOptions {
  /** The function's architecture. */
  readonly architecture: Architecture;
  /** `datadog.extensionLayerVersion`. */
  readonly version?: number;
  /** `datadog.extensionLayerArn`. */
  readonly arn?: string;
  /** `datadog.fips`. */
  readonly fips?: boolean;
}

/** Id of the per-stack mapping from partition to the account that publishes the layer. */
const ACCOUNT_MAPPING_ID = 'DatadogExtensionLayerAccounts';
const LAYER_ARN = /^arn:[\w-]+:lambda:[\w-]+:\d{12}:layer:[\w-]+:\d+$/;

/**
 * The ARN of the Datadog Lambda Extension layer for a function in `scope`'s stack:
 * `arn:<partition>:lambda:<region>:<account>:layer:Datadog-Extension[-ARM][-FIPS]:<version>`.
 *
 * - Concrete region: partition from the region table; account 464622532012 (aws) or
 *   002406178527 (aws-us-gov); other partitions (aws-cn, ISO, EUSC) have no Datadog layer and
 *   are refused with an error asking for `extensionLayerArn`. A region unknown to this
 *   aws-cdk-lib version is taken to be commercial (new regions are).
 * - Token region (environment-agnostic stack): `AWS::Partition` and `AWS::Region` at deploy
 *   time, the account from a `CfnMapping` keyed by partition. The mapping covers aws and
 *   aws-us-gov only, so a deploy in another partition fails at `Fn::FindInMap`.
 *
 * @throws ConfigurationError for an invalid version or ARN, or a partition without a layer
 */
export function extensionLayerArn(scope: IConstruct, options: ExtensionLayerOptions): string {
  const { architecture, version, arn, fips = false } = options;
  if (typeof fips !== 'boolean') throw new ConfigurationError(scope, `\`datadog.fips\` must be true or false, got ${show(fips)}.`);
  if (arn !== undefined && version !== undefined) {
    throw new ConfigurationError(scope, '`datadog.extensionLayerVersion` and `datadog.extensionLayerArn` are both set. Set only one: the ARN already names a version.');
  }
  if (arn !== undefined && fips) {
    throw new ConfigurationError(scope, '`datadog.fips` and `datadog.extensionLayerArn` are both set. Remove `fips` and give the FIPS layer\'s ARN (Datadog-Extension[-ARM]-FIPS), or remove the ARN.');
  }
  if (arn !== undefined) {
    if (!Token.isUnresolved(arn) && !LAYER_ARN.test(arn)) {
      throw new ConfigurationError(scope, `\`datadog.extensionLayerArn\` ${show(arn)} is not a Lambda layer version ARN. Use arn:<partition>:lambda:<region>:<account>:layer:<name>:<version>.`);
    }
    return arn;
  }
  const layerVersion = version ?? DEFAULT_EXTENSION_LAYER_VERSION;
  if (!Token.isUnresolved(layerVersion) && (!Number.isInteger(layerVersion) || layerVersion < 1)) {
    throw new ConfigurationError(scope, `\`datadog.extensionLayerVersion\` must be a positive integer, got ${show(layerVersion)}. Use the number at the end of the Datadog-Extension layer ARN, e.g. ${DEFAULT_EXTENSION_LAYER_VERSION}.`);
  }
  const name = (fips ? FIPS_EXTENSION_LAYER_NAMES : EXTENSION_LAYER_NAMES)[architecture.name];
  if (!name) {
    throw new ConfigurationError(scope, `\`architecture\` ${show(architecture.name)} has no Datadog extension layer. Use Architecture.ARM_64 or Architecture.X86_64.`);
  }
  const suffix = `:layer:${name}:${Token.isUnresolved(layerVersion) ? Token.asString(layerVersion) : String(layerVersion)}`;
  const stack = Stack.of(scope);
  const region = stack.region;
  if (Token.isUnresolved(region)) {
    const account = accountMapping(stack).findInMap(Aws.PARTITION, 'account');
    return Fn.join('', ['arn:', Aws.PARTITION, ':lambda:', Aws.REGION, ':', account, suffix]);
  }
  const partition = RegionInfo.get(region).partition ?? 'aws';
  const account = EXTENSION_LAYER_ACCOUNTS[partition];
  if (!account) {
    throw new ConfigurationError(
      scope,
      `Datadog does not publish the Lambda extension layer in partition ${partition} (region ${region}). Set \`datadog.extensionLayerArn\` to a copy of the layer you can use there.`,
    );
  }
  return `arn:${partition}:lambda:${region}:${account}${suffix}`;
}

/** One mapping per stack, shared by every instrumented function in it. */
function accountMapping(stack: Stack): CfnMapping {
  const existing = stack.node.tryFindChild(ACCOUNT_MAPPING_ID);
  if (existing instanceof CfnMapping) return existing;
  const mapping: Record<string, Record<string, string>> = {};
  for (const [partition, account] of Object.entries(EXTENSION_LAYER_ACCOUNTS)) mapping[partition] = { account };
  return new CfnMapping(stack, ACCOUNT_MAPPING_ID, { mapping });
}
