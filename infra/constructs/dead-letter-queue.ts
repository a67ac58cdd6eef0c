import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { grantKeyVia } from './data-key';

/**
 * A queue that keeps what could not be delivered or processed: encrypted with
 * the customer-managed key, TLS only, kept for 14 days. Its depth above zero
 * raises an alarm (see alarms.ts).
 */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;
  /** What the queue holds, for the alarm description. */
  readonly purpose: string;
  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: { key: kms.IKey; purpose: string }) {
    super(scope, id);
    this.key = props.key;
    this.purpose = props.purpose;
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.queue,
      'This queue is itself the dead-letter queue; nothing consumes it automatically, an operator inspects it when its depth alarm fires.',
      'AwsSolutions-SQS3',
      'Serverless-SQSRedrivePolicy',
    );
  }

  /** Lets a role send to the queue: sqs:SendMessage on it, and the key use the encryption needs. */
  grantSend(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }),
    );
    grantKeyVia(grantee, this.key, 'sqs', ['kms:GenerateDataKey', 'kms:Decrypt']);
  }

  /** An on-failure destination for asynchronous Lambda invocations, granting exactly the send. */
  asDestination(): lambda.IDestination {
    return {
      bind: (_scope, fn) => {
        this.grantSend(fn);
        return { destination: this.queue.queueArn };
      },
    };
  }
}
