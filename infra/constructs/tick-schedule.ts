import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { DeadLetterQueue } from './dead-letter-queue';

export const TICK_RATE = 'rate(15 minutes)';

/**
 * EventBridge Scheduler invokes the scheduler tick (functions/tick.ts) every
 * 15 minutes: reminders, overdue tasks, escalation. A failed delivery is
 * retried, then lands in the dead-letter queue. Missed ticks need no catch-up:
 * each tick reads what is due from the due index.
 */
export class TickSchedule extends Construct {
  readonly schedule: scheduler.CfnSchedule;

  constructor(scope: Construct, id: string, props: { tick: lambda.IFunction; deadLetterQueue: DeadLetterQueue }) {
    super(scope, id);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the scheduler tick',
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.tick.functionArn] }));
    props.deadLetterQueue.grantSend(role);

    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      description: 'Trajectregie scheduler tick: reminders, overdue tasks, escalation',
      scheduleExpression: TICK_RATE,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: props.tick.functionArn,
        roleArn: role.roleArn,
        input: '{}',
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 600 },
        deadLetterConfig: { arn: props.deadLetterQueue.queue.queueArn },
      },
    });
  }
}
