/**
 * Configuration, parsed once at start from the environment; a missing or malformed variable
 * fails fast with a message naming it.
 */
import * as z from 'zod';
import { DEFAULT_SETTINGS, type Settings } from '../core/ports';
import { Id, IsoDate } from '../core/schemas';
import { DEFAULT_TABLE_NAME } from './dynamodb/table';

const Common = {
  TABLE_NAME: z.string().min(3).default(DEFAULT_TABLE_NAME),
  MUNICIPALITY_ENDPOINT: z.url().optional(),
  POWERTOOLS_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /** Where links in mails point (the console's base URL). */
  APP_BASE_URL: z.url().optional(),
  /** The sender of every mail. */
  MAIL_FROM: z.string().min(3).default('Trajectregie <noreply@trajectregie.local>'),
  NOTIFY_REMINDER_DAYS_BEFORE: z.coerce.number().int().min(1).max(60).default(DEFAULT_SETTINGS.notify.reminderDaysBefore),
  NOTIFY_HOUR: z.coerce.number().int().min(0).max(23).default(DEFAULT_SETTINGS.notify.hour),
  NOTIFY_OVERDUE_EVERY_DAYS: z.coerce.number().int().min(1).max(60).default(DEFAULT_SETTINGS.notify.overdueEveryDays),
  NOTIFY_HANDOVER_UNACKNOWLEDGED_DAYS: z.coerce.number().int().min(1).max(60).default(DEFAULT_SETTINGS.notify.handoverUnacknowledgedDays),
  /** A missed contact's task is due again this many days after the day it was missed. */
  MISSED_CONTACT_RETRY_DAYS: z.coerce.number().int().min(1).max(90).default(DEFAULT_SETTINGS.missedContactRetryDays),
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
  /** Mail goes to this SMTP server (smtp://user:pass@host:port); unset: .eml files in DATA_DIR/outbox. */
  SMTP_URL: z.url().optional(),
  /** The first beheerder of a fresh data folder, so there is someone to sign in as. */
  BOOTSTRAP_ADMIN: Id.default('admin'),
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
  /** The Cognito user pool the directory keeps in step (the API only). */
  USER_POOL_ID: z.string().min(1).optional(),
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

/** The settings the use cases need, from either configuration. */
export function settingsFrom(config: LocalConfig | AwsConfig, fallbackBaseUrl = DEFAULT_SETTINGS.appBaseUrl): Settings {
  return {
    appBaseUrl: (config.APP_BASE_URL ?? fallbackBaseUrl).replace(/\/+$/, ''),
    notify: {
      reminderDaysBefore: config.NOTIFY_REMINDER_DAYS_BEFORE,
      hour: config.NOTIFY_HOUR,
      overdueEveryDays: config.NOTIFY_OVERDUE_EVERY_DAYS,
      handoverUnacknowledgedDays: config.NOTIFY_HANDOVER_UNACKNOWLEDGED_DAYS,
    },
    missedContactRetryDays: config.MISSED_CONTACT_RETRY_DAYS,
  };
}
