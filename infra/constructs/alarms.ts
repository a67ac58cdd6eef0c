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

export interface AlarmsProps {
  key: kms.IKey;
  alarmEmail: string;
  stateMachine: sfn.StateMachine;
  httpApi: apigw.HttpApi;
  functions: Record<string, lambda.Function>;
  deadLetterQueues: DeadLetterQueue[];
}

/**
 * Alarms on what needs a person, all notifying one encrypted SNS topic with
 * an e-mail subscription, and a dashboard of the same metrics.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
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
    const workflowMetrics = {
      Failed: props.stateMachine.metricFailed(fiveMinutes),
      TimedOut: props.stateMachine.metricTimedOut(fiveMinutes),
      Throttled: props.stateMachine.metricThrottled(fiveMinutes),
    };
    for (const [what, metric] of Object.entries(workflowMetrics)) {
      this.alarm(`Executions${what}`, metric, `Trajectory executions ${what.toLowerCase()}`);
    }

    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarm(`${name}Errors`, fn.metricErrors(fiveMinutes), `Function ${name} failed`);
      this.alarm(`${name}Throttles`, fn.metricThrottles(fiveMinutes), `Function ${name} was throttled`);
    }

    const queues = [...props.deadLetterQueues, undeliveredMail];
    for (const dlq of queues) {
      this.alarm(
        `${dlq.node.id}Depth`,
        dlq.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
        `Dead-letter queue holds ${dlq.purpose}`,
      );
    }

    const api5xx = props.httpApi.metricServerError(fiveMinutes);
    this.alarm('Api5xx', api5xx, 'The API answered with a server error (5xx)');

    const overdue = new cloudwatch.Metric({ ...OVERDUE_TASKS_METRIC, period: Duration.hours(1), statistic: cloudwatch.Stats.MAXIMUM });
    this.alarm('OverdueTasks', overdue, ESCALATION_RULE_TEXT);

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    const fns = Object.entries(props.functions);
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
      new cloudwatch.GraphWidget({
        title: 'Trajectory executions',
        left: [props.stateMachine.metricStarted(fiveMinutes), props.stateMachine.metricSucceeded(fiveMinutes), ...Object.values(workflowMetrics)],
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
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depth',
        left: queues.map((dlq) =>
          dlq.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM, label: dlq.node.id }),
        ),
      }),
    );
  }

  /** One alarm: any occurrence (>= 1) in one period notifies the topic; no data is not an alarm. */
  private alarm(id: string, metric: cloudwatch.IMetric, description: string): void {
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
