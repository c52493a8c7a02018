import { spawn, type ChildProcess } from 'node:child_process';
import { RESULT_MARK } from './processes/lambda-fixtures';
import { PORTS } from './scenarios';
import { paths } from './workspace';

/** Runs `node <args>` to completion and returns the JSON it reported on its result line. */
export function runChild<T>(node: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (line) return resolve(JSON.parse(line.slice(RESULT_MARK.length)) as T);
      reject(new Error(`${node} ${args.join(' ')} exited ${signal ?? code} without a result\n${stderr.slice(-2000)}${stdout.slice(-2000)}`));
    });
  });
}

/** Starts a long-running child and resolves once it prints `ready`. */
export function startDaemon(node: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code} before it was ready`)));
  });
}

/**
 * Starts the extension stand-in on the real extension ports. It always runs on the
 * orchestrator's Node, so it answers equally fast whichever Node is measured.
 */
export function startStandIn(intakeDelayMs = 0, nodeHttpLifecycle = false): Promise<ChildProcess> {
  const ports = [PORTS.lifecycle, PORTS.traces, PORTS.dogstatsd, PORTS.runtimeApi, intakeDelayMs, PORTS.downstream];
  const flags = nodeHttpLifecycle ? ['--node-http-lifecycle'] : [];
  return startDaemon(process.execPath, [paths.process('extension-stand-in'), ...ports.map(String), ...flags], { PATH: process.env.PATH });
}
