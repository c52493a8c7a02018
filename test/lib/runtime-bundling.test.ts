import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AssetStaging, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import {
  BUNDLING_DEFAULTS,
  ESM_REQUIRE_BANNER,
  OTEL_API_SPECIFIER,
  RUNTIME_SPECIFIER,
  bundlingOptions,
  bundlingProjectRoot,
  generatedEntryDirectory,
  otelApiAlias,
  otelApiAliasOption,
  runtimeAlias,
  runtimeEntryPath,
  writeWrapperEntry,
} from '../../lib/runtime-bundling';
import { REPO_ROOT, US_EAST_1, removeTestApps, testApp, tracedFunction } from './support';

const written: string[] = [];
afterAll(() => {
  removeTestApps();
  for (const dir of written) rmSync(dir, { recursive: true, force: true });
});

/** Writes a small user project under the repository's cdk.out (inside the bundling project root). */
function userProject(files: Record<string, string>): string {
  const parent = path.join(REPO_ROOT, 'cdk.out');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, 'app-'));
  written.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('bundlingOptions', () => {
  it('defaults to minified CJS with source maps without sources, and module-first main fields', () => {
    expect(bundlingOptions()).toEqual({ format: OutputFormat.CJS, minify: true, sourceMap: true, sourcesContent: false, mainFields: ['module', 'main'] });
  });

  it('lets each user option replace the default', () => {
    expect(bundlingOptions({ minify: false, mainFields: ['main'], sourcesContent: true })).toEqual({ ...BUNDLING_DEFAULTS, minify: false, mainFields: ['main'], sourcesContent: true });
  });

  it('gives an ESM bundle the createRequire banner unless the user set one', () => {
    expect(bundlingOptions({ format: OutputFormat.ESM }).banner).toBe(ESM_REQUIRE_BANNER);
    expect(bundlingOptions({ format: OutputFormat.ESM, banner: '/* mine */' }).banner).toBe('/* mine */');
    expect(bundlingOptions().banner).toBeUndefined();
  });

  it('defaults an ES module entry to ESM with the banner; an explicit format wins', () => {
    expect(bundlingOptions({}, { esm: true })).toMatchObject({ format: OutputFormat.ESM, banner: ESM_REQUIRE_BANNER });
    const explicit = bundlingOptions({ format: OutputFormat.CJS }, { esm: true });
    expect(explicit.format).toBe(OutputFormat.CJS);
    expect(explicit.banner).toBeUndefined();
  });

  it('aliases the runtime specifier, next to the user\'s own aliases', () => {
    expect(bundlingOptions({}, { runtimeAlias: '/rt' }).esbuildArgs).toEqual({ '--alias': 'datadog-lambda-ts/runtime=/rt' });
    expect(bundlingOptions({ esbuildArgs: { '--alias': 'a=b', '--log-limit': '0' } }, { runtimeAlias: '/rt' }).esbuildArgs).toEqual({
      '--alias': ['datadog-lambda-ts/runtime=/rt', 'a=b'],
      '--log-limit': '0',
    });
    const own = { '--alias': ['datadog-lambda-ts/runtime=./mine'] };
    expect(bundlingOptions({ esbuildArgs: own }, { runtimeAlias: '/rt' }).esbuildArgs).toEqual(own);
    expect(bundlingOptions().esbuildArgs).toBeUndefined();
  });

  it('aliases the OpenTelemetry API next to the runtime; an alias of the user\'s for either wins', () => {
    const context = { runtimeAlias: '/rt', otelApiAlias: '/api' };
    expect(bundlingOptions({}, context).esbuildArgs).toEqual({ '--alias': ['datadog-lambda-ts/runtime=/rt', '@opentelemetry/api=/api'] });
    expect(bundlingOptions({}, { otelApiAlias: '/api' }).esbuildArgs).toEqual({ '--alias': '@opentelemetry/api=/api' });
    expect(bundlingOptions({ esbuildArgs: { '--alias': '@opentelemetry/api=./my-api' } }, context).esbuildArgs).toEqual({
      '--alias': ['datadog-lambda-ts/runtime=/rt', '@opentelemetry/api=./my-api'],
    });
  });
});

describe('otelApiAlias', () => {
  /** A project under the repository's cdk.out with `@opentelemetry/api` installed from `manifest`. */
  function projectWithApi(manifest: Record<string, unknown>, files: Record<string, string> = {}): string {
    const dir = userProject({ 'package.json': '{}' });
    const api = path.join(dir, 'node_modules', '@opentelemetry', 'api');
    mkdirSync(api, { recursive: true });
    writeFileSync(path.join(api, 'package.json'), JSON.stringify({ name: OTEL_API_SPECIFIER, main: 'main.js', ...manifest }));
    writeFileSync(path.join(api, 'main.js'), '');
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(api, name)), { recursive: true });
      writeFileSync(path.join(api, name), text);
    }
    return dir;
  }

  it("is the installed API's esnext build directory, mounted under /asset-input in Docker", () => {
    const esnext = path.join(REPO_ROOT, 'node_modules', '@opentelemetry', 'api', 'build', 'esnext');
    expect(otelApiAlias(REPO_ROOT, false)).toBe(esnext);
    expect(existsSync(path.join(esnext, 'index.js'))).toBe(true);
    expect(otelApiAlias(REPO_ROOT, true)).toBe('/asset-input/node_modules/@opentelemetry/api/build/esnext');
    expect(otelApiAliasOption(REPO_ROOT)).toEqual({ [OTEL_API_SPECIFIER]: esnext });
  });

  it('is undefined for an API without an esnext build (1.10 and later), or with its build missing', () => {
    expect(otelApiAlias(projectWithApi({ version: '1.10.0', exports: { '.': { default: './main.js' } } }), false)).toBeUndefined();
    expect(otelApiAlias(projectWithApi({ version: '1.9.0', esnext: 'build/esnext/index.js' }), false)).toBeUndefined();
    const complete = projectWithApi({ version: '1.9.0', esnext: 'build/esnext/index.js' }, { 'build/esnext/index.js': '' });
    expect(otelApiAlias(complete, false)).toBe(path.join(complete, 'node_modules', '@opentelemetry', 'api', 'build', 'esnext'));
  });

  it('is undefined when the API is not installed, or lies outside the project root under Docker', () => {
    const noApi = mkdtempSync(path.join(tmpdir(), 'no-api-'));
    expect(otelApiAlias(noApi, false)).toBeUndefined();
    expect(otelApiAliasOption(noApi)).toEqual({});
    // test/ resolves the API in the repository's node_modules, above it: Docker mounts test/ only.
    expect(otelApiAlias(path.join(REPO_ROOT, 'test'), true)).toBeUndefined();
  });
});

describe('runtimeAlias', () => {
  it('is the directory of the runtime the wrapper uses, mounted under /asset-input in Docker', () => {
    expect(runtimeAlias(REPO_ROOT, false)).toBe(path.join(REPO_ROOT, 'runtime'));
    expect(runtimeAlias(REPO_ROOT, true)).toBe('/asset-input/runtime');
    expect(runtimeAlias('/p', true, '/p/node_modules/datadog-lambda-ts/runtime/index.ts')).toBe('/asset-input/node_modules/datadog-lambda-ts/runtime');
  });
});

describe('runtimeEntryPath', () => {
  it('finds the TypeScript runtime beside lib/ when running from source', () => {
    expect(runtimeEntryPath()).toBe(path.join(REPO_ROOT, 'runtime', 'index.ts'));
  });

  it('finds the published module-per-file build beside dist/lib/ in an installed package', () => {
    const installed = mkdtempSync(path.join(tmpdir(), 'dd-installed-'));
    try {
      mkdirSync(path.join(installed, 'dist', 'lib'), { recursive: true });
      mkdirSync(path.join(installed, 'dist', 'module'), { recursive: true });
      writeFileSync(path.join(installed, 'dist', 'module', 'index.js'), '');
      expect(runtimeEntryPath(path.join(installed, 'dist', 'lib'))).toBe(path.join(installed, 'dist', 'module', 'index.js'));
    } finally {
      rmSync(installed, { recursive: true, force: true });
    }
  });

  it('throws, naming the places it looked, when the runtime is missing', () => {
    expect(() => runtimeEntryPath('/nonexistent/lib')).toThrow(/runtime not found next to \/nonexistent\/lib/);
  });
});

describe('generatedEntryDirectory', () => {
  it('uses the cloud assembly when it is inside the project', () => {
    expect(generatedEntryDirectory('/p/cdk.out', '/p')).toBe('/p/cdk.out/.datadog-lambda-ts');
  });

  it('uses node_modules/.cache when the cloud assembly is outside the project', () => {
    expect(generatedEntryDirectory('/tmp/cdk.out', '/p')).toBe('/p/node_modules/.cache/datadog-lambda-ts');
    expect(generatedEntryDirectory('/p-other/cdk.out', '/p')).toBe('/p/node_modules/.cache/datadog-lambda-ts');
  });
});

describe('bundlingProjectRoot', () => {
  it('prefers projectRoot, then the lock file directory, then the nearest lock file above cwd', () => {
    expect(bundlingProjectRoot('/a/b')).toBe('/a/b');
    expect(bundlingProjectRoot(undefined, '/a/c/package-lock.json')).toBe('/a/c');
    expect(bundlingProjectRoot(undefined, undefined, path.join(REPO_ROOT, 'test', 'lib'))).toBe(REPO_ROOT);
  });
});

describe('writeWrapperEntry', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'dd-entry-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the same file, named by its content, for the same inputs', () => {
    const options = { userEntry: path.join(dir, 'src', 'a.ts'), handler: 'handler', directory: path.join(dir, 'gen') };
    const first = writeWrapperEntry(options);
    const second = writeWrapperEntry(options);
    expect(second).toBe(first);
    expect(readFileSync(first, 'utf8')).toBe(
      [
        '// Generated by datadog-lambda-ts (DatadogTracedFunction). Do not edit: rewritten on every synth.',
        'import * as userModule from "../src/a.ts";',
        `import { wrapHandler } from "${RUNTIME_SPECIFIER}";`,
        'const wrapped = wrapHandler(userModule["handler"]);',
        'export { wrapped as handler };',
        '',
      ].join('\n'),
    );
    expect(writeWrapperEntry({ ...options, handler: 'main' })).not.toBe(first);
  });
});

describe('DatadogTracedFunction bundling (real esbuild)', () => {
  function synthesizedBundle(options: { outdir?: string; entry?: string; handler?: string } = {}): { stack: Stack; assetDir: string; objectKey: string } {
    AssetStaging.clearAssetHashCache();
    const app = testApp({ bundle: true, outdir: options.outdir });
    const stack = new Stack(app, 'Bundled', { env: US_EAST_1 });
    tracedFunction(stack, 'Orders', { ...(options.entry ? { entry: options.entry } : {}), ...(options.handler ? { handler: options.handler } : {}) });
    const objectKey = Template.fromStack(stack).findResources('AWS::Lambda::Function').OrdersA9B65338.Properties.Code.S3Key as string;
    return { stack, objectKey, assetDir: path.join(app.outdir, `asset.${objectKey.replace(/\.zip$/, '')}`) };
  }

  /** Runs the bundle's handler in a fresh Node process, loaded the way Lambda loads it, with no extension present. */
  function invoke(file: string, event: unknown): { stdout: string; stderr: string } {
    const load = file.endsWith('.mjs') ? `import(${JSON.stringify(file)})` : `Promise.resolve(require(${JSON.stringify(file)}))`;
    const script = `${load}.then((m) => m.handler(${JSON.stringify(event)}, { awsRequestId: 'r', functionName: 'f' })).then((r) => console.log(JSON.stringify(r)))`;
    return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH, DD_LAMBDA_EXTENSION_PATH: '/nonexistent' } });
  }

  it('bundles the wrapper around the user handler, without the CDK', () => {
    // GIVEN / WHEN
    const { assetDir } = synthesizedBundle();

    // THEN the bundle holds the wrapper and the runtime, not aws-cdk-lib
    const bundle = readFileSync(path.join(assetDir, 'index.js'), 'utf8');
    expect(bundle).toContain('datadog-lambda-ts.wrapped');
    expect(bundle).toContain('/lambda/start-invocation');
    expect(bundle).not.toContain('aws-cdk-lib');
    expect(bundle.length).toBeLessThan(150_000);

    // AND the source map names the sources without embedding them
    const map = JSON.parse(readFileSync(path.join(assetDir, 'index.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.some((source) => source.endsWith('runtime/invocation/wrap-handler.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();

    // AND the OpenTelemetry API is its ES2017 build, not the ES5 one bundlers pick by default:
    // the ES5 build's iteration helpers (`__read`, `__spreadArray`) are the bundle's only readers
    // of `[Symbol.iterator]` (4 of them without the alias)
    expect(bundle.split('Symbol.iterator]').length - 1).toBe(0);

    // AND the bundled handler runs, returning the user's result
    const run = invoke(path.join(assetDir, 'index.js'), { orderId: 'o-1' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ statusCode: 200, body: 'o-1' });
  });

  it('gives the same asset hash when synthesized twice from different output directories', () => {
    const first = synthesizedBundle();
    const second = synthesizedBundle();
    expect(path.dirname(first.assetDir)).not.toBe(path.dirname(second.assetDir));
    expect(second.objectKey).toBe(first.objectKey);
  });

  it('holds one runtime when the user code imports datadog-lambda-ts/runtime too', () => {
    // GIVEN a handler that uses the runtime's API itself, as the README shows
    const dir = userProject({
      'orders.ts': [
        "import { incrementMetric, instrumentSqsClient, processBatch, wrapHandler } from 'datadog-lambda-ts/runtime';",
        "export const handler = wrapHandler(async (event: { Records?: unknown[] }) => {",
        "  incrementMetric('orders.seen', 1);",
        '  void instrumentSqsClient;',
        '  const { batchItemFailures } = await processBatch(event as never, async () => undefined);',
        '  return { statusCode: 200, body: String(batchItemFailures.length) };',
        '});',
        '',
      ].join('\n'),
    });

    // WHEN
    const { assetDir } = synthesizedBundle({ entry: path.join(dir, 'orders.ts') });

    // THEN the runtime is in the bundle once: one copy of a string it holds once
    const bundle = readFileSync(path.join(assetDir, 'index.js'), 'utf8');
    expect(bundle.split('/lambda/start-invocation').length - 1).toBe(1);
    expect(bundle.split('datadog-lambda-ts.wrapped').length - 1).toBe(1);
    // 110 KB before the zero-code integrations, whose budget is +20 KB (issue #10).
    expect(Buffer.byteLength(bundle)).toBeLessThanOrEqual(130 * 1000);

    // AND it runs: the user's wrapHandler around the construct's is the same function
    const run = invoke(path.join(assetDir, 'index.js'), { Records: [] });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual({ statusCode: 200, body: '0' });
  });

  it('bundles a "type": "module" app that uses import.meta.url as ESM, with default settings', () => {
    // GIVEN an ES module app whose code also makes its own require
    const dir = userProject({
      'package.json': '{ "type": "module" }\n',
      'src/handler.ts': [
        "import { createRequire } from 'node:module';",
        "import { fileURLToPath } from 'node:url';",
        'const require = createRequire(import.meta.url);',
        "const file = fileURLToPath(import.meta.url);",
        "export const handler = async () => ({ statusCode: 200, body: `${typeof require('node:os').cpus} ${file.endsWith('index.mjs')}` });",
        '',
      ].join('\n'),
    });

    // WHEN
    const { stack, assetDir } = synthesizedBundle({ entry: path.join(dir, 'src', 'handler.ts') });

    // THEN the asset is index.mjs (Lambda loads it as ESM) and the handler string is unchanged
    expect(existsSync(path.join(assetDir, 'index.mjs'))).toBe(true);
    expect(existsSync(path.join(assetDir, 'index.js'))).toBe(false);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler' });
    const run = invoke(path.join(assetDir, 'index.mjs'), {});
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ statusCode: 200, body: 'function true' });
  });

  it('bundles a .mts entry with top-level await as ESM, with default settings', () => {
    const dir = userProject({
      'orders.mts': [
        "const greeting = await Promise.resolve('hello');",
        'export const handler = async () => ({ statusCode: 200, body: greeting });',
        '',
      ].join('\n'),
    });
    const { assetDir } = synthesizedBundle({ entry: path.join(dir, 'orders.mts') });
    const run = invoke(path.join(assetDir, 'index.mjs'), {});
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ statusCode: 200, body: 'hello' });
  });
});
