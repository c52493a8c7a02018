/**
 * Internal logger: one JSON line per message, silent below the configured level.
 *
 * The only place in `runtime/` that writes to the console. Lambda ships stdout/stderr to
 * CloudWatch (and the extension forwards them to Datadog), so lines are JSON to be queryable.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'off'];

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, off: 100 };

let threshold: number = RANK.warn;
/** True while this logger writes, so console log injection leaves our own JSON lines alone. */
let writing = false;

export function isWritingOwnLine(): boolean {
  return writing;
}

export function setLogLevel(level: LogLevel): void {
  threshold = RANK[level];
}

function write(level: Exclude<LogLevel, 'off'>, message: string, detail?: unknown): void {
  if (RANK[level] < threshold) return;
  const line: Record<string, unknown> = { level, source: 'datadog-lambda-ts', message };
  if (detail !== undefined) line.detail = describe(detail);
  try {
    const text = JSON.stringify(line);
    writing = true;
    // Lambda marks console.error lines as ERROR: only errors go there.
    if (level === 'error') console.error(text);
    else if (level === 'warn') console.warn(text);
    else console.log(text);
  } catch {
    // A logger that throws would break the promise it exists to keep.
  } finally {
    writing = false;
  }
}

function describe(detail: unknown): unknown {
  if (detail instanceof Error) return { name: detail.name, message: detail.message };
  return detail;
}

export const log = {
  debug: (message: string, detail?: unknown) => write('debug', message, detail),
  info: (message: string, detail?: unknown) => write('info', message, detail),
  warn: (message: string, detail?: unknown) => write('warn', message, detail),
  error: (message: string, detail?: unknown) => write('error', message, detail),
};
