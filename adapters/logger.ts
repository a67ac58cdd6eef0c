import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from '../core/ports';

/** Structured JSON logs (Powertools). Callers pass IDs and control fields only, never personal data. */
export function createLogger(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'INFO'): Logger {
  const logger = new PowertoolsLogger({ serviceName: 'trajectregie', logLevel: level });
  return {
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
    error: (message, fields) => logger.error(message, fields ?? {}),
  };
}
