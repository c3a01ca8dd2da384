/** One structured log line: a JSON object. Callers pass names, keys and counts, never object specs or secret data. */
export type LogSink = (entry: object) => void;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface WatcherLog {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Writes one JSON object per line to stdout. */
export const stdoutSink: LogSink = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};

export function createLog(sink: LogSink = stdoutSink, base: Record<string, unknown> = {}): WatcherLog {
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) =>
    sink({ time: new Date().toISOString(), level, msg, ...base, ...fields });
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

/** An error as log fields: its name, message and (for API errors) status, never a response body. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const status = (err as { status?: unknown }).status;
    return { error: err.message.slice(0, 500), errorName: err.name, ...(typeof status === 'number' ? { status } : {}) };
  }
  return { error: String(err).slice(0, 500) };
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Drops entries below min (LOG_LEVEL in the container). */
export function levelFilter(sink: LogSink, min: LogLevel): LogSink {
  return (entry) => {
    const level = (entry as { level?: LogLevel }).level;
    if (!level || LEVELS[level] >= LEVELS[min]) sink(entry);
  };
}
