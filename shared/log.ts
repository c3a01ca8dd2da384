import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs, the same in Lambda and locally. Never pass specs or secret data as attributes. */
export type Logger = Pick<PowertoolsLogger, 'debug' | 'info' | 'warn' | 'error' | 'appendKeys' | 'resetKeys'>;

export function createLogger(serviceName = 'apim-sync', persistentKeys: Record<string, string> = {}): Logger {
  return new PowertoolsLogger({ serviceName, logLevel: (process.env.LOG_LEVEL ?? 'INFO').toUpperCase() as 'INFO', persistentKeys });
}
