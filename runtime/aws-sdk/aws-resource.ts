/**
 * Names read from AWS identifiers (queue URLs, ARNs, regions) for span tags. Pure string
 * work: a malformed identifier yields `undefined`, never an error.
 */

/** The AWS partition of a region, as dd-trace tags `aws.partition`. */
export function partitionOf(region: string | undefined): string {
  if (!region) return 'aws';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/** What a queue URL names; each part undefined when the URL does not say. */
export interface QueueUrlParts {
  readonly name?: string;
  readonly account?: string;
  readonly region?: string;
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` (also the legacy `<region>.queue.` host and local emulators). */
export function parseQueueUrl(url: unknown): QueueUrlParts {
  if (typeof url !== 'string') return {};
  const match = /^[a-z]+:\/\/([^/]+)\/(?:([^/]+)\/)?([^/?#]+)\/?$/i.exec(url);
  if (!match) return {};
  const [, host = '', account, name] = match;
  const region = /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(host)?.[1] ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com/.exec(host)?.[1];
  return { name, account, region };
}

/** The last `:`- or `/`-separated segment of an ARN: a topic, queue or stream name. */
export function arnResourceName(arn: unknown): string | undefined {
  if (typeof arn !== 'string' || !arn.startsWith('arn:')) return undefined;
  const resource = arn.split(':').slice(5).join(':');
  return resource.split(/[:/]/).filter(Boolean).pop();
}

/** The region of a resolved SDK client config: a string or a (sync or async) provider. */
export async function clientRegion(config: unknown): Promise<string | undefined> {
  const region = (config as { region?: unknown } | undefined)?.region;
  const value: unknown = typeof region === 'function' ? await (region as () => unknown)() : region;
  return typeof value === 'string' && value ? value : undefined;
}
