import { preserveEnv } from '../../../helpers/env';
import { LocalHarness, ns, only } from '../local-harness';
import { compareSample, ENV, GROUPS, loadSamples, type Sample } from './compare';

/**
 * Local span mode against the extension on Datadog's own event samples (both repositories,
 * see test/fixtures/event-samples/NOTE.md): what the extension builds from the same event,
 * and what datadog-lambda-js builds where the extension builds nothing.
 */
describe('local span mode parity with the extension on the event samples', () => {
  const harness = new LocalHarness();
  preserveEnv();
  beforeAll(() => harness.install());
  beforeEach(() => {
    delete process.env.DD_SERVICE_MAPPING;
    delete process.env.DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED;
  });

  const samples = loadSamples();
  const sample = (id: string): Sample => {
    const found = samples.find((candidate) => candidate.id === id);
    if (!found) throw new Error(`no sample ${id}`);
    return found;
  };

  /** What still differs, on purpose (README: local span mode). */
  const KNOWN_DIFFERENCES: Record<string, string[]> = {
    // datadog-lambda-js inflates up to 6 MB of gzip on every invocation to name the log group; we do not.
    'datadog-lambda-js/cloudwatch-logs.json': ['aws.lambda.function_trigger.event_source_arn: undefined != "arn:aws:logs:us-east-1:123456789012:log-group:testLogGroup"'],
  };

  it('reads all the samples of both repositories', () => {
    expect(samples.filter((s) => s.id.startsWith('datadog-lambda-js/'))).toHaveLength(29);
    expect(samples.filter((s) => s.id.startsWith('datadog-lambda-extension/'))).toHaveLength(37);
  });

  it.each(samples.map((s) => [s.id, s] as const))('%s: every field group agrees', async (id, s) => {
    const comparison = await compareSample(harness, s);
    const diffs = GROUPS.flatMap((group) => comparison.groups[group] ?? []);
    expect(diffs).toEqual(KNOWN_DIFFERENCES[id] ?? []);
  });

  // Literal values from bottlecap's own unit tests (the `#[cfg(test)]` module of each trigger), not from the reference.
  describe("the values of the extension's unit tests", () => {
    async function run(id: string) {
      const { spans, started } = await harness.invoke(sample(id).event, {
        context: { functionName: ENV.functionName, awsRequestId: 'req-1', invokedFunctionArn: `arn:aws:lambda:${ENV.region}:${ENV.accountId}:function:${ENV.functionName}` },
      });
      const otel = harness.memory.getFinishedSpans();
      return { spans, started, otel };
    }

    it('api_gateway_rest_event.rs test_enrich_span / test_get_tags', async () => {
      const { spans } = await run('datadog-lambda-extension/api_gateway_rest_event.json');
      const api = only(spans, 'aws.apigateway');
      expect(api).toMatchObject({ service: 'id.execute-api.us-east-1.amazonaws.com', resource: 'GET /my/path', type: 'web' });
      expect(api.meta).toMatchObject({
        endpoint: '/my/path',
        'http.url': 'https://id.execute-api.us-east-1.amazonaws.com/my/path',
        'http.method': 'GET',
        'http.protocol': 'HTTP/1.1',
        'http.source_ip': 'IP',
        'http.user_agent': 'user-agent',
        'http.route': '/path',
        request_id: 'id=',
        dd_resource_key: 'arn:aws:apigateway:us-east-1::/restapis/id',
      });
      expect(only(spans, 'aws.lambda').meta).toMatchObject({
        'http.url': 'https://id.execute-api.us-east-1.amazonaws.com/my/path',
        'http.url_details.path': '/my/path',
        'http.method': 'GET',
        'http.route': '/path',
        'http.user_agent': 'user-agent',
        'function_trigger.event_source': 'api-gateway',
      });
    });

    it('api_gateway_rest_event.rs test_enrich_parameterized_span', async () => {
      const { spans } = await run('datadog-lambda-extension/api_gateway_rest_event_parameterized.json');
      const api = only(spans, 'aws.apigateway');
      expect(api.resource).toBe('GET /dev/user/{user_id}/id/{id}');
      expect(api.meta).toMatchObject({ endpoint: '/dev/user/42/id/50', 'http.route': '/user/{id}', request_id: 'e16399f7-e984-463a-9931-745ba021a27f', 'http.source_ip': '76.115.124.192' });
    });

    it('api_gateway_websocket_event.rs test_enrich_span, with the URL joined by "/"', async () => {
      const { spans } = await run('datadog-lambda-extension/api_gateway_websocket_connect_event.json');
      const api = only(spans, 'aws.apigateway');
      expect(api).toMatchObject({ service: '85fj5nw29d.execute-api.eu-west-1.amazonaws.com', resource: 'hello', type: 'web' });
      expect(api.meta).toMatchObject({
        endpoint: 'hello',
        resource_names: 'hello',
        'http.url': 'https://85fj5nw29d.execute-api.eu-west-1.amazonaws.com/hello',
        request_id: 'ahVmYGOMmjQFhyg=',
        apiid: '85fj5nw29d',
        stage: 'dev',
        connection_id: 'ahVWscZqmjQCI1w=',
        event_type: 'MESSAGE',
        message_direction: 'IN',
        '_inferred_span.synchronicity': 'async',
      });
    });

    it('lambda_function_url_event.rs test_enrich_span', async () => {
      const { spans } = await run('datadog-lambda-extension/lambda_function_url_event.json');
      const url = only(spans, 'aws.lambda.url');
      expect(url).toMatchObject({ service: 'a8hyhsshac.lambda-url.eu-south-1.amazonaws.com', resource: 'GET /', type: 'http' });
      expect(url.meta).toMatchObject({
        'http.protocol': 'HTTP/1.1',
        'http.source_ip': '71.195.30.42',
        operation_name: 'aws.lambda.url',
        request_id: 'ec4d58f8-2b8b-4ceb-a1d5-2be7bff58505',
        'http.url': 'https://a8hyhsshac.lambda-url.eu-south-1.amazonaws.com/',
        'http.method': 'GET',
        endpoint: '/',
      });
    });

    it('sqs_event.rs test_enrich_span', async () => {
      const sqs = only((await run('datadog-lambda-extension/sqs_event.json')).spans, 'aws.sqs');
      expect(sqs).toMatchObject({ service: 'MyQueue', resource: 'MyQueue', type: 'web' });
      expect(sqs.meta).toMatchObject({
        operation_name: 'aws.sqs',
        receipt_handle: 'MessageReceiptHandle',
        retry_count: '1',
        sender_id: '123456789012',
        source_arn: 'arn:aws:sqs:us-east-1:123456789012:MyQueue',
        aws_region: 'us-east-1',
      });
    });

    it('sns_event.rs test_enrich_span', async () => {
      const sns = only((await run('datadog-lambda-extension/sns_event.json')).spans, 'aws.sns');
      expect(sns).toMatchObject({ service: 'serverlessTracingTopicPy', resource: 'serverlessTracingTopicPy', type: 'web' });
      expect(sns.meta).toMatchObject({
        operation_name: 'aws.sns',
        topicname: 'serverlessTracingTopicPy',
        topic_arn: 'arn:aws:sns:sa-east-1:425362996713:serverlessTracingTopicPy',
        message_id: '87056a47-f506-5d77-908b-303605d3b197',
        type: 'Notification',
        event_subscription_arn: 'arn:aws:sns:sa-east-1:425362996713:serverlessTracingTopicPy:224b60ba-befc-4830-ad96-f1f0ac94eb04',
      });
    });

    it('kinesis_event.rs test_enrich_span', async () => {
      const kinesis = only((await run('datadog-lambda-extension/kinesis_event.json')).spans, 'aws.kinesis');
      expect(kinesis).toMatchObject({ service: 'kinesisStream', resource: 'kinesisStream', type: 'web' });
      expect(kinesis.meta).toMatchObject({
        operation_name: 'aws.kinesis',
        stream_name: 'kinesisStream',
        shard_id: 'shardId-000000000002',
        event_source_arn: 'arn:aws:kinesis:sa-east-1:425362996713:stream/kinesisStream',
        event_id: 'shardId-000000000002:49624230154685806402418173680709770494154422022871973922',
        event_name: 'aws:kinesis:record',
        event_version: '1.0',
        partition_key: 'partitionkey',
      });
    });

    it('dynamodb_event.rs test_enrich_span', async () => {
      const dynamo = only((await run('datadog-lambda-extension/dynamodb_event.json')).spans, 'aws.dynamodb');
      expect(dynamo).toMatchObject({ service: 'ExampleTableWithStream', resource: 'INSERT ExampleTableWithStream', type: 'web' });
      expect(dynamo.meta).toMatchObject({
        operation_name: 'aws.dynamodb',
        event_id: 'c4ca4238a0b923820dcc509a6f75849b',
        event_name: 'INSERT',
        event_version: '1.1',
        event_source_arn: 'arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899',
        size_bytes: '26',
        stream_view_type: 'NEW_AND_OLD_IMAGES',
        table_name: 'ExampleTableWithStream',
      });
    });

    it('msk_event.rs test_enrich_span / test_get_tags', async () => {
      const { spans } = await run('datadog-lambda-extension/msk_event.json');
      const msk = only(spans, 'aws.msk');
      expect(msk).toMatchObject({ service: 'demo-cluster', resource: 'topic1', type: 'web', start: ns(1745846213022) });
      expect(msk.meta).toMatchObject({
        operation_name: 'aws.msk',
        topic: 'topic1',
        partition: '0',
        event_source: 'aws:kafka',
        event_source_arn: 'arn:aws:kafka:us-east-1:123456789012:cluster/demo-cluster/751d2973-a626-431c-9d4e-d7975eb44dd7-2',
      });
      expect(only(spans, 'aws.lambda').meta['function_trigger.event_source']).toBe('msk');
    });

    it('msk_event.rs test_get_carrier_with_headers: the trace continues from the Kafka record headers', async () => {
      const { spans, started } = await run('datadog-lambda-extension/msk_event_with_headers.json');
      expect(started.traceId).toBe('699c836500000000' + BigInt('1497116011738644768').toString(16).padStart(16, '0'));
      expect(only(spans, 'aws.msk').parent_id).toBe(2239801583077304042n);
      expect(started.samplingPriority).toBe(1);
    });

    it.each([
      ['step_function_event.json', 5_744_042_798_732_701_615n, 2_902_498_116_043_018_663n, '1914fe7789eb32be'],
      ['step_function_legacy_event.json', 5_744_042_798_732_701_615n, 2_902_498_116_043_018_663n, '1914fe7789eb32be'],
      ['step_function_nested_event.json', 1_322_229_001_489_018_110n, 8_947_638_978_974_359_093n, '579d19b3ee216ee9'],
      ['step_function_nested_legacy_event.json', 1_322_229_001_489_018_110n, 8_947_638_978_974_359_093n, '579d19b3ee216ee9'],
      ['step_function_lambda_root_event.json', 5_821_803_790_426_892_636n, 8_947_638_978_974_359_093n, '672a7cb100000000'],
      ['step_function_lambda_root_legacy_event.json', 5_821_803_790_426_892_636n, 8_947_638_978_974_359_093n, '672a7cb100000000'],
    ])('step_function_event.rs test_get_span_context: %s', async (file, low, parent, high) => {
      const { spans, started } = await run(`datadog-lambda-extension/${file}`);
      const lambda = only(spans, 'aws.lambda');
      expect(started.traceId).toBe(high + low.toString(16).padStart(16, '0'));
      expect(lambda.parent_id).toBe(parent);
      expect(lambda.meta).toMatchObject({ 'function_trigger.event_source': 'states', 'function_trigger.event_source_arn': 'arn:aws:states:us-east-1:425362996713:stateMachine:agocsTestSF' });
    });
  });
});
