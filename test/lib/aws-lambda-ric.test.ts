import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { AssetStaging, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ExtensionEmulator } from '../../runtime/testing';
import { RuntimeApiStandIn, type InvocationOutcome } from '../helpers/runtime-api';
import { REPO_ROOT, removeTestApps, testApp, tracedFunction, US_EAST_1 } from './support';

/**
 * The construct's asset, run under AWS's runtime interface client (npm `aws-lambda-ric`: 4.x is
 * the client of the Node.js 24 managed runtime, 3.x that of Node.js 20 and 22) against a Runtime
 * API stand-in, with the extension emulator as the extension. `.ci/aws-lambda-ric.sh` builds
 * each client into a cache; a client that could not be built is skipped, saying so.
 */
interface Client {
  readonly version: string;
  /** The managed runtime it stands for (`AWS_EXECUTION_ENV`). */
  readonly runtime: string;
  /** Where the cache script installs it. */
  readonly dir: string;
  /** The command line Lambda's bootstrap would run. */
  readonly args: (handler: string) => string[];
}

function client(version: string, runtime: string, args: (dir: string, handler: string) => string[]): Client {
  const cache = process.env.AWS_LAMBDA_RIC_CACHE ?? path.join(homedir(), '.cache', 'datadog-lambda-ts');
  const dir = path.join(cache, `aws-lambda-ric-${version}`, 'node_modules', 'aws-lambda-ric');
  return { version, runtime, dir, args: (handler) => args(dir, handler) };
}

const CLIENTS: readonly Client[] = [
  // 4.x reads the handler from _HANDLER.
  client('4.0.2', 'AWS_Lambda_nodejs24.x', (dir) => [path.join(dir, 'index.mjs')]),
  // 3.x takes it as an argument, the task root being the working directory.
  client('3.3.0', 'AWS_Lambda_nodejs22.x', (dir, handler) => [path.join(dir, 'bin', 'index.mjs'), handler]),
];

const isInstalled = (c: Client) =>
  existsSync(path.join(c.dir, 'package.json')) && (existsSync(path.join(c.dir, 'rapid-client.node')) || existsSync(path.join(c.dir, 'dist', 'rapid-client.node')));
const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'ric', 'handler.ts');

interface Deployed {
  readonly assetDir: string;
  readonly handler: string;
  readonly environment: Record<string, string>;
}

let synthesized: Record<string, Deployed> | undefined;
/** The assets every client runs, synthesized once for the file. */
function deployments(): Record<string, Deployed> {
  return (synthesized ??= synthesize({
    handler: { handler: 'handler' },
    callbackHandler: { handler: 'callbackHandler' },
    unwrapped: { handler: 'callbackHandler', wrapHandler: false },
    lingering: { handler: 'lingeringCallbackHandler' },
  }));
}
afterAll(() => removeTestApps());

/** Synthesizes one DatadogTracedFunction per export and returns each bundled asset with its handler and environment. */
function synthesize(functions: Record<string, { handler: string; wrapHandler?: boolean }>): Record<string, Deployed> {
  AssetStaging.clearAssetHashCache();
  const app = testApp({ bundle: true });
  const stack = new Stack(app, 'Ric', { env: US_EAST_1 });
  for (const [name, props] of Object.entries(functions)) tracedFunction(stack, name, { entry: FIXTURE, ...props });
  const resources = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  const deployed: Record<string, Deployed> = {};
  for (const name of Object.keys(functions)) {
    const [, resource] = Object.entries(resources).find(([id]) => id.startsWith(name))!;
    const props = resource.Properties as { Code: { S3Key: string }; Handler: string; Environment?: { Variables?: Record<string, unknown> } };
    const variables = Object.entries(props.Environment?.Variables ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    deployed[name] = {
      assetDir: path.join(app.outdir, `asset.${props.Code.S3Key.replace(/\.zip$/, '')}`),
      handler: props.Handler,
      environment: Object.fromEntries(variables),
    };
  }
  return deployed;
}

/** One function's sandbox: the runtime interface client in a child process, as Lambda starts it. */
class Sandbox {
  output = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly api: RuntimeApiStandIn,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(ric: Client, fn: Deployed, extension: ExtensionEmulator, functionName: string): Promise<Sandbox> {
    const api = await RuntimeApiStandIn.start();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...fn.environment,
      // Lambda's own variables (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
      AWS_EXECUTION_ENV: ric.runtime,
      AWS_LAMBDA_RUNTIME_API: api.address,
      AWS_LAMBDA_FUNCTION_NAME: functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: '2026/12/01/[$LATEST]0123456789abcdef',
      AWS_REGION: 'us-east-1',
      LAMBDA_TASK_ROOT: fn.assetDir,
      _HANDLER: fn.handler,
      TZ: ':UTC',
      // The emulator instead of the extension, and no DogStatsD traffic to port 8125.
      ...extension.environment(),
      DD_DOGSTATSD_PORT: '9',
    };
    const child = spawn(process.execPath, ric.args(fn.handler), { cwd: fn.assetDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Sandbox(api, child);
  }

  /** Invokes, failing with the runtime's output if it reports nothing within `ms`. */
  async invoke(event: unknown, ms = 20_000): Promise<InvocationOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no outcome within ${ms} ms; runtime output:\n${this.output}`)), ms);
    });
    const exited = this.exited.then((code) => {
      throw new Error(`the runtime exited (${String(code)}) before answering; output:\n${this.output}`);
    });
    try {
      return await Promise.race([this.api.invoke(event), timeout, exited]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
    await this.api.close();
  }
}

for (const ric of CLIENTS) {
  if (!isInstalled(ric)) {
    describe(`the construct asset under aws-lambda-ric ${ric.version}`, () => {
      // Skipped only when the client could not be installed: `.ci/aws-lambda-ric.sh` builds it and logs why it could not.
      // eslint-disable-next-line no-restricted-syntax -- a conditional skip, naming what is missing
      it.skip(`needs aws-lambda-ric ${ric.version} built in ${ric.dir}: run \`bash .ci/aws-lambda-ric.sh ${ric.version}\` (cmake, make, g++, python3, autoconf, automake, libtool)`, () => undefined);
    });
    continue;
  }
  const node24 = ric.version.startsWith('4.');
  describe(`the construct asset under aws-lambda-ric ${(JSON.parse(readFileSync(path.join(ric.dir, 'package.json'), 'utf8')) as { version: string }).version} (${ric.runtime})`, () => {
    let deployed: Record<string, Deployed>;
    let extension: ExtensionEmulator;
    const sandboxes: Sandbox[] = [];

    beforeAll(async () => {
      deployed = deployments();
      extension = await ExtensionEmulator.start();
      // Loading aws-cdk-lib and bundling three assets: ≈ 10 s of CPU, more on a loaded machine.
    }, 120_000);
    beforeEach(() => extension.reset());
    afterEach(async () => {
      for (const sandbox of sandboxes.splice(0)) await sandbox.stop();
    });
    afterAll(async () => {
      await extension?.close();
    });

    async function sandboxFor(name: string, functionName = 'orders'): Promise<Sandbox> {
      const sandbox = await Sandbox.start(ric, deployed[name]!, extension, functionName);
      sandboxes.push(sandbox);
      return sandbox;
    }

    it('returns the result unchanged, after start/end-invocation, with the spans in the extension trace', async () => {
      // GIVEN the asset of an async handler, started by the runtime interface client
      const sandbox = await sandboxFor('handler');

      // WHEN Lambda delivers an event
      const outcome = await sandbox.invoke({ orderId: 'o-1' });

      // THEN the response is the handler's result, untouched
      expect(outcome).toMatchObject({ kind: 'response', body: { statusCode: 200, orderId: 'o-1' } });
      // AND the extension saw the invocation start and end under the same request id
      expect(extension.received).toEqual(expect.arrayContaining(['start-invocation', 'end-invocation', 'traces']));
      expect(extension.starts[0]!.headers['lambda-runtime-aws-request-id']).toBe(outcome.requestId);
      expect(extension.starts[0]!.event).toEqual({ orderId: 'o-1' });
      expect(extension.ends[0]!.headers['lambda-runtime-aws-request-id']).toBe(outcome.requestId);
      expect(extension.ends[0]!.result).toEqual({ statusCode: 200, orderId: 'o-1' });
      // AND the handler's span reached the intake, a child of the extension's aws.lambda, in its trace
      const lambda = extension.lambdaSpans[0]!;
      const span = extension.receivedSpans().find((s) => s.resource === 'load-order')!;
      expect(span).toBeDefined();
      expect(span.trace_id).toBe(lambda.trace_id);
      expect(span.parent_id).toBe(lambda.span_id);
      expect(span.service).toBe('orders');
    });

    it('reports a thrown error through /error with its type and message, and to the extension', async () => {
      const sandbox = await sandboxFor('handler');

      const outcome = await sandbox.invoke({ orderId: 'o-404', fail: true });

      expect(outcome.kind).toBe('error');
      if (outcome.kind !== 'error') return;
      expect(outcome.body.errorType).toBe('OrderNotFound');
      expect(outcome.body.errorMessage).toBe('order o-404 does not exist');
      const end = extension.ends[0]!;
      expect(end.headers['x-datadog-invocation-error']).toBe('true');
      expect(Buffer.from(String(end.headers['x-datadog-invocation-error-type']), 'base64').toString()).toBe('OrderNotFound');
      expect(extension.lambdaSpans[0]!.error).toBe(1);
    });

    it('serves several invocations from one process, each in its own trace', async () => {
      const sandbox = await sandboxFor('handler');

      const first = await sandbox.invoke({ orderId: 'a' });
      const second = await sandbox.invoke({ orderId: 'b' });

      expect([first.kind, second.kind]).toEqual(['response', 'response']);
      expect(extension.lambdaSpans).toHaveLength(2);
      expect(extension.lambdaSpans[0]!.trace_id).not.toBe(extension.lambdaSpans[1]!.trace_id);
      const spans = extension.receivedSpans().filter((s) => s.resource === 'load-order');
      expect(spans.map((s) => s.trace_id)).toEqual(extension.lambdaSpans.map((s) => s.trace_id));
    });

    if (node24) it('refuses the callback-style handler when it is not wrapped (the control: this is the Node.js 24 rule)', async () => {
      const sandbox = await sandboxFor('unwrapped');

      const initError = await Promise.race([sandbox.api.nextInitError(), sandbox.exited.then(() => sandbox.api.initErrors[0])]);

      expect(initError?.body.errorType).toBe('Runtime.CallbackHandlerDeprecated');
      expect(initError?.body.errorMessage).toMatch(/removed support for callback-based function handlers starting with Node.js 24/);
    });

    if (!node24) it('keeps callbackWaitsForEmptyEventLoop: the answer waits for the event loop to empty', async () => {
      // GIVEN a callback handler that calls back at once and leaves a 400 ms timer behind
      const sandbox = await sandboxFor('lingering');

      // WHEN invoked
      const outcome = await sandbox.invoke({});
      const answeredAt = Date.now();

      // THEN the runtime answered only after the timer, as it does for the unwrapped handler
      expect(outcome.kind).toBe('response');
      const { calledBackAt } = (outcome as { body: { calledBackAt: number } }).body;
      expect(answeredAt - calledBackAt).toBeGreaterThanOrEqual(390);
      expect(extension.ends).toHaveLength(1);
    });

    it('runs the callback-style handler when wrapped', async () => {
      // GIVEN the asset of a callback-style handler
      const sandbox = await sandboxFor('callbackHandler');

      // WHEN invoked, once answering and once failing
      const ok = await sandbox.invoke({ orderId: 'c-1' });
      const failed = await sandbox.invoke({ orderId: 'c-2', fail: true });

      // THEN init passed and both outcomes went back as the callback gave them
      expect(sandbox.api.initErrors).toEqual([]);
      expect(ok).toMatchObject({ kind: 'response', body: { statusCode: 200, orderId: 'c-1', style: 'callback' } });
      expect(failed).toMatchObject({ kind: 'error', body: { errorType: 'OrderNotFound', errorMessage: 'order c-2 does not exist' } });
      expect(extension.ends).toHaveLength(2);
      expect(extension.receivedSpans().filter((s) => s.resource === 'load-order-callback')).toHaveLength(2);
    });
  });
}
