import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The customer-managed key that encrypts every store of the deployment: the
 * table, log groups, queues, the alarm topic, the webhook secret and the
 * state machine. Rotated yearly; retained when the stack is deleted.
 *
 * Identity-based grants (roles in this account) go to the roles' own policies;
 * the key policy adds only the AWS services that write with the key on their
 * own behalf, each restricted to this account.
 */
export class DataKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: 'Trajectregie: encrypts the table, logs, queues, topic, secret and state machine',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const sameAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
    // CloudWatch Logs encrypts log groups (Lambda, API access logs, state machine).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          },
        },
      }),
    );
    // CloudWatch alarms publish to the encrypted topic; SNS delivers failed
    // e-mail notifications to the encrypted dead-letter queue.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com'), new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: sameAccount,
      }),
    );
  }
}

/**
 * Grants a role use of the key only through one AWS service (kms:ViaService),
 * with explicit actions: the role cannot use the key directly.
 */
export function grantKeyVia(grantee: iam.IGrantable, key: kms.IKey, service: string, actions: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions,
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `${service}.${Stack.of(key).region}.amazonaws.com` } },
    }),
  );
}
