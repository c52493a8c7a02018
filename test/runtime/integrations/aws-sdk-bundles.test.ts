import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundledSmithyClientFiles } from '../../../lib/aws-sdk-bundling';
import { datadogAwsSdkPlugin } from '../../../lib/esbuild-plugin';
import { ESM_REQUIRE_BANNER, RUNTIME_SPECIFIER, runtimeAlias, writeWrapperEntry } from '../../../lib/runtime-bundling';
import { ExtensionEmulator, type DecodedSpan } from '../../../runtime/testing';
import { startAwsStandIn, type AwsStandIn } from './aws-stand-in';

/**
 * The two ways the SDK reaches a function, end to end in a fresh Node process: loaded at run
 * time from node_modules (external to the bundle, as the construct bundles by default) and
 * bundled into the function (through our esbuild plugin). The user's handler has no Datadog
 * code; its clients are built at module load, before `wrapHandler` runs; S3 is imported lazily.
 */

const root = resolve(__dirname, '../../..');
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders';

const USER_HANDLER = `
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const options = { endpoint: process.env.STAND_IN, region: 'eu-west-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 };
const dynamo = new DynamoDBClient(options);
const sqs = new SQSClient(options);
export const handler = async (event) => {
  await dynamo.send(new GetItemCommand({ TableName: 'table-' + event.i, Key: { id: { S: String(event.i) } } }));
  await sqs.send(new SendMessageCommand({ QueueUrl: ${JSON.stringify(QUEUE_URL)}, MessageBody: 'm' + event.i }));
  const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
  await new S3Client({ ...options, forcePathStyle: true }).send(new PutObjectCommand({ Bucket: 'b' + event.i, Key: 'k', Body: 'x' }));
  return { ok: event.i };
};
`;

/**
 * Where the SDK comes from: `external` (node_modules at run time, the construct's default),
 * `plugin` (bundled through `datadogAwsSdkPlugin`), `construct` (bundled with no plugin, as the
 * construct's esbuild CLI run does, the generated entry registering the Client files),
 * `plain` (bundled with neither: the control, in which no AWS span can appear);
 * `external-esm`: `external` in an ESM bundle (the construct's `format: ESM`).
 */
type Mode = 'external' | 'external-esm' | 'plugin' | 'construct' | 'plain';

/** Bundles the user's handler wrapped as the construct wraps it. */
async function bundle(dir: string, mode: Mode): Promise<string> {
  const userEntry = join(dir, 'user.mjs');
  writeFileSync(userEntry, USER_HANDLER);
  const awsSdkClientFiles = mode === 'construct' ? bundledSmithyClientFiles(userEntry, { externalModules: [] }, root) : [];
  if (mode === 'construct') expect(awsSdkClientFiles.length).toBeGreaterThan(0);
  const entry = writeWrapperEntry({ userEntry, handler: 'handler', directory: dir, awsSdkClientFiles });
  const esm = mode === 'external-esm';
  const outfile = join(dir, `${mode}.${esm ? 'mjs' : 'js'}`);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: esm ? 'esm' : 'cjs',
    ...(esm && { banner: { js: ESM_REQUIRE_BANNER } }),
    minify: true,
    mainFields: ['module', 'main'],
    // The construct's alias: the generated entry imports the runtime by its package name.
    alias: { [RUNTIME_SPECIFIER]: runtimeAlias(root, false) },
    outfile,
    logLevel: 'silent',
    ...((mode === 'external' || esm) && { external: ['@aws-sdk/*'] }),
    ...(mode === 'plugin' && { plugins: [datadogAwsSdkPlugin()] }),
  });
  return outfile;
}

/** Runs ten concurrent invocations of the bundle in a child process; resolves with its stdout. */
function runInvocations(outfile: string, extension: ExtensionEmulator, standIn: AwsStandIn): Promise<string> {
  // import(): the Lambda runtime loads .mjs handlers that way (and .js ones with require).
  const script = `import(${JSON.stringify(outfile)}).then(({ handler }) => Promise.all(Array.from({ length: 10 }, (_, i) => handler({ i }, { awsRequestId: 'r' + i, functionName: 'f', getRemainingTimeInMillis: () => 30000 })))
      .then((results) => console.log(JSON.stringify(results)))).catch((error) => { console.error(error); process.exitCode = 1; });`;
  const child = spawn(process.execPath, ['-e', script], {
    env: {
      PATH: process.env.PATH,
      DD_SERVICE: 'orders',
      ...extension.environment(),
      DD_DOGSTATSD_PORT: '9',
      STAND_IN: standIn.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const killer = setTimeout(() => child.kill(), 20000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`exit ${code}: ${stderr}`));
    });
  });
}

describe.each(['external', 'external-esm', 'plugin', 'construct', 'plain'] as const)('the aws-sdk integration, SDK %s', (mode) => {
  let dir: string;
  let outfile: string;
  let extension: ExtensionEmulator;
  let standIn: AwsStandIn;
  beforeAll(async () => {
    // Under the package, so the user's module resolves @aws-sdk/* from its node_modules.
    mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
    dir = mkdtempSync(join(root, 'node_modules/.cache/dd-aws-sdk-'));
    [outfile, extension, standIn] = await Promise.all([bundle(dir, mode), ExtensionEmulator.start({ service: 'orders' }), startAwsStandIn()]);
  }, 60000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([extension.close(), standIn.close()]);
  });

  it('bundles as intended', () => {
    const code = readFileSync(outfile, 'utf8');
    // Booleans and counts, not toContain: a failure would print the whole bundle.
    const registryMentions = code.split('Symbol.for("datadog-lambda-ts.aws-sdk.clients")').length - 1;
    const external = mode === 'external' || mode === 'external-esm';
    expect(code.includes('require("@aws-sdk/client-dynamodb")') || code.includes('from"@aws-sdk/client-dynamodb"')).toBe(external);
    // The runtime's side of the registry, plus one registration per bundled smithy Client module.
    expect(registryMentions).toBe(external || mode === 'plain' ? 1 : 2);
  });

  it('traces every call of ten concurrent invocations under its own invocation; the SQS stand-in receives _datadog naming the send span', async () => {
    const output = await runInvocations(outfile, extension, standIn);

    expect(JSON.parse(output)).toEqual(Array.from({ length: 10 }, (_, i) => ({ ok: i })));
    const spans = extension.spans();
    const lambdas = spans.filter((span) => span.name === 'aws.lambda');
    const calls = spans.filter((span) => span.name === 'aws.request');
    expect(lambdas).toHaveLength(10);
    if (mode === 'plain') {
      // dd-trace's situation with a bundled SDK: nothing to hook.
      expect(calls).toHaveLength(0);
      return;
    }
    expect(calls).toHaveLength(30);
    const byService = (service: string) => calls.filter((span) => span.service === service);
    expect(byService('orders-aws-dynamodb')).toHaveLength(10);
    expect(byService('orders-aws-sqs')).toHaveLength(10);
    expect(byService('orders-aws-s3')).toHaveLength(10);
    // Each call is a child of the invocation that made it: the table and bucket carry its index.
    for (const lambda of lambdas) {
      const children = calls.filter((span) => span.parent_id === lambda.span_id);
      expect(children.every((span) => span.trace_id === lambda.trace_id)).toBe(true);
      expect(children).toHaveLength(3);
      const table = children.find((span) => span.service === 'orders-aws-dynamodb')!.meta.tablename;
      const bucket = children.find((span) => span.service === 'orders-aws-s3')!.meta.bucketname;
      expect(table?.replace('table-', '')).toBe(bucket?.replace('b', ''));
    }
    const sends = byService('orders-aws-sqs');
    const carriers = standIn.requests
      .filter((request) => request.operation === 'SendMessage')
      .map((request) => JSON.parse((JSON.parse(request.body) as { MessageAttributes: { _datadog: { StringValue: string } } }).MessageAttributes._datadog.StringValue) as Record<string, string>);
    expect(carriers).toHaveLength(10);
    for (const carrier of carriers) {
      const send = sends.find((span: DecodedSpan) => span.span_id.toString() === carrier['x-datadog-parent-id']);
      expect(send?.trace_id.toString()).toBe(carrier['x-datadog-trace-id']);
    }
  }, 60000);
});
