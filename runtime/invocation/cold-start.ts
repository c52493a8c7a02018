import { globalSlot } from '../global-state';

/**
 * Cold-start detection, once per sandbox (process-wide, shared by every copy of the library).
 *
 * The first invocation of a process is a cold start, with two exceptions where the init was
 * not on the request's path: provisioned concurrency (`AWS_LAMBDA_INITIALIZATION_TYPE`) and
 * proactive initialization (Lambda started the sandbox more than 10 s before the first
 * request). Neither gets a cold-start span: its init would be drawn as tens of minutes of
 * request latency (datadog-lambda-js#657).
 */
export interface ColdStartInfo {
  /** Datadog's `cold_start` tag. */
  readonly coldStart: boolean;
  /** The sandbox was initialized well before its first request. */
  readonly proactiveInitialization: boolean;
  /** When the init phase began, as far as the process can know (ms since the epoch); set on the first invocation only. */
  readonly initStartMs?: number;
}

/** Beyond this gap between init and first invoke, Lambda initialized the sandbox ahead of demand. */
export const PROACTIVE_INIT_THRESHOLD_MS = 10_000;
export const INITIALIZATION_TYPE_ENV = 'AWS_LAMBDA_INITIALIZATION_TYPE';

interface ColdStartState {
  invoked: boolean;
  /** Set by tests through `resetColdStart`; else the process start. */
  initStartMs?: number;
}

function state(): ColdStartState {
  return globalSlot<ColdStartState>('cold-start', () => ({ invoked: false }));
}

/** When this process started: `performance.timeOrigin` is the process start in Node. */
export function processStartMs(): number {
  return performance.timeOrigin;
}

/**
 * Marks the sandbox as invoked and says whether this invocation was its cold start.
 *
 * @param invocationStartMs when this invocation started
 * @param initStartMs when the sandbox's init began @default - the process start
 */
export function takeColdStart(invocationStartMs: number, initStartMs?: number, env: Readonly<Record<string, string | undefined>> = process.env): ColdStartInfo {
  const current = state();
  initStartMs ??= current.initStartMs ?? processStartMs();
  if (current.invoked) return { coldStart: false, proactiveInitialization: false };
  current.invoked = true;
  const initType = env[INITIALIZATION_TYPE_ENV];
  if (initType === 'provisioned-concurrency' || initType === 'lambda-managed-instances') return { coldStart: false, proactiveInitialization: false };
  if (invocationStartMs - initStartMs > PROACTIVE_INIT_THRESHOLD_MS) return { coldStart: false, proactiveInitialization: true };
  return { coldStart: true, proactiveInitialization: false, initStartMs };
}

/**
 * @internal Forgets that the sandbox was invoked, so the next invocation is a cold start again
 * (tests). `initStartMs` stands in for the process start: a test worker may have started long ago.
 */
export function resetColdStart(initStartMs?: number): void {
  const current = state();
  current.invoked = false;
  current.initStartMs = initStartMs;
}
