/**
 * What a deployment costs per month when nobody uses it, counted from the synthesised templates
 * and priced with bench/aws-prices.ts (eu-central-1 list prices).
 *
 *   node --import tsx bench/idle-cost.ts                      # synthesise with the defaults
 *   node --import tsx bench/idle-cost.ts -c dashboard=true    # with context, as for cdk synth
 *   node --import tsx bench/idle-cost.ts --cdk-out cdk.out    # price the templates of a cdk.out
 *
 * Counted: every resource with a monthly fee (alarm metrics, dashboards, KMS keys, secrets, the
 * custom metrics the alarms watch) and what the scheduled invocations do while idle (Lambda
 * requests and time at the memory size in the template, scheduler invocations, the due-index
 * read, traces, log lines and key use). Resources billed per use only are listed at $0; a resource
 * type this file does not know is reported in `unpriced`, so a new monthly fee cannot slip by.
 *
 * Two totals: `totalUsd` at list price, and `totalAfterFreeTierUsd` after the always-free monthly
 * allowances, which are per account; one deployment has its account to itself (infra/README.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cost, costAfterFreeTier, HOURS_PER_MONTH, type PriceName, PRICES_REGION } from './aws-prices';
import { functionNameOf, type Synthesised, synthesise } from '../test/infra/synth';

type Resource = { Type: string; Properties?: Record<string, unknown> };
interface AlarmQuery {
  Expression?: string;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: unknown[] }; Period: number };
}
interface AlarmProperties { MetricName?: string; Namespace?: string; Dimensions?: unknown[]; Period?: number; Metrics?: AlarmQuery[] }
interface ScheduleProperties { ScheduleExpression: string; Target?: { Arn?: { 'Fn::GetAtt'?: [string, string] } } }
interface FunctionProperties { MemorySize?: number; TracingConfig?: { Mode?: string } }
export type CfnTemplate = { Resources?: Record<string, Resource> };

export interface IdleCostItem {
  what: string;
  /** Billed units per month (alarm metrics, keys, invocations, GB-seconds, ...). */
  count: number;
  /** Template resources this line prices. */
  resources: number;
  /** At list price. */
  monthlyUsd: number;
  /** After the always-free allowance of this line's price (the account runs only this deployment). */
  afterFreeTierUsd: number;
}

export interface IdleCost {
  region: string;
  items: IdleCostItem[];
  totalUsd: number;
  totalAfterFreeTierUsd: number;
  /** Resource types found in the templates that this file neither prices nor knows to be free. */
  unpriced: string[];
  assumptions: IdleAssumptions;
}

/** What a scheduled invocation does while nothing is due; none of it is in the template. */
export interface IdleAssumptions {
  /**
   * Billed duration per invocation, INIT included: a 15-minute rate outlives the warm execution
   * environment, so most ticks start cold, and since Aug 2025 the INIT phase is billed.
   */
  billedMsPerInvocation: number;
  /** The tick's one Query of a global secondary index (eventually consistent: ½ RRU while nothing is due). */
  readUnitsPerInvocation: number;
  /** START/END/REPORT lines, the EMF metric line and the logger's lines. */
  logBytesPerInvocation: number;
  /** DynamoDB's Decrypt of the table key (its cache outlives no 15-minute gap) and CloudWatch Logs' data key. */
  kmsRequestsPerInvocation: number;
}

export const DEFAULT_ASSUMPTIONS: IdleAssumptions = {
  billedMsPerInvocation: 800,
  readUnitsPerInvocation: 0.5,
  logBytesPerInvocation: 2_000,
  kmsRequestsPerInvocation: 2,
};

/** Billed only per request, per MAU or per GB stored: nothing while idle (storage of an empty deployment ≈ 0). */
const PER_USE_ONLY: Record<string, string> = {
  'AWS::DynamoDB::Table': 'DynamoDB tables (on-demand: per request and GB stored; PITR per GB)',
  'AWS::Cognito::UserPool': 'Cognito user pools (per monthly active user)',
  'AWS::ApiGatewayV2::Api': 'API Gateway HTTP APIs (per request)',
  'AWS::StepFunctions::StateMachine': 'Step Functions Standard state machines (per state transition)',
  'AWS::Lambda::Function': 'Lambda functions (per request and GB-second; scheduled runs priced above)',
  'AWS::SQS::Queue': 'SQS queues (per request; nothing polls the dead-letter queues)',
  'AWS::SNS::Topic': 'SNS topics (per notification)',
  'AWS::Logs::LogGroup': 'CloudWatch log groups (per GB ingested and stored)',
  'AWS::SES::EmailIdentity': 'SES identities (per e-mail sent)',
};

/** No fee of their own. */
const FREE = new Set([
  'AWS::CDK::Metadata',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::Lambda::Permission',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Stage',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::SQS::QueuePolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
  'AWS::Cognito::UserPoolGroup',
  'AWS::Cognito::UserPoolClient',
]);

const PRICED = new Set([
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::CompositeAlarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::KMS::Key',
  'AWS::SecretsManager::Secret',
  'AWS::Scheduler::Schedule',
]);

interface AlarmMetric {
  namespace: string;
  metricName: string;
  dimensions: unknown;
  period: number;
}

/**
 * The metrics an alarm is billed for: its one metric, or each metric of its metric-math
 * expression (the expressions themselves are free). Metrics Insights queries are not supported.
 */
export function alarmMetrics(alarm: { Properties?: Record<string, unknown> }): AlarmMetric[] {
  const p = (alarm.Properties ?? {}) as AlarmProperties;
  if (p.MetricName) {
    return [{ namespace: p.Namespace ?? '', metricName: p.MetricName, dimensions: p.Dimensions ?? [], period: p.Period ?? 60 }];
  }
  return (p.Metrics ?? []).flatMap((m) => {
    if (m.MetricStat) {
      const { Metric: metric, Period: period } = m.MetricStat;
      return [{ namespace: metric.Namespace, metricName: metric.MetricName, dimensions: metric.Dimensions ?? [], period }];
    }
    if (typeof m.Expression === 'string' && /^\s*SELECT\b/i.test(m.Expression)) {
      throw new Error('A Metrics Insights alarm is billed per metric it analyses; idle-cost cannot count that from the template.');
    }
    return [];
  });
}

/** Scheduled invocations per month of a `rate(...)` expression (cron expressions are not supported). */
export function invocationsPerMonth(scheduleExpression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(scheduleExpression);
  if (!match) throw new Error(`Cannot count invocations of ${scheduleExpression}`);
  const minutes = { minute: 1, hour: 60, day: 1440 }[match[2]!.replace(/s$/, '') as 'minute' | 'hour' | 'day'] * Number(match[1]);
  return (HOURS_PER_MONTH * 60) / minutes;
}

const withoutHash = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');

/** Prices the idle deployment described by its CloudFormation templates. */
export function idleCostOfTemplates(templates: CfnTemplate[], assumptions: IdleAssumptions = DEFAULT_ASSUMPTIONS): IdleCost {
  const resources = templates.flatMap((t) => Object.entries(t.Resources ?? {}));
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const items: IdleCostItem[] = [];
  const add = (what: string, price: PriceName, count: number, resourceCount: number) =>
    items.push({ what, count, resources: resourceCount, monthlyUsd: cost(price, count), afterFreeTierUsd: costAfterFreeTier(price, count) });

  // Alarms: billed per metric, standard (period >= 60 s) or high resolution.
  const alarms = ofType('AWS::CloudWatch::Alarm');
  const metrics = alarms.flatMap(([, alarm]) => alarmMetrics(alarm));
  const highResolution = metrics.filter((m) => m.period < 60).length;
  add(`CloudWatch alarms (${alarms.length}), standard-resolution alarm metrics`, 'cloudwatchAlarmMetrics', metrics.length - highResolution, alarms.length);
  if (highResolution > 0) add('CloudWatch high-resolution alarm metrics', 'cloudwatchHighResolutionAlarmMetrics', highResolution, 0);
  const composite = ofType('AWS::CloudWatch::CompositeAlarm');
  if (composite.length > 0) add('CloudWatch composite alarms', 'cloudwatchCompositeAlarms', composite.length, composite.length);

  const dashboards = ofType('AWS::CloudWatch::Dashboard').length;
  add('CloudWatch dashboards (3 of up to 50 metrics free)', 'cloudwatchDashboards', dashboards, dashboards);

  // The custom metrics the alarms watch (outside the AWS/ namespaces) are published only while
  // above zero (adapters/metrics.ts) and billed per hour with data: while idle, none.
  const custom = metrics.filter((m) => !m.namespace.startsWith('AWS/')).length;
  add(`CloudWatch custom metrics the alarms watch (${custom}; published only while above zero, so none idle)`, 'cloudwatchCustomMetrics', 0, 0);

  const keys = ofType('AWS::KMS::Key');
  const rotated = keys.filter(([, k]) => k.Properties?.EnableKeyRotation).length;
  add(`KMS customer-managed keys (${rotated} rotated: +$1/month after each of the first 2 rotations)`, 'kmsKeys', keys.length, keys.length);

  const secrets = ofType('AWS::SecretsManager::Secret').length;
  add('Secrets Manager secrets', 'secretsManagerSecrets', secrets, secrets);

  // Scheduled invocations and what each does while nothing is due.
  const functions = Object.fromEntries(ofType('AWS::Lambda::Function'));
  for (const [id, schedule] of ofType('AWS::Scheduler::Schedule')) {
    const { ScheduleExpression: every, Target: target } = schedule.Properties as unknown as ScheduleProperties;
    const invocations = invocationsPerMonth(every);
    add(`EventBridge Scheduler invocations (${withoutHash(id)}, ${every})`, 'schedulerInvocations', invocations, 1);
    const targetId = target?.Arn?.['Fn::GetAtt']?.[0];
    const fn = targetId ? (functions[targetId]?.Properties as FunctionProperties | undefined) : undefined;
    if (!targetId || !fn) continue;
    const name = withoutHash(targetId);
    const memoryMb = fn.MemorySize ?? 128;
    add(`Lambda requests (${name})`, 'lambdaRequests', invocations, 0);
    add(
      `Lambda arm64 GB-seconds (${name}: ${memoryMb} MB × ${assumptions.billedMsPerInvocation} ms)`,
      'lambdaArmGbSeconds',
      invocations * (memoryMb / 1024) * (assumptions.billedMsPerInvocation / 1000),
      0,
    );
    add(`DynamoDB read request units (${name}: ${assumptions.readUnitsPerInvocation} per run)`, 'dynamodbReadRequestUnits', invocations * assumptions.readUnitsPerInvocation, 0);
    if (fn.TracingConfig?.Mode === 'Active') add(`X-Ray traces recorded (${name})`, 'xrayTracesRecorded', invocations, 0);
    add(`CloudWatch Logs GB ingested (${name}: ~${assumptions.logBytesPerInvocation} bytes per run)`, 'logsIngestion', (invocations * assumptions.logBytesPerInvocation) / 1e9, 0);
    add(`KMS requests (${name}: ~${assumptions.kmsRequestsPerInvocation} per run)`, 'kmsRequests', invocations * assumptions.kmsRequestsPerInvocation, 0);
  }

  for (const [type, what] of Object.entries(PER_USE_ONLY)) {
    const count = ofType(type).length;
    if (count > 0) items.push({ what: `${what}: $0 idle`, count, resources: count, monthlyUsd: 0, afterFreeTierUsd: 0 });
  }

  const unpriced = [...new Set(resources.map(([, r]) => r.Type))].filter((t) => !PRICED.has(t) && !FREE.has(t) && !(t in PER_USE_ONLY)).sort();
  const sum = (pick: (item: IdleCostItem) => number) => items.reduce((total, item) => total + pick(item), 0);
  return {
    region: PRICES_REGION,
    items,
    totalUsd: sum((i) => i.monthlyUsd),
    totalAfterFreeTierUsd: sum((i) => i.afterFreeTierUsd),
    unpriced,
    assumptions,
  };
}

const templatesOf = (built: Synthesised): CfnTemplate[] => [built.statefulTemplate.toJSON(), built.statelessTemplate.toJSON()];

/** Synthesises the app in-process (bundling skipped, as the infra tests do) with this context, and prices it idle. */
export function idleCost(context: Record<string, unknown> = {}, assumptions: IdleAssumptions = DEFAULT_ASSUMPTIONS): IdleCost {
  return idleCostOfTemplates(templatesOf(synthesise(context)), assumptions);
}

/** Prices the templates of a cdk.out directory (after `npm run synth`). */
export function idleCostOfCdkOut(dir: string, assumptions: IdleAssumptions = DEFAULT_ASSUMPTIONS): IdleCost {
  const files = readdirSync(dir).filter((f) => f.endsWith('.template.json'));
  if (files.length === 0) throw new Error(`No *.template.json in ${dir}`);
  return idleCostOfTemplates(files.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CfnTemplate), assumptions);
}

/**
 * Memory size (MB) of each Lambda function, as synthesised, keyed by the function's name: its file
 * under functions/ (`api`, `plan`, `open-task`, ..., `tick`), as in StatelessStack.functions and the
 * values of WORKFLOW_FUNCTIONS. Pass an app already synthesised to save a synthesis.
 */
export function lambdaMemoryMb(built: Synthesised = synthesise()): Record<string, number> {
  return Object.fromEntries(
    Object.entries(built.statelessTemplate.findResources('AWS::Lambda::Function')).map(([id, fn]) => [
      functionNameOf(built, id) ?? id,
      (fn.Properties?.MemorySize as number | undefined) ?? 128,
    ]),
  );
}

/** The breakdown as a text table. */
export function formatIdleCost(breakdown: IdleCost): string {
  const usd = (n: number) => (n === 0 ? '0' : n < 0.01 ? n.toFixed(4) : n.toFixed(2));
  const qty = (n: number) => (Number.isInteger(n) ? String(n) : n < 1 ? n.toPrecision(2) : n.toFixed(1));
  const width = Math.max(...breakdown.items.map((i) => i.what.length), 5);
  const row = (what: string, count: string, list: string, free: string) =>
    `${what.padEnd(width)}  ${count.padStart(8)}  ${list.padStart(9)}  ${free.padStart(11)}`;
  const lines = [
    `Idle cost per month, ${breakdown.region} list prices (bench/aws-prices.ts), USD`,
    '',
    row('what', 'count', 'list $', 'free tier $'),
    row('-'.repeat(width), '-'.repeat(8), '-'.repeat(9), '-'.repeat(11)),
    ...breakdown.items.map((i) => row(i.what, qty(i.count), usd(i.monthlyUsd), usd(i.afterFreeTierUsd))),
    row('-'.repeat(width), '', '-'.repeat(9), '-'.repeat(11)),
    row('total', '', usd(breakdown.totalUsd), usd(breakdown.totalAfterFreeTierUsd)),
    '',
    '"free tier $": after the always-free monthly allowances (CloudWatch: 10 alarm metrics, 10 custom',
    'metrics, 3 dashboards; Lambda, X-Ray, KMS requests, ...), which the deployment\'s own account leaves to it.',
    `Assumed per scheduled run: ${JSON.stringify(breakdown.assumptions)}`,
  ];
  if (breakdown.unpriced.length > 0) lines.push(`NOT PRICED (unknown resource types): ${breakdown.unpriced.join(', ')}`);
  return lines.join('\n');
}

/** `-c name=value` pairs, as cdk takes them. */
function contextFromArgs(args: string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if ((args[i] === '-c' || args[i] === '--context') && args[i + 1]?.includes('=')) {
      const [name, ...value] = args[++i]!.split('=');
      context[name!] = value.join('=');
    }
  }
  return context;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const cdkOut = args.indexOf('--cdk-out');
  const breakdown = cdkOut >= 0 ? idleCostOfCdkOut(args[cdkOut + 1] ?? 'cdk.out') : idleCost(contextFromArgs(args));
  console.log(formatIdleCost(breakdown));
}
