/**
 * The examples' deploy / invoke / destroy commands (the Rust seed's run.sh, as npm scripts):
 *
 *   npm run deploy -- sqs-lambda       # cdk deploy the example's stack
 *   npm run invoke -- sqs-lambda       # invoke its producer, print the request id and the trace link
 *   npm run destroy -- sqs-lambda      # cdk destroy
 *
 * Needs AWS credentials and a region in the environment (as the AWS CLI does), and the
 * Datadog API key as `DD_API_KEY_SECRET_ARN` (a Secrets Manager secret, recommended) or
 * `DD_API_KEY` (plain text, visible in the template). `DD_SITE` picks the Datadog site.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES, type ExampleName } from './catalog';

const OUTPUTS_DIR = join(__dirname, '..', 'cdk.out');

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, example, ...rest] = argv;
  try {
    if (command !== 'deploy' && command !== 'invoke' && command !== 'destroy') throw new UsageError(usage());
    const name = exampleName(example);
    if (command === 'deploy') return deploy(name);
    if (command === 'destroy') return cdk(['destroy', EXAMPLES[name].stackName, '--force']);
    return await invoke(name, payloadArgument(rest));
  } catch (error) {
    console.error(error instanceof UsageError ? error.message : error);
    return error instanceof UsageError ? 2 : 1;
  }
}

function usage(): string {
  return `usage: npm run <deploy|invoke|destroy> -- <${Object.keys(EXAMPLES).join('|')}> [--payload '<json>']`;
}

function exampleName(value: string | undefined): ExampleName {
  if (value && value in EXAMPLES) return value as ExampleName;
  throw new UsageError(`${value ? `unknown example '${value}'` : 'no example named'}.\n${usage()}`);
}

function payloadArgument(rest: string[]): unknown {
  const index = rest.indexOf('--payload');
  if (index < 0) return undefined;
  const raw = rest[index + 1];
  try {
    return JSON.parse(raw ?? '');
  } catch {
    throw new UsageError(`--payload must be JSON, got ${raw === undefined ? 'nothing' : `'${raw}'`}`);
  }
}

/** Region and credentials the way the AWS SDK and CLI find them; a clear error when missing. */
function requireAwsEnvironment(): string {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? process.env.CDK_DEFAULT_REGION;
  if (!region) throw new UsageError('No AWS region: set AWS_REGION (e.g. export AWS_REGION=us-east-1).');
  const hasCredentials = Boolean(
    process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE || process.env.AWS_WEB_IDENTITY_TOKEN_FILE || process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
  );
  if (!hasCredentials) throw new UsageError('No AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.');
  return region;
}

function deploy(name: ExampleName): number {
  requireAwsEnvironment();
  if (!process.env.DD_API_KEY_SECRET_ARN && !process.env.DD_API_KEY) {
    throw new UsageError('No Datadog API key: set DD_API_KEY_SECRET_ARN to a Secrets Manager secret holding it (recommended), or DD_API_KEY.');
  }
  mkdirSync(OUTPUTS_DIR, { recursive: true });
  return cdk(['deploy', EXAMPLES[name].stackName, '--require-approval', 'never', '--outputs-file', outputsFile(name)]);
}

function cdk(args: string[]): number {
  const result = spawnSync('npx', ['cdk', ...args], { stdio: 'inherit', cwd: join(__dirname, '..') });
  return result.status ?? 1;
}

function outputsFile(name: ExampleName): string {
  return join(OUTPUTS_DIR, `outputs-${name}.json`);
}

async function invoke(name: ExampleName, payload: unknown): Promise<number> {
  const region = requireAwsEnvironment();
  const file = outputsFile(name);
  if (!existsSync(file)) throw new UsageError(`No outputs for ${name}: run 'npm run deploy -- ${name}' first.`);
  const outputs = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>)[EXAMPLES[name].stackName] ?? {};
  const functionName = outputs.ProducerFunctionName;
  if (!functionName) throw new UsageError(`${file} has no ProducerFunctionName output; redeploy the example.`);

  const client = new LambdaClient({ region });
  const response = await client.send(
    new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload ?? EXAMPLES[name].defaultPayload)) }),
  );
  const requestId = response.$metadata.requestId ?? 'unknown';
  const body = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
  console.log(`invoked ${functionName}`);
  console.log(`request id: ${requestId}`);
  console.log(`response:   ${body}`);
  if (response.FunctionError) console.log(`function error: ${response.FunctionError}`);
  console.log(`trace:      ${traceUrl(process.env.DD_SITE ?? 'datadoghq.com', requestId)}`);
  console.log('(traces reach Datadog a few seconds after the consumer has run)');
  return response.FunctionError ? 1 : 0;
}

/** Datadog's APM trace search for the invocation, on the site's web host. */
export function traceUrl(site: string, requestId: string): string {
  const host = site === 'datadoghq.com' || site === 'datadoghq.eu' || site === 'ddog-gov.com' ? `app.${site}` : site;
  return `https://${host}/apm/traces?query=${encodeURIComponent(`@request_id:${requestId}`)}`;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
