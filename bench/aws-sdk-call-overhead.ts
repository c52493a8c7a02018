/**
 * Per-call cost of the aws-sdk integration, in one process: DynamoDB `GetItem` through a stub
 * request handler (no network, so the SDK's own work and ours are all that is timed), a plain
 * client against a traced one, in interleaved blocks inside one invocation; CPU time per call,
 * median of the blocks. Run: `DD_TRACE_AWS_SDK_ENABLED=false npx tsx bench/aws-sdk-call-overhead.ts`
 * (the switch keeps the zero-code route off the plain client; the traced one is instrumented
 * explicitly). The numbers are noisy on a shared machine: compare within one run.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DYNAMODB_INTEGRATION } from '../runtime/aws-sdk/data-services';
import { instrumentClientFully } from '../runtime/aws-sdk/instrument-client';
import { wrapHandler } from '../runtime/invocation/wrap-handler';
import { ExtensionEmulator } from '../runtime/testing';

const requestHandler = {
  handle: () =>
    Promise.resolve({
      response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'r' }, body: Buffer.from('{"Item":{"id":{"S":"1"}}}') },
    }),
};

const BLOCKS = 20;
const CALLS_PER_BLOCK = 200;

/** CPU microseconds per call over `n` sequential calls. */
async function block(client: DynamoDBClient, n: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await client.send(new GetItemCommand({ TableName: 'orders-table', Key: { id: { S: '1' } } }));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function main(): Promise<void> {
  const extension = await ExtensionEmulator.start({ service: 'orders' });
  const options = { region: 'eu-west-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1, requestHandler };
  const plain = new DynamoDBClient(options);
  const traced = new DynamoDBClient(options);
  instrumentClientFully(traced, () => DYNAMODB_INTEGRATION);
  const handler = wrapHandler(async () => {
    await block(plain, 300);
    await block(traced, 300);
    const plainUs: number[] = [];
    const tracedUs: number[] = [];
    for (let round = 0; round < BLOCKS; round++) {
      // Alternate the order, so neither side always runs second.
      const order = round % 2 ? ([traced, plain] as const) : ([plain, traced] as const);
      for (const client of order) (client === plain ? plainUs : tracedUs).push(await block(client, CALLS_PER_BLOCK));
    }
    return { plainUs: median(plainUs), tracedUs: median(tracedUs) };
  }, extension.config()) as (event: unknown, context: unknown) => Promise<{ plainUs: number; tracedUs: number }>;
  const { plainUs, tracedUs } = await handler({}, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 600_000 });
  const spans = extension.spans().filter((span) => span.name === 'aws.request').length;
  process.stdout.write(`${JSON.stringify({ plainUs: Math.round(plainUs), tracedUs: Math.round(tracedUs), deltaUs: Math.round(tracedUs - plainUs), spans })}\n`);
  await extension.close();
}

void main();
