import { spawn } from 'node:child_process';
import type { ExtensionEmulator } from '../../runtime/testing';

/**
 * Runs one invocation of a bundled handler in a fresh Node process pointed at `extension`, as
 * a Lambda sandbox would load it, and returns its exit code and what it printed (the result,
 * as JSON). The child is killed after `timeoutMs`, so a handle left open fails the test
 * instead of hanging it.
 */
export function invokeBundle(bundle: string, extension: ExtensionEmulator, timeoutMs = 5000): Promise<{ exitCode: number | null; stdout: string }> {
  const env = { PATH: process.env.PATH, ...extension.environment(), DD_DOGSTATSD_PORT: '9' };
  const script = `require(${JSON.stringify(bundle)}).handler({}, { awsRequestId: 'r1', functionName: 'orders' }).then((r) => console.log(JSON.stringify(r)))`;
  const child = spawn(process.execPath, ['-e', script], { env });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => {
    const killer = setTimeout(() => child.kill(), timeoutMs);
    child.on('error', reject);
    child.on('exit', (exitCode) => {
      clearTimeout(killer);
      resolve({ exitCode, stdout });
    });
  });
}
