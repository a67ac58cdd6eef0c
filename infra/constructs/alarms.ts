import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ESCALATION_RULE_TEXT } from '../../core/trajectory/deadlines';
import { DeadLetterQueue } from './dead-letter-queue';

/**
 * Open tasks past their escalation moment (the one deadlines rule of the core), emitted by the
 * backend's tick (Powertools metrics, namespace Trajectregie; Powertools adds the `service` dimension).
 */
export const OVERDUE_TASKS_METRIC = {
  namespace: 'Trajectregie',
  metricName: 'OverdueTasks',
  dimensionsMap: { service: 'trajectregie' },
} as const;

/** Notifications whose mail failed on every attempt (core/usecases/notify.ts), counted by the tick when they give up. */
export const NOTIFICATIONS_FAILED_METRIC = {
  namespace: 'Trajectregie',
  metricName: 'NotificationsFailed',
  dimensionsMap: { service: 'trajectregie' },
} as const;

export interface AlarmsProps {
  key: kms.IKey;
  alarmEmail: string;
  stateMachine: sfn.StateMachine;
  httpApi: apigw.HttpApi;
  /** The project's functions by name: the dashboard graphs each; the errors alarm covers them all (see below). */
  functions: Record<string, lambda.Function>;
  deadLetterQueues: DeadLetterQueue[];
  /** Also deploy the CloudWatch dashboard (context `dashboard`, default off; see infra/README.md). */
  dashboard?: boolean;
}

/** The six alarms, by construct id. */
export const ALARM_IDS = ['FunctionErrors', 'ExecutionsNotSucceeded', 'DeadLetters', 'Api5xx', 'OverdueTasks', 'NotificationsFailed'] as const;

/**
 * Alarms on what needs a person, all notifying one encrypted SNS topic with an e-mail
 * subscription; optionally a dashboard of the same metrics.
 *
 * Six alarms, ten alarm metrics (CloudWatch bills an alarm per metric, a metric-math alarm per
 * metric in its expression), so they fit the 10 alarm metrics of CloudWatch's always-free tier:
 * - FunctionErrors: `AWS/Lambda Errors` without a dimension, which CloudWatch aggregates over every
 *   function in the account and region. One deployment has its account to itself (one per
 *   municipality, infra/README.md), so that is exactly this project's functions, new ones
 *   included, for one metric instead of one per function; a foreign function in the account
 *   would raise it too, which errs on the side of telling someone.
 * - ExecutionsNotSucceeded: failed + timed-out + aborted executions of the state machine. A
 *   failed task (also a throttled one, after its retries) ends in RecordFailure and the
 *   WorkflowFailed state, i.e. a failed execution.
 * - DeadLetters: the deepest of the dead-letter queues, i.e. any of them holds a message. The
 *   tick's failures and throttles land in FailedTicks (on-failure destination), undeliverable
 *   ticks in UndeliveredTicks, undeliverable alarm mail in UndeliveredAlarmMail.
 * - Api5xx: the API answered 5xx, which includes a throttled or failing API function.
 * - OverdueTasks: open tasks past their escalation moment (the core's deadlines rule).
 * - NotificationsFailed: a notification's mail failed on every attempt; the beheerders also see
 *   it in GET /notifications.
 * Throttles have no alarm of their own: each caller turns them into one of the above.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard?: cloudwatch.Dashboard;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Trajectregie alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    const undeliveredMail = new DeadLetterQueue(this, 'UndeliveredAlarmMail', {
      key: props.key,
      purpose: 'alarm notifications the e-mail subscription could not deliver',
    });
    this.topic.addSubscription(
      new subscriptions.EmailSubscription(props.alarmEmail, { deadLetterQueue: undeliveredMail.queue }),
    );
    this.action = new SnsAction(this.topic);

    const fiveMinutes = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };

    const functionErrors = new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Errors', ...fiveMinutes });
    this.alarm(
      'FunctionErrors',
      functionErrors,
      'A Lambda function of this deployment failed (AWS/Lambda Errors across all functions of the account and region; one deployment per account)',
    );

    const executions = {
      failed: props.stateMachine.metricFailed(fiveMinutes),
      timedOut: props.stateMachine.metricTimedOut(fiveMinutes),
      aborted: props.stateMachine.metricAborted(fiveMinutes),
    };
    const notSucceeded = new cloudwatch.MathExpression({
      expression: `SUM([${Object.keys(executions).join(', ')}])`,
      usingMetrics: executions,
      period: Duration.minutes(5),
      label: 'Executions failed, timed out or aborted',
    });
    this.alarm('ExecutionsNotSucceeded', notSucceeded, 'Trajectory executions failed, timed out or were aborted');

    const queues = [...props.deadLetterQueues, undeliveredMail];
    const depth = (dlq: DeadLetterQueue) =>
      dlq.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM, label: dlq.node.id });
    const deadLetters = new cloudwatch.MathExpression({
      expression: `MAX([${queues.map((_dlq, i) => `q${i}`).join(', ')}])`,
      usingMetrics: Object.fromEntries(queues.map((dlq, i) => [`q${i}`, depth(dlq)])),
      period: Duration.minutes(5),
      label: 'Messages in the deepest dead-letter queue',
    });
    this.alarm(
      'DeadLetters',
      deadLetters,
      `A dead-letter queue holds a message: ${queues.map((dlq) => `${dlq.node.id} (${dlq.purpose})`).join('; ')}`,
    );

    const api5xx = props.httpApi.metricServerError(fiveMinutes);
    this.alarm('Api5xx', api5xx, 'The API answered with a server error (5xx)');

    const overdue = new cloudwatch.Metric({ ...OVERDUE_TASKS_METRIC, period: Duration.hours(1), statistic: cloudwatch.Stats.MAXIMUM });
    this.alarm('OverdueTasks', overdue, ESCALATION_RULE_TEXT);

    const failedMail = new cloudwatch.Metric({ ...NOTIFICATIONS_FAILED_METRIC, period: Duration.hours(1), statistic: cloudwatch.Stats.SUM });
    this.alarm('NotificationsFailed', failedMail, 'A notification mail failed on every attempt (GET /notifications lists it under failedDeliveries)');

    if (props.dashboard) {
      // 29 metrics: within the always-free tier's 50 per dashboard (3 dashboards per account).
      this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
      const fns = Object.entries(props.functions);
      this.dashboard.addWidgets(
        new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
        new cloudwatch.GraphWidget({
          title: 'Trajectory executions',
          left: [props.stateMachine.metricStarted(fiveMinutes), props.stateMachine.metricSucceeded(fiveMinutes), ...Object.values(executions)],
        }),
        new cloudwatch.GraphWidget({ title: ESCALATION_RULE_TEXT, left: [overdue] }),
        new cloudwatch.GraphWidget({ title: 'API requests and 5xx', left: [props.httpApi.metricCount(fiveMinutes)], right: [api5xx] }),
        new cloudwatch.GraphWidget({
          title: 'Function errors',
          left: fns.map(([name, fn]) => fn.metricErrors({ ...fiveMinutes, label: name })),
        }),
        new cloudwatch.GraphWidget({
          title: 'Function throttles',
          left: fns.map(([name, fn]) => fn.metricThrottles({ ...fiveMinutes, label: name })),
        }),
        new cloudwatch.GraphWidget({ title: 'Dead-letter queue depth', left: queues.map(depth) }),
      );
    }
  }

  /** One alarm: any occurrence (>= 1) in one period notifies the topic; no data is not an alarm. */
  private alarm(id: (typeof ALARM_IDS)[number], metric: cloudwatch.IMetric, description: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      alarmDescription: description,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
  }
}
