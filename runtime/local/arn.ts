/**
 * A Lambda function ARN, split: `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`.
 */
export interface ParsedFunctionArn {
  /** `aws`, `aws-cn`, `aws-us-gov`. */
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly functionName: string;
  /** The version or alias the function was invoked through, if any. */
  readonly qualifier?: string;
  /** The ARN without the qualifier, lower-cased: Datadog's `function_arn` tag. */
  readonly unqualifiedArn: string;
}

const FUNCTION_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,140})(?::([A-Za-z0-9$_-]{1,128}))?$/;

/**
 * Parses a Lambda function ARN (as `context.invokedFunctionArn` gives it). Returns undefined
 * for anything that is not one, never throws.
 *
 * @example
 * parseArn('arn:aws:lambda:eu-west-1:123456789012:function:Orders:live');
 * // → { partition: 'aws', region: 'eu-west-1', accountId: '123456789012', functionName: 'Orders',
 * //     qualifier: 'live', unqualifiedArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders' }
 */
export function parseArn(arn: unknown): ParsedFunctionArn | undefined {
  if (typeof arn !== 'string' || arn.length > 512) return undefined;
  const match = FUNCTION_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, accountId, functionName, qualifier] = match as unknown as [string, string, string, string, string, string | undefined];
  return {
    partition,
    region,
    accountId,
    functionName,
    qualifier,
    unqualifiedArn: `arn:${partition}:lambda:${region}:${accountId}:function:${functionName}`.toLowerCase(),
  };
}
