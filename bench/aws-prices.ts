/**
 * AWS list prices, in one place, for the region the stack targets by default: eu-central-1,
 * Europe (Frankfurt) (infra/config.ts `region`). USD, excluding VAT.
 *
 * How they were taken: on 2026-11-28, from stored copies of the pages named in `source` (this
 * session had no live web access; a stored copy can be older than the live page). `confirmed`
 * says whether the number itself was read, for Frankfurt (or stated there as region-independent),
 * on a stored AWS page. Where it was not, the comment next to it says what was seen instead
 * (usually the us-east-1 figure, or a third party's) and the number is the best known Frankfurt
 * list price: check it against https://calculator.aws/ before relying on it.
 *
 * Free tiers are listed separately (FREE_TIER), because they are per account: with one deployment
 * per municipality in its own account (infra/README.md), they are this deployment's alone.
 */

export const PRICES_REGION = 'eu-central-1';
export const PRICES_TAKEN_ON = '2026-11-28';

export interface Price {
  /** USD per `per` units of `unit`. */
  usd: number;
  per: number;
  unit: string;
  source: string;
  /** Read on a stored AWS page for Frankfurt (or stated there as region-independent). */
  confirmed: boolean;
  note?: string;
}

const price = (usd: number, per: number, unit: string, source: string, confirmed: boolean, note?: string): Price => ({
  usd,
  per,
  unit,
  source,
  confirmed,
  ...(note && { note }),
});

export const PRICES = {
  // --- DynamoDB (on-demand, Standard table class) -------------------------------------------
  // AWS cut on-demand throughput prices by 50% effective 1 Nov 2024 (us-east-1: $1.25 → $0.625
  // per million WRU, $0.25 → $0.125 per million RRU). Frankfurt before the cut: $1.525 / $0.305.
  // NOT CONFIRMED for Frankfurt: the stored pages show only us-east-1 figures (and third parties'
  // write-ups of the cut); 0.7625 / 0.1525 are the pre-cut Frankfurt prices halved.
  dynamodbWriteRequestUnits: price(0.7625, 1e6, 'write request units', 'https://aws.amazon.com/dynamodb/pricing/on-demand/', false,
    'halved 1 Nov 2024 (us-east-1 $0.625 seen at https://airbyte.com/data-engineering-resources/dynamodb-pricing)'),
  dynamodbReadRequestUnits: price(0.1525, 1e6, 'read request units', 'https://aws.amazon.com/dynamodb/pricing/on-demand/', false,
    'halved 1 Nov 2024 (us-east-1 $0.125 seen at https://airbyte.com/data-engineering-resources/dynamodb-pricing)'),
  // NOT CONFIRMED for Frankfurt: the stored AWS page says "first 25 GB free, prices start from $0.25 per GB-month" (us-east-1).
  dynamodbStorage: price(0.306, 1, 'GB-month', 'https://aws.amazon.com/dynamodb/pricing/', false, 'us-east-1: $0.25/GB-month'),

  // --- Step Functions Standard ----------------------------------------------------------------
  // Confirmed: the stored page's region table lists Europe (Frankfurt) at $0.0250 per 1,000.
  stepFunctionsStateTransitions: price(0.025, 1000, 'state transitions', 'https://aws.amazon.com/step-functions/pricing/', true),

  // --- Lambda (arm64) ---------------------------------------------------------------------------
  // NOT CONFIRMED for Frankfurt: the stored AWS page loads its price table dynamically; us-east-1
  // figures seen at https://cloudchipr.com/blog/aws-lambda-pricing (Arm: $0.0000133334 per GB-s for
  // the first 7.5 billion GB-s). Frankfurt is, to my knowledge, the same.
  lambdaRequests: price(0.2, 1e6, 'requests', 'https://aws.amazon.com/lambda/pricing/', false, 'us-east-1 figure'),
  lambdaArmGbSeconds: price(0.0000133334, 1, 'GB-second (arm64)', 'https://aws.amazon.com/lambda/pricing/', false,
    'us-east-1 figure; since 1 Aug 2025 the INIT phase (cold start) of managed runtimes is billed too'),

  // --- EventBridge Scheduler --------------------------------------------------------------------
  // NOT CONFIRMED from an AWS page: $1.00 per million after 14 million free a month, per
  // https://cloudburn.io/blog/amazon-eventbridge-pricing ("consistent across most commercial regions").
  schedulerInvocations: price(1.0, 1e6, 'scheduled invocations', 'https://aws.amazon.com/eventbridge/pricing/', false),

  // --- CloudWatch -------------------------------------------------------------------------------
  // The free tiers below are confirmed on the stored AWS page; the paid rates are shown there in a
  // dynamic table. NOT CONFIRMED from the AWS page: $0.10 per standard-resolution alarm metric
  // (a metric-math alarm is billed per metric in its expression), $0.30 high-resolution,
  // $0.50 composite (https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm), $3.00 per
  // dashboard and $0.30 per custom metric (first 10,000), as quoted from the AWS page in
  // https://github.com/nishinoshake/aws-rough/issues/37. Frankfurt is, to my knowledge, the same.
  cloudwatchAlarmMetrics: price(0.1, 1, 'standard-resolution alarm metric-month', 'https://aws.amazon.com/cloudwatch/pricing/', false),
  cloudwatchHighResolutionAlarmMetrics: price(0.3, 1, 'high-resolution alarm metric-month', 'https://aws.amazon.com/cloudwatch/pricing/', false),
  cloudwatchCompositeAlarms: price(0.5, 1, 'composite alarm-month', 'https://aws.amazon.com/cloudwatch/pricing/', false),
  cloudwatchDashboards: price(3.0, 1, 'dashboard-month', 'https://aws.amazon.com/cloudwatch/pricing/', false),
  cloudwatchCustomMetrics: price(0.3, 1, 'custom metric-month (first 10,000)', 'https://aws.amazon.com/cloudwatch/pricing/', false),
  // NOT CONFIRMED: Frankfurt ingestion $0.63/GB (us-east-1 $0.50/GB per
  // https://c3x.dev/blog/cloudwatch-logs-cost-optimization); storage $0.0324/GB-month (us-east-1 $0.03).
  logsIngestion: price(0.63, 1, 'GB ingested (Standard log class)', 'https://aws.amazon.com/cloudwatch/pricing/', false, 'us-east-1: $0.50/GB'),
  logsStorage: price(0.0324, 1, 'GB-month stored', 'https://aws.amazon.com/cloudwatch/pricing/', false, 'us-east-1: $0.03/GB-month'),

  // --- KMS ----------------------------------------------------------------------------------
  // Confirmed (region-independent on the stored AWS page): $1/month per key; with automatic
  // rotation each newly generated backing key adds $1/month. Since April 2024 that increase is
  // capped at the second rotation (https://canglad.com/blog/2023/simple-math-of-aws-kms-key-rotation-costs,
  // https://sysops.app/aws-news/474.html): a yearly-rotated key costs $1, then $2, then $3/month for good.
  kmsKeys: price(1.0, 1, 'customer-managed key-month (before its first rotation)', 'https://aws.amazon.com/kms/pricing/', true),
  kmsRotatedKeyMaterial: price(1.0, 1, 'rotated backing key-month (first two rotations only)', 'https://aws.amazon.com/kms/pricing/', true),
  // NOT CONFIRMED from the AWS page (cut off in the stored copy): $0.03 per 10,000 symmetric
  // requests per https://www.wring.co/blog/aws-kms-pricing-guide. The 20,000 free requests are confirmed.
  kmsRequests: price(0.03, 10_000, 'symmetric requests', 'https://aws.amazon.com/kms/pricing/', false),

  // --- SES (v2, outbound mail from a Lambda function) --------------------------------------------
  // NOT CONFIRMED from a stored AWS page in this session: $0.10 per 1,000 outbound e-mails (the
  // long-standing list price, the same in every region to my knowledge), no attachments.
  sesOutboundEmails: price(0.1, 1000, 'outbound e-mails', 'https://aws.amazon.com/ses/pricing/', false),

  // --- Secrets Manager ------------------------------------------------------------------------
  // NOT CONFIRMED from an AWS page: $0.40 per secret-month, $0.05 per 10,000 API calls, per
  // https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms (same in every region to my knowledge).
  secretsManagerSecrets: price(0.4, 1, 'secret-month', 'https://aws.amazon.com/secrets-manager/pricing/', false),
  secretsManagerApiCalls: price(0.05, 10_000, 'API calls', 'https://aws.amazon.com/secrets-manager/pricing/', false),

  // --- SQS ------------------------------------------------------------------------------------
  // NOT CONFIRMED for Frankfurt: $0.40 per million Standard-queue requests (each 64 KB chunk is a
  // request) after 1 million free, us-east-1 per https://cloudburn.io/blog/amazon-sqs-pricing.
  sqsRequests: price(0.4, 1e6, 'Standard queue requests', 'https://aws.amazon.com/sqs/pricing/', false, 'us-east-1 figure'),

  // --- Cognito ----------------------------------------------------------------------------------
  // Billed per monthly active user (MAU) only: an idle user pool costs nothing. The pool uses the
  // Plus feature plan (threat protection). NOT CONFIRMED: Plus at $0.02 per MAU with no free tier
  // (the Lite/Essentials plans have 10,000 free MAUs); the stored AWS page predates the Nov 2024
  // feature plans (it shows the old 50,000-MAU free tier).
  cognitoPlusMonthlyActiveUsers: price(0.02, 1, 'MAU (Plus plan)', 'https://aws.amazon.com/cognito/pricing/', false),

  // --- API Gateway HTTP API -----------------------------------------------------------------------
  // NOT CONFIRMED for Frankfurt: $1.20 per million for the first 300 million (us-east-1: $1.00, per
  // https://www.learnaws.org/2021/01/10/api-gateway-pricing/), metered per 512 KB. Its free tier
  // (1 million calls/month) lasts only 12 months after sign-up (confirmed on the stored AWS page).
  apiGatewayHttpRequests: price(1.2, 1e6, 'HTTP API requests', 'https://aws.amazon.com/api-gateway/pricing/', false, 'us-east-1: $1.00'),

  // --- X-Ray ------------------------------------------------------------------------------------
  // Confirmed (stored AWS page, region-independent): $5.00 per million traces recorded beyond 100,000 free.
  xrayTracesRecorded: price(5.0, 1e6, 'traces recorded', 'https://aws.amazon.com/xray/pricing/', true),
} as const satisfies Record<string, Price>;

export type PriceName = keyof typeof PRICES;

/** The cost of `quantity` units at a price. */
export const cost = (name: PriceName, quantity: number): number => (PRICES[name].usd * quantity) / PRICES[name].per;

/**
 * Always-free monthly allowances per account (they do not expire after 12 months), in the units of
 * the price of the same name. Confirmed on the stored AWS pages unless noted.
 */
export const FREE_TIER: Partial<Record<PriceName, { quantity: number; source: string; note?: string }>> = {
  cloudwatchAlarmMetrics: { quantity: 10, source: 'https://aws.amazon.com/cloudwatch/pricing/', note: 'standard resolution, alarms that list their metrics (not Metrics Insights)' },
  cloudwatchDashboards: { quantity: 3, source: 'https://aws.amazon.com/cloudwatch/pricing/', note: 'custom dashboards of up to 50 metrics each' },
  cloudwatchCustomMetrics: { quantity: 10, source: 'https://aws.amazon.com/cloudwatch/pricing/' },
  // 5 GB of ingestion, archive storage and Logs Insights scans together; applied to ingestion here.
  logsIngestion: { quantity: 5, source: 'https://aws.amazon.com/cloudwatch/pricing/', note: 'shared with storage and Logs Insights scans' },
  kmsRequests: { quantity: 20_000, source: 'https://aws.amazon.com/kms/pricing/' },
  // Not confirmed on an AWS page: the Lambda figures are from https://cloudchipr.com/blog/aws-lambda-pricing.
  lambdaRequests: { quantity: 1_000_000, source: 'https://aws.amazon.com/lambda/pricing/' },
  lambdaArmGbSeconds: { quantity: 400_000, source: 'https://aws.amazon.com/lambda/pricing/', note: 'shared by x86 and arm64' },
  schedulerInvocations: { quantity: 14_000_000, source: 'https://aws.amazon.com/eventbridge/pricing/', note: 'not confirmed on an AWS page' },
  stepFunctionsStateTransitions: { quantity: 4_000, source: 'https://aws.amazon.com/step-functions/pricing/' },
  sqsRequests: { quantity: 1_000_000, source: 'https://aws.amazon.com/sqs/pricing/', note: 'not confirmed on an AWS page' },
  dynamodbStorage: { quantity: 25, source: 'https://aws.amazon.com/dynamodb/pricing/' },
  xrayTracesRecorded: { quantity: 100_000, source: 'https://aws.amazon.com/xray/pricing/' },
  // No always-free tier: KMS keys, Secrets Manager (30-day trial only), API Gateway (12 months only), Cognito Plus.
};

/** The cost of `quantity` units after the always-free allowance (assumes nothing else in the account uses it). */
export const costAfterFreeTier = (name: PriceName, quantity: number): number =>
  cost(name, Math.max(0, quantity - (FREE_TIER[name]?.quantity ?? 0)));

/** Hours in an average month, as AWS prices monthly fees (730 h). */
export const HOURS_PER_MONTH = 730;
