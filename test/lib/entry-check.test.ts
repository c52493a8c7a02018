import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ConfigurationError } from '../../lib';
import { handlerExport, missingEntryProblem } from '../../lib/entry-check';
import { REPO_ROOT, US_EAST_1, removeTestApps, testApp, tracedFunction } from './support';

const written: string[] = [];
afterAll(() => {
  removeTestApps();
  for (const dir of written) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` into a fresh directory under the repository's cdk.out (the bundling project root). */
function sources(files: Record<string, string>, parent = path.join(REPO_ROOT, 'cdk.out')): string {
  const dir = mkdtempSync(path.join(parent, 'entries-'));
  written.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('missingEntryProblem', () => {
  it('accepts a file and explains a missing path or a directory', () => {
    const dir = sources({ 'a.ts': '' }, tmpdir());
    expect(missingEntryProblem(path.join(dir, 'a.ts'))).toBeUndefined();
    expect(missingEntryProblem(path.join(dir, 'b.ts'))).toBe('does not exist');
    expect(missingEntryProblem(dir)).toBe('is a directory, not a file');
  });
});

describe('handlerExport', () => {
  const dir = sources(
    {
      'plain.ts': 'export const handler = async () => 1;\nexport function main() {}\n',
      'renamed.ts': 'const run = async () => 1;\nexport { run as handler };\n',
      'star.mts': "export * from './renamed';\n",
      'default.ts': 'export default async () => 1;\n',
      'module-exports.cjs': 'module.exports = { handler: async () => 1 };\n',
      'exports-dot.cjs': 'exports.handler = async () => 1;\n',
      'star-package.ts': "export * from '@opentelemetry/api';\n",
      'no-handler.ts': "export const other = 1;\nexport type handler = string;\nexport { main } from './plain';\n",
    },
    tmpdir(),
  );
  const check = (file: string, handler = 'handler') => handlerExport(path.join(dir, file), handler);

  it.each([
    ['a named export', 'plain.ts', 'handler'],
    ['a renamed export', 'renamed.ts', 'handler'],
    ['an export * from a local module', 'star.mts', 'handler'],
    ['export default', 'default.ts', 'default'],
    ['a CommonJS exports.handler assignment', 'exports-dot.cjs', 'handler'],
  ])('finds %s', (_name, file, handler) => {
    expect(check(file, handler)).toEqual({ found: true });
  });

  it('lists the exports it found when the handler is not one of them (types are not exports)', () => {
    expect(check('no-handler.ts')).toEqual({ found: false, decided: true, exports: ['main', 'other'] });
    expect(check('default.ts')).toEqual({ found: false, decided: true, exports: ['default'] });
  });

  it('does not decide for module.exports or export * from a package', () => {
    expect(check('module-exports.cjs')).toEqual({ found: false, decided: false, why: 'it is CommonJS (module.exports)' });
    expect(check('star-package.ts')).toEqual({ found: false, decided: false, why: 'it re-exports a package with `export * from`' });
  });
});

describe('DatadogTracedFunction handler export check', () => {
  const dir = sources({
    'orders.ts': 'export const main = async () => 1;\nexport const handle = async () => 2;\n',
    'legacy.cjs': 'module.exports = { handler: async () => 1 };\n',
  });
  const bundlingStack = () => new Stack(testApp({ bundle: true }), 'Stack', { env: US_EAST_1 });

  it('fails synth naming the file, the export and the exports it has', () => {
    // GIVEN / WHEN / THEN: the error comes before bundling
    const entry = path.join(dir, 'orders.ts');
    expect(() => tracedFunction(bundlingStack(), 'Orders', { entry })).toThrow(ConfigurationError);
    expect(() => tracedFunction(bundlingStack(), 'Orders', { entry })).toThrow(
      `\`handler\` 'handler': ${entry} has no export named 'handler'. It exports: 'handle', 'main'. Set \`handler\` to one of them, or export your handler under that name. (at Stack/Orders)`,
    );
  });

  it('fails synth for a missing default export too', () => {
    expect(() => tracedFunction(bundlingStack(), 'Orders', { entry: path.join(dir, 'orders.ts'), handler: 'default' })).toThrow(/has no default export\. It exports: 'handle', 'main'/);
  });

  it('checks the export NodejsFunction will call when wrapHandler is false', () => {
    expect(() => tracedFunction(bundlingStack(), 'Orders', { entry: path.join(dir, 'orders.ts'), wrapHandler: false, handler: 'index.run' })).toThrow(
      /`handler` 'run': .*orders\.ts has no export named 'run'\. It exports: 'handle', 'main'/,
    );
  });

  it('warns, and synthesizes, when the exports cannot be known statically', () => {
    const stack = bundlingStack();
    tracedFunction(stack, 'Legacy', { entry: path.join(dir, 'legacy.cjs') });
    Annotations.fromStack(stack).hasWarning(
      '/Stack/Legacy',
      Match.stringLikeRegexp(`Cannot check that .*legacy\\.cjs has an export named 'handler': it is CommonJS \\(module\\.exports\\)`),
    );
  });

  it('is skipped when the stack is not bundled', () => {
    expect(() => tracedFunction(new Stack(testApp(), 'Stack', { env: US_EAST_1 }), 'Orders', { entry: path.join(dir, 'orders.ts') })).not.toThrow();
  });
});
