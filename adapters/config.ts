/**
 * Configuration, parsed once at start from the environment; a missing or malformed variable
 * fails fast with a message naming it.
 */
import * as z from 'zod';
import { IsoDate } from '../core/schemas';
import { DEFAULT_TABLE_NAME } from './dynamodb/table';

const Common = {
  TABLE_NAME: z.string().min(3).default(DEFAULT_TABLE_NAME),
  MUNICIPALITY_ENDPOINT: z.url().optional(),
  POWERTOOLS_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
};

export const LocalConfig = z.object({
  RUNTIME: z.literal('local').default('local'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('.data'),
  CLOCK: z.enum(['real', 'virtual']).default('real'),
  /** Where a new virtual clock starts (only on new data). */
  CLOCK_START: IsoDate.optional(),
  /** Port of the embedded DynamoDB; 0 picks a free one. */
  DYNAMODB_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  MUNICIPALITY_SECRET: z.string().min(16).optional(),
  ...Common,
});
export type LocalConfig = z.infer<typeof LocalConfig>;

export const AwsConfig = z.object({
  RUNTIME: z.literal('aws'),
  /** The API and the scheduler start executions; the workflow steps only answer tokens. */
  STATE_MACHINE_ARN: z.string().startsWith('arn:').optional(),
  /** The API verifies Cognito's tokens. */
  AUTH_ISSUER: z.url().optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  AUTH_JWKS_URL: z.url().optional(),
  MUNICIPALITY_SECRET_ARN: z.string().startsWith('arn:').optional(),
  ...Common,
});
export type AwsConfig = z.infer<typeof AwsConfig>;

export function parseConfig<T extends z.ZodType>(schema: T, env: Record<string, string | undefined> = process.env): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}
