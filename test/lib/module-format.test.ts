import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { esmReason } from '../../lib/module-format';

describe('esmReason', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'dd-format-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function project(type: string | undefined): string {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(type === undefined ? {} : { type }));
    mkdirSync(path.join(dir, 'src', 'deep'), { recursive: true });
    return dir;
  }

  it('reads .mts and .mjs as ES modules whatever the package says', () => {
    project('commonjs');
    expect(esmReason(path.join(dir, 'src', 'a.mts'))).toBe('extension');
    expect(esmReason(path.join(dir, 'src', 'a.mjs'))).toBe('extension');
  });

  it('reads .cts and .cjs as CommonJS whatever the package says', () => {
    project('module');
    expect(esmReason(path.join(dir, 'src', 'a.cts'))).toBeUndefined();
    expect(esmReason(path.join(dir, 'src', 'a.cjs'))).toBeUndefined();
  });

  it('follows the nearest package.json "type" for .ts and .js', () => {
    project('module');
    expect(esmReason(path.join(dir, 'src', 'deep', 'a.ts'))).toBe('package-type');
    expect(esmReason(path.join(dir, 'src', 'a.js'))).toBe('package-type');
  });

  it('stops at the nearest package.json, as Node does', () => {
    project('module');
    writeFileSync(path.join(dir, 'src', 'deep', 'package.json'), '{}');
    expect(esmReason(path.join(dir, 'src', 'deep', 'a.ts'))).toBeUndefined();
  });

  it('reads a package without "type" as CommonJS', () => {
    project(undefined);
    expect(esmReason(path.join(dir, 'src', 'a.ts'))).toBeUndefined();
  });
});
