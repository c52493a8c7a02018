import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Scratch projects that install the packed package the way a user would. */

export const REPO_ROOT = resolve(__dirname, '../..');

const scratchRoots: string[] = [];

/** Builds and packs the package once (`npm pack` runs `prepack`, the build), returning the tarball. */
export function packOnce(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dd-pack-'));
  scratchRoots.push(dir);
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const name = out.trim().split('\n').pop();
  if (!name?.endsWith('.tgz')) throw new Error(`npm pack printed no tarball name: ${out}`);
  return join(dir, name);
}

export interface Installed {
  readonly dir: string;
  /** npm's warnings, less its notice about install scripts (a policy note on esbuild's own postinstall). */
  readonly warnings: string[];
  readonly output: string;
}

/**
 * A new project with `packages` installed by `npm install`, from npm's cache when it has them
 * (the repository's own install put them there). `type` sets the project's module kind.
 */
export function installProject(name: string, packages: readonly string[], type: 'commonjs' | 'module' = 'commonjs'): Installed {
  const dir = mkdtempSync(join(tmpdir(), `dd-${name}-`));
  scratchRoots.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `scratch-${name}`, version: '1.0.0', private: true, type }, null, 2));
  const result = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn', ...packages], { cwd: dir, encoding: 'utf8' });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0) throw new Error(`npm install ${packages.join(' ')} failed:\n${output}`);
  const warnings = output
    .split('\n')
    .filter((line) => /^npm warn/i.test(line) && !/^npm warn install-scripts/i.test(line));
  return { dir, warnings, output };
}

export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
}

/** Runs a command line through bash in `dir`, as a user types it; throws with its output on failure. */
export function shell(dir: string, command: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync('bash', ['-c', command], { cwd: dir, encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(`${command} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Total size of the files under `dir`, in bytes (what the install puts on disk, less block rounding). */
export function treeBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => {
    const file = join(dir, name);
    const stats = statSync(file);
    return sum + (stats.isDirectory() ? treeBytes(file) : stats.size);
  }, 0);
}

export function removeScratch(): void {
  for (const dir of scratchRoots.splice(0)) rmSync(dir, { recursive: true, force: true });
}
