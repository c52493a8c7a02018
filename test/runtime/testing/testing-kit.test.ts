import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { trace } from '@opentelemetry/api';
import { wrapHandler } from '../../../runtime';
import { resolveConfig, withContextService } from '../../../runtime/config';
import { createLambdaContext, EXTENSION_PORTS, ExtensionEmulator } from '../../../runtime/testing';
import { preserveEnv } from '../../helpers/env';

const root = resolve(__dirname, '../../..');

/** Bundles a script that imports the package's sources, so a child process runs it with plain node. */
async function bundleScript(dir: string, name: string, source: string): Promise<string> {
  const entry = join(dir, `${name}.ts`);
  writeFileSync(entry, source.replaceAll('@runtime', join(root, 'runtime/index.ts')).replaceAll('@testing', join(root, 'runtime/testing/index.ts')));
  const outfile = join(dir, `${name}.js`);
  await build({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'], nodePaths: [join(root, 'node_modules')], outfile, logLevel: 'silent' });
  return outfile;
}

/** Runs `node file` and resolves with its exit code, stdout and how long it took; kills it after `limitMs`. */
function run(file: string, env: NodeJS.ProcessEnv, limitMs: number): Promise<{ code: number | null; stdout: string; stderr: string; ms: number; killed: boolean }> {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [file], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveRun) => {
    let killed = false;
    const killer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolveRun({ code, stdout, stderr, ms: Date.now() - startedAt, killed });
    });
  });
}

/** The environment a child gets: no Lambda or Datadog variables of this machine. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, DD_DOGSTATSD_PORT: '9' };
  return { ...env, ...extra };
}

describe('createLambdaContext({ functionName }) names the service of the spans', () => {
  preserveEnv();
  beforeEach(() => {
    delete process.env.DD_SERVICE;
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  });

  it('gives the spans the function name, lower-cased, when nothing else names the service', async () => {
    // GIVEN the README's setup: the emulator's config, no service anywhere
    await using extension = await ExtensionEmulator.start();
    const handler = wrapHandler(async () => {
      trace.getTracer('orders').startSpan('load-order').end();
      return { statusCode: 200 };
    }, extension.config());

    // WHEN invoked with a context naming the function
    await handler({}, createLambdaContext({ functionName: 'Orders-API' }));

    // THEN the spans carry that service, as they would in Lambda (AWS_LAMBDA_FUNCTION_NAME)
    const received = extension.receivedSpans();
    expect(received.length).toBeGreaterThan(0);
    expect(new Set(received.map((span) => span.service))).toEqual(new Set(['orders-api']));
  });

  it('lets the service option, DD_SERVICE and AWS_LAMBDA_FUNCTION_NAME win over the context', () => {
    const context = { functionName: 'from-context' };
    const resolveFor = (options: { service?: string }, env: Record<string, string>) =>
      withContextService(resolveConfig(options, env), options, context, env).service;

    expect(resolveFor({}, {})).toBe('from-context');
    expect(resolveFor({ service: 'option' }, {})).toBe('option');
    expect(resolveFor({}, { DD_SERVICE: 'dd-service' })).toBe('dd-service');
    expect(resolveFor({}, { AWS_LAMBDA_FUNCTION_NAME: 'Lambda-Name' })).toBe('lambda-name');
    expect(withContextService(resolveConfig({}, {}), {}, undefined, {}).service).toBe('aws.lambda');
    expect(withContextService(resolveConfig({}, {}), {}, { functionName: 42 }, {}).service).toBe('aws.lambda');
  });
});

describe('ExtensionEmulator ports and environment', () => {
  it('listens on the ports it is given', async () => {
    // GIVEN two ports known to be free
    const [lifecycle, traces] = await Promise.all([freePort(), freePort()]);

    // WHEN the emulator is started on them
    await using extension = await ExtensionEmulator.start({ ports: { lifecycle, traces } });

    // THEN its URLs and environment name them
    expect(extension.lifecycleUrl).toBe(`http://127.0.0.1:${lifecycle}`);
    expect(extension.traceUrl).toBe(`http://127.0.0.1:${traces}`);
    expect(extension.environment()).toMatchObject({
      DD_LAMBDA_EXTENSION_URL: `http://127.0.0.1:${lifecycle}`,
      DD_TRACE_AGENT_URL: `http://127.0.0.1:${traces}`,
      DD_LAMBDA_EXTENSION_PATH: extension.extensionPath,
    });
  });

  it("rejects a port in use, naming it, and cleans up what it opened", async () => {
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', () => done()));
    const port = (busy.address() as AddressInfo).port;
    try {
      await expect(ExtensionEmulator.start({ ports: { lifecycle: port, traces: 0 } })).rejects.toThrow(`port ${port} on 127.0.0.1 is in use`);
      await expect(ExtensionEmulator.start({ ports: { lifecycle: -1, traces: 0 } })).rejects.toThrow(RangeError);
    } finally {
      busy.close();
    }
  });

  it("'fixed' takes the extension's own ports, 8124 and 8126 (or says which one is taken)", async () => {
    let extension: ExtensionEmulator | undefined;
    try {
      extension = await ExtensionEmulator.start({ ports: 'fixed' });
    } catch (error) {
      // Another process on this machine holds one of them: the message must say which.
      expect(String(error)).toMatch(/port (8124|8126) on 127\.0\.0\.1/);
      return;
    }
    try {
      expect(extension.lifecycleUrl).toBe(`http://127.0.0.1:${EXTENSION_PORTS.lifecycle}`);
      expect(extension.traceUrl).toBe(`http://127.0.0.1:${EXTENSION_PORTS.traces}`);
    } finally {
      await extension.close();
    }
  });

  it('environment() is all a bundle in another process needs: the traced invocation reaches the emulator', async () => {
    // GIVEN a bundle of the runtime with default settings, and only the emulator's environment
    const dir = mkdtempSync(join(tmpdir(), 'dd-kit-'));
    try {
      const file = await bundleScript(
        dir,
        'bundle',
        `import { trace } from '@opentelemetry/api';
         import { wrapHandler } from '@runtime';
         import { createLambdaContext } from '@testing';
         const handler = wrapHandler(async (event: { n: number }) => {
           trace.getTracer('billing').startSpan('charge').end();
           return { doubled: event.n * 2 };
         });
         handler({ n: 21 }, createLambdaContext({ functionName: 'Billing' })).then((r) => console.log(JSON.stringify(r)));`,
      );
      await using extension = await ExtensionEmulator.start();

      // WHEN it runs one invocation
      const result = await run(file, cleanEnv(extension.environment()), 10_000);

      // THEN the result is unchanged and the emulator saw the lifecycle and the spans, service from the context
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ doubled: 42 });
      expect(extension.starts).toHaveLength(1);
      expect(extension.ends).toHaveLength(1);
      const spans = extension.receivedSpans();
      expect(spans.length).toBeGreaterThan(0);
      expect(spans.every((span) => span.service === 'billing')).toBe(true);
      expect(spans.every((span) => span.trace_id === extension.lambdaSpans[0]!.trace_id)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ExtensionEmulator never holds the process', () => {
  it('a test that fails before close() still lets the process exit by itself', async () => {
    // GIVEN a script that starts the emulator, makes a traced call, then fails without close()
    const dir = mkdtempSync(join(tmpdir(), 'dd-kit-'));
    try {
      const file = await bundleScript(
        dir,
        'failing-test',
        `import { wrapHandler } from '@runtime';
         import { createLambdaContext, ExtensionEmulator } from '@testing';
         async function main() {
           const extension = await ExtensionEmulator.start();
           const handler = wrapHandler(async () => 'ok', extension.config());
           await handler({}, createLambdaContext());
           if (extension.ends.length !== 1) throw new Error('no end-invocation');
           throw new Error('assertion failed before close()');
         }
         main().catch((error) => { console.log(error.message); process.exitCode = 1; });`,
      );

      // WHEN it runs
      const result = await run(file, cleanEnv({}), 10_000);

      // THEN it ends on its own, promptly, with the failure (no open handle kept it)
      expect(result.killed).toBe(false);
      expect(result.stdout.trim()).toBe('assertion failed before close()');
      expect(result.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Symbol.asyncDispose closes it, and closing twice is harmless', async () => {
    const extension = await ExtensionEmulator.start();
    const url = `${extension.lifecycleUrl}/lambda/start-invocation`;

    await extension[Symbol.asyncDispose]();
    await extension.close();

    await expect(post(url)).rejects.toThrow(/ECONNREFUSED/);
  });
});

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

function post(url: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(url, { method: 'POST' }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on('error', fail);
    req.end('{}');
  });
}

describe('ExtensionEmulator pairs start and end by request id, as the extension does', () => {
  it('builds aws.lambda from the start context even when end-invocation arrives first', async () => {
    await using extension = await ExtensionEmulator.start();
    const post = (route: string, headers: Record<string, string>, body: string) =>
      fetch(`${extension.config().extensionUrl}/lambda/${route}`, { method: 'POST', headers, body }).then((response) => response.text());
    const requestId = 'req-end-first';

    await post('end-invocation', { 'lambda-runtime-aws-request-id': requestId, 'x-datadog-span-id': '99', 'x-datadog-trace-id': '5' }, '{}');
    expect(extension.lambdaSpans[0]!.trace_id).toBe(5n);
    await post('start-invocation', { 'lambda-runtime-aws-request-id': requestId }, JSON.stringify({ headers: { 'x-datadog-trace-id': '1234', 'x-datadog-parent-id': '56' } }));

    expect(extension.lambdaSpans).toHaveLength(1);
    expect(extension.lambdaSpans[0]).toMatchObject({ trace_id: 1234n, parent_id: 56n, span_id: 99n });
  });
});
