import * as z from 'zod';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

const RETENTION_DAYS: number[] = Object.values(RetentionDays).filter((days) => typeof days === 'number');

/**
 * Deployment parameters. Each comes from CDK context (`-c name=value` or
 * cdk.json "context"), with a default so `cdk synth` works without arguments.
 * Documented in infra/README.md.
 */
const configSchema = z.object({
  /** AWS account to deploy to; empty = environment-agnostic (the CLI's credentials decide). */
  account: z.string().regex(/^\d{12}$/).optional(),
  /** AWS region to deploy to. */
  region: z.string().min(1).default('eu-central-1'),
  /** Prefix of the stack names: <prefix>-Stateful, <prefix>-Stateless. */
  stackPrefix: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('Trajectregie'),
  /**
   * The municipality's (Klantregie) webhook told of each handover (IDs only, HMAC-signed with a
   * secret generated here). Unset: no webhook and no secret ($0.40/month less); the municipality
   * finds its handovers in its inbox (GET /handovers).
   */
  municipalityEndpoint: z.url().optional(),
  /** Sender address of notifications; an SES identity is created for it. */
  mailFrom: z.email().default('trajectregie@example.nl'),
  /** Where links in notification mails point (`<appBaseUrl>/tasks/<taskId>`); unset: the API's URL. */
  appBaseUrl: z.url().optional(),
  /** Address that receives alarm notifications. */
  alarmEmail: z.email().default('beheer@example.nl'),
  /** Retention of every log group, in days (a value CloudWatch Logs accepts). */
  logRetentionDays: z.coerce
    .number()
    .refine((days) => RETENTION_DAYS.includes(days), { message: `one of ${RETENTION_DAYS.join(', ')}` })
    .default(90),
  /**
   * Whether to deploy the CloudWatch dashboard. Off by default: the alarms notify without it, and a
   * dashboard costs $3/month beyond the account's 3 free ones. `-c dashboard=true` (or true in cdk.json).
   */
  dashboard: z.union([z.boolean(), z.stringbool()]).default(false),
});

export type InfraConfig = z.infer<typeof configSchema>;

export const CONFIG_KEYS = Object.keys(configSchema.shape) as (keyof InfraConfig)[];

/** Reads and validates the parameters from the app's context; fails fast on a bad value. */
export function readConfig(node: Node): InfraConfig {
  const raw = Object.fromEntries(
    CONFIG_KEYS.map((key) => [key, node.tryGetContext(key)]).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Invalid CDK context: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
