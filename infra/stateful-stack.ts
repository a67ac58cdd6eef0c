import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { Auth } from './constructs/auth';
import { DataKey } from './constructs/data-key';
import { TrajectoryTable } from './constructs/table';

/**
 * What outlives a redeploy, all retained on delete: the customer-managed key,
 * the table, and the user pool (accounts and their MFA enrolment are state).
 */
export class StatefulStack extends Stack {
  readonly key: kms.Key;
  readonly table: dynamodb.Table;
  readonly auth: Auth;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.key = new DataKey(this, 'DataKey').key;
    this.table = new TrajectoryTable(this, 'Trajectories', { key: this.key }).table;
    this.auth = new Auth(this, 'Auth');
  }
}
