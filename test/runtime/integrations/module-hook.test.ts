import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * hookModuleLoads against Node's real module loader (jest has its own, so this runs in a child
 * process): every smithy-client copy already loaded is reported, and so is a copy loaded later.
 */

const root = resolve(__dirname, '../../..');

/** A stand-in smithy-client package under `dir`: a `Client` class with `send` and `destroy`. */
function fakeSmithyClient(dir: string, name: string, version: string): void {
  const packageDir = join(dir, 'node_modules', ...name.split('/'));
  mkdirSync(packageDir, { recursive: true });
  writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  writeFileSync(join(packageDir, 'index.js'), `class Client { send() {} destroy() {} }\nClient.version = ${JSON.stringify(version)};\nexports.Client = Client;\n`);
}

describe('hookModuleLoads (the SDK loaded by Node at run time)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dd-smithy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports every copy already loaded (two versions, two places), and a copy loaded later', async () => {
    // GIVEN two copies of @smithy/smithy-client (top-level and nested under a client package) and an old @aws-sdk/smithy-client
    fakeSmithyClient(dir, '@smithy/smithy-client', '1.0.0');
    const nested = join(dir, 'node_modules', '@aws-sdk', 'client-x');
    fakeSmithyClient(nested, '@smithy/smithy-client', '2.0.0');
    fakeSmithyClient(dir, '@aws-sdk/smithy-client', '3.0.0');
    writeFileSync(
      join(dir, 'scenario.ts'),
      `import { createRequire } from 'node:module';
import { hookModuleLoads } from ${JSON.stringify(join(root, 'runtime/integrations/aws-sdk/module-hook.ts'))};
const top = createRequire(${JSON.stringify(join(dir, 'index.js'))});
top('@smithy/smithy-client');
createRequire(${JSON.stringify(join(nested, 'index.js'))})('@smithy/smithy-client');
const seen: string[] = [];
hookModuleLoads((client) => seen.push((client as unknown as { version: string }).version));
top('@aws-sdk/smithy-client');
console.log(JSON.stringify(seen));
`,
    );
    const outfile = join(dir, 'scenario.js');
    await build({ entryPoints: [join(dir, 'scenario.ts')], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'silent' });

    // WHEN the hook starts after the first two loads, then a third copy is required
    const output = execFileSync(process.execPath, [outfile], { encoding: 'utf8' });

    // THEN all three were reported
    expect((JSON.parse(output) as string[]).sort()).toEqual(['1.0.0', '2.0.0', '3.0.0']);
  });
});
