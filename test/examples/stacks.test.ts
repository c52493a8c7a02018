import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DatadogApiKey } from '../../lib';
import { EXAMPLES } from '../../examples/catalog';
import type { ExampleStackProps } from '../../examples/shared/example-props';
import { SqsLambdaStack } from '../../examples/sqs-lambda/stack';
import { SqsProducerStack } from '../../examples/sqs-producer/stack';
import { REPO_ROOT, removeTestApps, SECRET_ARN, testApp, US_EAST_1 } from '../lib/support';

afterAll(removeTestApps);

const FUNCTION = 'AWS::Lambda::Function';
const PYTHON_LAYER = 'arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python313-ARM:129';
const EXTENSION_LAYER = 'arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM:105';
const PROPS: ExampleStackProps = { env: US_EAST_1, datadog: { apiKey: DatadogApiKey.fromSecretArn(SECRET_ARN) } };

type StackClass = new (...args: ConstructorParameters<typeof SqsLambdaStack>) => SqsLambdaStack | SqsProducerStack;

/** Each example: its stack, and which side is written in which language. */
const EXAMPLE_STACKS: Array<{ name: string; Stack: StackClass; python: 'producer' | 'consumer'; pythonModule: string; services: { producer: string; consumer: string } }> = [
  { name: 'sqs-lambda', Stack: SqsLambdaStack, python: 'producer', pythonModule: 'producer', services: { producer: 'python-sqs-producer', consumer: 'ts-sqs-consumer' } },
  { name: 'sqs-producer', Stack: SqsProducerStack, python: 'consumer', pythonModule: 'consumer', services: { producer: 'ts-sqs-producer', consumer: 'python-sqs-consumer' } },
];

/** The logical id of a construct's CloudFormation resource. */
function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);
}

/** The properties of an `AWS::Lambda::Function` that these tests read. */
interface FunctionProperties {
  readonly Role: { 'Fn::GetAtt': [string, string] };
  readonly Environment: { Variables: Record<string, unknown> };
}

/** An IAM policy statement. */
interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
}

function functionProps(template: Template, id: string): FunctionProperties {
  return template.toJSON().Resources[id].Properties as FunctionProperties;
}

/** The statements of the default policy attached to a function's role. */
function roleStatements(template: Template, roleId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

describe.each(EXAMPLE_STACKS)('$name stack', ({ Stack: ExampleStack, python, pythonModule, services }) => {
  const ts = python === 'producer' ? 'consumer' : 'producer';
  let stack: SqsLambdaStack | SqsProducerStack;
  let template: Template;
  let ids: { producer: string; consumer: string; queue: string; deadLetterQueue: string };

  beforeAll(() => {
    stack = new ExampleStack(testApp(), 'Example', PROPS);
    template = Template.fromStack(stack);
    ids = {
      producer: logicalId(stack, stack.producer),
      consumer: logicalId(stack, stack.consumer),
      queue: logicalId(stack, stack.queue.queue),
      deadLetterQueue: logicalId(stack, stack.queue.deadLetterQueue),
    };
  });

  it('sends failed messages to an encrypted dead-letter queue after 3 receives', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [ids.deadLetterQueue, 'Arn'] }, maxReceiveCount: 3 },
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180,
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600, RedrivePolicy: Match.absent() });
  });

  it('refuses plain HTTP on both queues', () => {
    for (const queue of [ids.queue, ids.deadLetterQueue]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: [Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
        },
      });
    }
  });

  it(`runs the Python ${python} through the Datadog Python layer with the handler redirected`, () => {
    const fn = functionProps(template, ids[python]);
    expect(fn).toMatchObject({ Handler: 'datadog_lambda.handler.handler', Runtime: 'python3.13', Architectures: ['arm64'], Layers: [PYTHON_LAYER, EXTENSION_LAYER] });
    expect(fn.Environment.Variables).toMatchObject({
      DD_LAMBDA_HANDLER: `${pythonModule}.handler`,
      DD_SERVICE: services[python],
      DD_ENV: 'dev',
      DD_API_KEY_SECRET_ARN: SECRET_ARN,
    });
  });

  it(`runs the TypeScript ${ts} as a DatadogTracedFunction`, () => {
    const fn = functionProps(template, ids[ts]);
    expect(fn).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs24.x', Architectures: ['arm64'], Layers: [EXTENSION_LAYER] });
    expect(fn.Environment.Variables).toMatchObject({ DD_SERVICE: services[ts], DD_ENV: 'dev', DD_API_KEY_SECRET_ARN: SECRET_ARN });
    expect(fn.Environment.Variables.DD_LAMBDA_HANDLER).toBeUndefined();
  });

  it('gives the producer the queue URL and nothing the consumer needs', () => {
    expect(functionProps(template, ids.producer).Environment.Variables.QUEUE_URL).toEqual({ Ref: ids.queue });
    expect(functionProps(template, ids.consumer).Environment.Variables.QUEUE_URL).toBeUndefined();
  });

  it('sets explicit memory and a 30 s timeout on both functions', () => {
    for (const id of [ids.producer, ids.consumer]) expect(functionProps(template, id)).toMatchObject({ MemorySize: 256, Timeout: 30 });
  });

  it('lets the producer send to the queue and the consumer receive and delete, each reading the API key', () => {
    const producerRole = functionProps(template, ids.producer).Role['Fn::GetAtt'][0];
    const consumerRole = functionProps(template, ids.consumer).Role['Fn::GetAtt'][0];
    const queueArn = { 'Fn::GetAtt': [ids.queue, 'Arn'] };
    const actionsOn = (statements: Statement[], resource: unknown): string[] =>
      statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify(resource)).flatMap((s) => [s.Action].flat());

    const producer = roleStatements(template, producerRole);
    expect(actionsOn(producer, queueArn)).toContain('sqs:SendMessage');
    expect(actionsOn(producer, queueArn)).not.toContain('sqs:ReceiveMessage');
    const consumer = roleStatements(template, consumerRole);
    expect(actionsOn(consumer, queueArn)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(actionsOn(consumer, queueArn)).not.toContain('sqs:SendMessage');
    for (const statements of [producer, consumer]) {
      expect(statements).toContainEqual(expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: [SECRET_ARN, `${SECRET_ARN}-??????`] }));
    }
  });

  it('feeds the consumer from the queue in batches of 10', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      FunctionName: { Ref: ids.consumer },
      BatchSize: 10,
    });
  });

  it('outputs the producer (for npm run invoke), the consumer and the queues', () => {
    template.hasOutput('ProducerFunctionName', { Value: { Ref: ids.producer } });
    template.hasOutput('ConsumerFunctionName', { Value: { Ref: ids.consumer } });
    template.hasOutput('QueueUrl', { Value: { Ref: ids.queue } });
    template.hasOutput('DeadLetterQueueUrl', { Value: { Ref: ids.deadLetterQueue } });
  });

  it('removes the log groups with the stack and keeps logs a week', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', Properties: { RetentionInDays: 7 } });
  });
});

describe('partial batch responses', () => {
  it('are on for the TypeScript consumer, whose processBatch reports failed records', () => {
    const template = Template.fromStack(new SqsLambdaStack(testApp(), 'Example', PROPS));
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('are off for the Python consumer, which succeeds or fails as a whole', () => {
    const template = Template.fromStack(new SqsProducerStack(testApp(), 'Example', PROPS));
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: Match.absent() });
  });
});

describe('example stack settings', () => {
  it('passes env and site to every function', () => {
    const stack = new SqsProducerStack(testApp(), 'Example', { env: US_EAST_1, datadog: { ...PROPS.datadog, env: 'staging', site: 'datadoghq.eu' } });
    const functions = Object.values(Template.fromStack(stack).findResources(FUNCTION));
    expect(functions).toHaveLength(2);
    for (const fn of functions) expect(fn.Properties.Environment.Variables).toMatchObject({ DD_ENV: 'staging', DD_SITE: 'datadoghq.eu' });
  });
});

describe('bin/app.ts', () => {
  it('synthesizes both example stacks with `cdk synth`, offline, with no AWS credentials and no variables', () => {
    // GIVEN an environment with nothing but PATH, and a HOME with no AWS configuration
    const home = mkdtempSync(path.join(REPO_ROOT, 'cdk.out', 'jest-home-'));
    const outdir = path.join(home, 'out');
    try {
      // WHEN the CDK CLI runs the app of cdk.json
      const result = spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices', '-o', outdir], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, HOME: home, CDK_DISABLE_CLI_TELEMETRY: 'true' },
        encoding: 'utf8',
        timeout: 60_000,
      });

      // THEN both stacks are in the assembly, bundled, with the placeholder key and its warning
      expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
      expect(result.stderr).toContain("WARNING Neither DD_API_KEY_SECRET_ARN nor DD_API_KEY is set: the functions read the Datadog API key from the secret 'datadog/api-key'");
      const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
      const stackNames = Object.entries(manifest.artifacts as Record<string, { type: string }>)
        .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
        .map(([name]) => name);
      expect(stackNames.sort()).toEqual([EXAMPLES['sqs-lambda'].stackName, EXAMPLES['sqs-producer'].stackName].sort());
      for (const name of stackNames) {
        const template = Template.fromJSON(JSON.parse(readFileSync(path.join(outdir, `${name}.template.json`), 'utf8')));
        template.resourceCountIs(FUNCTION, 2);
        template.hasResourceProperties(FUNCTION, {
          Runtime: 'nodejs24.x',
          Environment: { Variables: Match.objectLike({ DD_API_KEY_SECRET_ARN: { 'Fn::Join': ['', Match.arrayWith([':secret:datadog/api-key'])] } }) },
        });
        template.hasOutput('ProducerFunctionName', {});
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
