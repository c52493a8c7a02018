import { isWritingOwnLine, log } from '../log';
import type { Integration } from './integration';
import { currentLogIds, type DatadogLogIds } from './log-context';

/**
 * Log injection (`DD_LOGS_INJECTION`): `console.*` lines written inside a trace carry the active
 * span's ids in the forms datadog-lambda-js writes (its `patch-console.ts`):
 *
 * - one plain object: a copy with `dd: { trace_id, span_id }` merged in, so a JSON line stays
 *   JSON (with `AWS_LAMBDA_LOG_FORMAT=JSON`, Lambda puts that object under `message` as is);
 * - a string first: `[dd.trace_id=<dec> dd.span_id=<dec>] ` in front of it;
 * - anything else first (an Error, an array): the same prefix as a separate first argument, so
 *   Node's formatting and Lambda's JSON error fields (`errorType`, `stackTrace`) still apply
 *   (datadog-lambda-js turns it into a string there);
 * - no arguments: the prefix alone.
 *
 * Outside a trace, and for this library's own lines, the arguments pass through untouched.
 */
export const logsIntegration: Integration = {
  name: 'logs',
  enable() {
    for (const method of METHODS) wrap(method);
  },
};

const METHODS = ['log', 'info', 'debug', 'warn', 'error', 'trace'] as const;
/** Marks a wrapped console method, so wrapping twice (two copies of the library) is harmless. */
const WRAPPED = Symbol.for('datadog-lambda-ts.logs.wrapped');

type ConsoleMethod = ((...args: unknown[]) => void) & { [WRAPPED]?: true };

/** The global console, as a table of methods (this file's whole purpose is to wrap them). */
const target = globalThis.console as unknown as Record<(typeof METHODS)[number], ConsoleMethod>;

function wrap(method: (typeof METHODS)[number]): void {
  const original = target[method];
  if (typeof original !== 'function' || original[WRAPPED]) return;
  let injecting = false;
  const wrapped: ConsoleMethod = function (this: unknown, ...args: unknown[]) {
    // Re-entrant calls (a getter that logs, our own debug line) go straight through.
    if (injecting || isWritingOwnLine()) return original.apply(this, args);
    injecting = true;
    let withIds = args;
    try {
      const ids = currentLogIds();
      if (ids) withIds = injectIds(args, ids);
    } catch (error) {
      withIds = args;
      log.debug('could not add the trace ids to a log line', error);
    } finally {
      injecting = false;
    }
    return original.apply(this, withIds);
  };
  wrapped[WRAPPED] = true;
  Object.defineProperty(wrapped, 'name', { value: original.name });
  target[method] = wrapped;
}

/** The arguments to log instead: never the caller's array or object, changed. */
export function injectIds(args: readonly unknown[], ids: DatadogLogIds): unknown[] {
  const prefix = `[dd.trace_id=${ids.trace_id} dd.span_id=${ids.span_id}]`;
  if (args.length === 0) return [prefix];
  const [first, ...rest] = args;
  if (args.length === 1 && isPlainObject(first)) {
    const existing = isPlainObject(first.dd) ? first.dd : {};
    return [{ ...first, dd: { ...existing, trace_id: ids.trace_id, span_id: ids.span_id } }];
  }
  if (typeof first === 'string') return [`${prefix} ${first}`, ...rest];
  return [prefix, ...args];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || proto === Object.prototype;
}
