import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Logger } from '../core/ports';

/**
 * The fields of a Lambda invocation's context the log items carry (function name, version and
 * ARN, memory, request ID; Powertools adds cold_start). A structural subset of `Context`, so
 * Hono's `LambdaContext` (functions/api.ts) fits as well as aws-lambda's.
 */
export type LambdaContextFields = Pick<Context, 'functionName' | 'functionVersion' | 'invokedFunctionArn' | 'memoryLimitInMB' | 'awsRequestId'>;

/** The Logger port, plus what a Lambda entry point needs: the invocation's context in every log item. */
export interface LambdaLogger extends Logger {
  addContext(context: LambdaContextFields): void;
}

/** Structured JSON logs (Powertools). Callers pass IDs and control fields only, never personal data. */
export function createLogger(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'INFO'): LambdaLogger {
  const logger = new PowertoolsLogger({ serviceName: 'trajectregie', logLevel: level });
  return {
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
    error: (message, fields) => logger.error(message, fields ?? {}),
    // Powertools reads only these fields (and works out cold_start itself); the rest of Context is not needed.
    addContext: (context) => logger.addContext(context as Context),
  };
}
