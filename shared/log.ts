import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs, the same shape in Lambda and locally. Never pass specs or secret data as attributes. */
export interface Logger {
  debug(message: string, attributes?: object): void;
  info(message: string, attributes?: object): void;
  warn(message: string, attributes?: object): void;
  error(message: string, attributes?: object): void;
}

/** In Lambda: Powertools (request ids, cold start, sampling). */
export function createLogger(serviceName = 'apim-sync'): Logger {
  const log = new PowertoolsLogger({ serviceName, logLevel: (process.env.LOG_LEVEL ?? 'INFO').toUpperCase() as 'INFO' });
  return {
    debug: (m, a) => log.debug(m, { ...a }),
    info: (m, a) => log.info(m, { ...a }),
    warn: (m, a) => log.warn(m, { ...a }),
    error: (m, a) => log.error(m, { ...a }),
  };
}

const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 99 } as const;

/** Locally and in tests: one JSON object per line to any sink (stderr by default), so tests can scan every line. */
export function jsonLogger(opts: { service?: string; level?: string; sink?: (line: string) => void } = {}): Logger {
  const min = LEVELS[(opts.level ?? process.env.LOG_LEVEL ?? 'INFO').toUpperCase() as keyof typeof LEVELS] ?? LEVELS.INFO;
  const sink = opts.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const write = (level: keyof typeof LEVELS, message: string, attributes?: object) => {
    if (LEVELS[level] < min) return;
    sink(JSON.stringify({ level, message, timestamp: new Date().toISOString(), service: opts.service ?? 'apim-sync', ...attributes }));
  };
  return {
    debug: (m, a) => write('DEBUG', m, a),
    info: (m, a) => write('INFO', m, a),
    warn: (m, a) => write('WARN', m, a),
    error: (m, a) => write('ERROR', m, a),
  };
}
