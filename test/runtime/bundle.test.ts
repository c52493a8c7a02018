import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pkg from '../../package.json';
import { ExtensionEmulator } from '../../runtime/testing';
import { LIBRARY_VERSION } from '../../runtime/version';
import { BUNDLE_GUARD_BYTES, bundleWrappedHandler } from '../../scripts/wrapped-handler-bundle';
import { invokeBundle } from '../helpers/run-bundle';

describe('the runtime bundle', () => {
  let dir: string;
  let outfile: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dd-bundle-'));
    ({ outfile } = await bundleWrappedHandler(dir));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never contains the CDK', () => {
    const code = readFileSync(outfile, 'utf8');
    expect(code).not.toMatch(/aws-cdk-lib|from"constructs"|require\("constructs"\)/);
  });

  // Issue #10's budget is 120 KB with every integration in. What a user gets, self-bundling from
  // the published package, is 121,810 B since the warm-path work of issue #14 (pipelining, the
  // in-place response parser; test/package holds it to 122,000 B). Built from the sources as the
  // construct builds them, as here (the OpenTelemetry API 1.9 aliased to its ES2017 build), it
  // is 121,463 B (`npx tsx scripts/bundle-size.ts`). A guard against growth, not the goal.
  it('stays within 122 KB minified when built from the sources', () => {
    expect(readFileSync(outfile).length).toBeLessThanOrEqual(BUNDLE_GUARD_BYTES);
  });

  it('leaves nothing running after an invocation with the extension present: the process exits by itself', async () => {
    // GIVEN the emulator in this process and the bundled handler in a child pointed at it
    const extension = await ExtensionEmulator.start();
    try {
      // WHEN it runs one invocation (keep-alive sockets, the prewarm, a metrics flush)
      const { exitCode, stdout } = await invokeBundle(outfile, extension);
      // THEN it exits on its own (no ref'd socket or timer keeps it alive) after a traced invocation
      expect(exitCode).toBe(0);
      expect(JSON.parse(stdout)).toEqual({ statusCode: 200 });
      expect(extension.ends).toHaveLength(1);
    } finally {
      await extension.close();
    }
  });

  it('loads and runs in a fresh Node process with no extension installed', () => {
    const output = execFileSync(
      process.execPath,
      ['-e', `require(${JSON.stringify(outfile)}).handler({}, { awsRequestId: 'r1' }).then((r) => console.log(JSON.stringify(r)))`],
      { env: { PATH: process.env.PATH, DD_LAMBDA_EXTENSION_PATH: '/nonexistent' }, encoding: 'utf8' },
    );
    expect(JSON.parse(output)).toEqual({ statusCode: 200 });
  });
});

describe('LIBRARY_VERSION', () => {
  it('matches package.json', () => {
    expect(LIBRARY_VERSION).toBe(pkg.version);
  });
});
