import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { tableDefinition } from '../../adapters/dynamodb/table';
import { ESBUILD_TARGET, ESM_REQUIRE_BANNER, EXTERNAL_MODULES } from '../bundling';
import { acknowledge } from '../nag';
import { grantKeyVia } from './data-key';
import type { DeadLetterQueue } from './dead-letter-queue';
import { encryptedLogGroup, type LogSettings } from './log-group';

/** The repository root: functions/, package-lock.json and workflows/ live there. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const functionEntry = (name: string): string => path.join(PROJECT_ROOT, 'functions', `${name}.ts`);

export type TableAccess = 'read' | 'readWrite';

/** The DynamoDB and KMS actions each access level needs, and nothing more. */
export const TABLE_ACTIONS: Record<TableAccess, { dynamodb: string[]; kms: string[] }> = {
  read: {
    dynamodb: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
    kms: ['kms:Decrypt', 'kms:DescribeKey'],
  },
  readWrite: {
    dynamodb: [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DescribeTable',
      // The code writes whole items (conditional PutItem), updates parts of some (UpdateItem: a
      // wait's token, a notification's delivery or read mark, a trajectory's notification mark)
      // and deletes links and idempotency keys.
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ],
    kms: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
  },
};

export interface ProjectFunctionProps {
  /** File name under functions/, without .ts; the file exports `handler`. */
  name: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  logs: LogSettings;
  /**
   * For a function invoked asynchronously (e.g. by EventBridge Scheduler):
   * failed events go to this queue after the retries. Functions invoked
   * synchronously (API Gateway, Step Functions) leave it out: their caller
   * sees the error and retries or catches it.
   */
  failureQueue?: DeadLetterQueue;
}

/**
 * A Lambda function of this project with its defaults in one place: Node.js 24
 * on arm64, bundled by esbuild from node_modules as minified ESM with source
 * maps, Powertools logger and metrics settings, X-Ray tracing, its own
 * encrypted log group and a role that holds only what the bind/grant calls add.
 */
export class ProjectFunction extends nodejs.NodejsFunction {
  /** Whether failed asynchronous invocations go to a queue (the function is invoked asynchronously). */
  readonly invokedAsynchronously: boolean;

  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.name} function`,
    });
    const logGroup = encryptedLogGroup(scope, `${id}Logs`, props.logs);
    super(scope, id, {
      entry: functionEntry(props.name),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        RUNTIME: 'aws',
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'trajectregie',
        POWERTOOLS_METRICS_NAMESPACE: 'Trajectregie',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: ESBUILD_TARGET,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        externalModules: EXTERNAL_MODULES,
      },
      ...(props.failureQueue && {
        onFailure: props.failureQueue.asDestination(),
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });
    this.invokedAsynchronously = props.failureQueue !== undefined;
    logGroup.grantWrite(role);

    acknowledge(
      role,
      'X-Ray accepts trace segments only on resource "*" (it has no resource-level permissions).',
      'AwsSolutions-IAM5[Resource::*]',
    );
    acknowledge(
      this,
      this.invokedAsynchronously
        ? 'Asynchronous failures go to the on-failure destination (a KMS-encrypted SQS queue), which supersedes DeadLetterConfig.'
        : 'Invoked synchronously only (API Gateway or Step Functions): the caller receives the error and retries or catches it; a DLQ would never receive anything.',
      'Serverless-LambdaDLQ',
    );
  }

  /** Binds the table: sets TABLE_NAME and grants exactly the access level on the table, its indexes and its key. */
  bindTable(table: dynamodb.ITable, access: TableAccess): this {
    this.addEnvironment('TABLE_NAME', table.tableName);
    const actions = TABLE_ACTIONS[access];
    const indexArns = tableDefinition.globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`);
    this.addToRolePolicy(new iam.PolicyStatement({ actions: actions.dynamodb, resources: [table.tableArn, ...indexArns] }));
    if (access === 'readWrite') {
      // The audit log is append-only: no function may delete or change an audit entry or a list read.
      this.addToRolePolicy(
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          actions: ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
          resources: [table.tableArn],
          conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*', 'LISTREAD#*'] } },
        }),
      );
    }
    if (table.encryptionKey) {
      grantKeyVia(this, table.encryptionKey, 'dynamodb', actions.kms);
    }
    return this;
  }
}
