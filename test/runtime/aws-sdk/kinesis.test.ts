import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { Client } from '@smithy/core/client';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { clientRegistry } from '../../../runtime/integrations/aws-sdk/client-registry';
import { useAwsStandIn } from '../integrations/aws-stand-in';
import { tracedInvocations } from './traced-invocation';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// The zero-code route, as the esbuild plugin registers a bundled smithy Client.
clientRegistry().push(Client);

const ALL = 'DD_TRACE_AWS_SDK_BATCH_PROPAGATION_ENABLED';
const KINESIS = 'DD_TRACE_AWS_SDK_KINESIS_BATCH_PROPAGATION_ENABLED';

describe('Kinesis PutRecords batch propagation', () => {
  const invocations = tracedInvocations('orders');
  const aws = useAwsStandIn();
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
    delete process.env[ALL];
    delete process.env[KINESIS];
  });

  const records = [{ id: 1 }, { id: 2 }, { id: 3 }].map((data) => ({ PartitionKey: 'p', Data: Buffer.from(JSON.stringify(data)) }));

  /** Sends one PutRecords of three JSON records; returns each sent record's carrier parent id (undefined: none). */
  async function putRecords(): Promise<Array<string | undefined>> {
    // Kinesis defaults to HTTP/2 (for SubscribeToShard); the stand-in speaks HTTP/1.1.
    const kinesis = new KinesisClient({
      endpoint: aws.current().endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    await invocations.invoke(() => kinesis.send(new PutRecordsCommand({ StreamName: 'clicks', Records: records })));
    const span = invocations.span('aws.request');
    expect(span.meta['messaging.batch.message_count'] ?? span.metrics['messaging.batch.message_count']).toBe(3);
    const sent = (JSON.parse(aws.current().requests[0]!.body) as { Records: Array<{ Data: string }> }).Records;
    return sent.map((record, i) => {
      const data = JSON.parse(Buffer.from(record.Data, 'base64').toString('utf8')) as { id: number; _datadog?: Record<string, string> };
      expect(data.id).toBe(i + 1);
      const parent = data._datadog?.['x-datadog-parent-id'];
      if (parent !== undefined) expect(parent).toBe(span.span_id.toString());
      return parent;
    });
  }
  const warnings = () => warn.mock.calls.map(([line]) => (JSON.parse(line as string) as { message: string }).message);

  it('puts the carrier into the first record only by default, as dd-trace', async () => {
    const parents = await putRecords();

    expect(parents.map((parent) => parent !== undefined)).toEqual([true, false, false]);
    expect(warnings()).toEqual([]);
  });

  it.each([
    [ALL, 'true'],
    [KINESIS, 'true'],
    [KINESIS, '1'],
  ])('puts it into every record with %s=%s', async (name, value) => {
    process.env[name] = value;

    const parents = await putRecords();

    expect(parents.map((parent) => parent !== undefined)).toEqual([true, true, true]);
  });

  it("lets the Kinesis variable win over the general one when set (dd-trace's precedence)", async () => {
    process.env[ALL] = 'true';
    process.env[KINESIS] = 'false';

    const parents = await putRecords();

    expect(parents.map((parent) => parent !== undefined)).toEqual([true, false, false]);
  });

  it.each([ALL, KINESIS])('warns naming %s when it is not a boolean and keeps the default (first record only)', async (name) => {
    process.env[name] = 'everything';

    const parents = await putRecords();

    expect(parents.map((parent) => parent !== undefined)).toEqual([true, false, false]);
    expect(warnings()).toContainEqual(expect.stringContaining(`${name}='everything'`));
    expect(warnings().find((message) => message.includes(name))).toContain('using false');
  });

  it("does not change the caller's records", async () => {
    process.env[ALL] = 'true';
    const before = records.map((record) => Buffer.from(record.Data).toString());

    await putRecords();

    expect(records.map((record) => Buffer.from(record.Data).toString())).toEqual(before);
  });
});
