import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { acknowledge, wildcardResourceFinding } from '../nag';
import { encryptedLogGroup, type LogSettings } from './log-group';
import { DEFINITION_PATH, STEP_SUBSTITUTIONS } from '../../adapters/workflow/definition';

/** The definition deployed, the same file (and substitution map) the local engine runs. */
export const DEFINITION_FILE = DEFINITION_PATH;
export const WORKFLOW_FUNCTIONS = STEP_SUBSTITUTIONS;

export type WorkflowFunctionName = (typeof WORKFLOW_FUNCTIONS)[keyof typeof WORKFLOW_FUNCTIONS];

export interface WorkflowProps {
  /** Fixed, so the machine's own ARN is known without a reference to itself. */
  stateMachineName: string;
  functions: Record<WorkflowFunctionName, lambda.IFunction>;
  key: kms.IKey;
  logs: LogSettings;
}

/**
 * The trajectory state machine: Standard, from workflows/trajectory.asl.json
 * with the function ARNs substituted; logs at level ALL without execution
 * data, X-Ray, encrypted with the customer-managed key. Its role may invoke
 * only its functions and start only itself (ContinueAsNew).
 */
export class Workflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    this.key = props.key;
    this.stateMachineName = props.stateMachineName;
    const stack = Stack.of(this);
    this.stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: props.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    // The vended-logs prefix keeps the CloudWatch Logs resource policy small.
    const logGroup = encryptedLogGroup(this, 'Logs', props.logs, `/aws/vendedlogs/states/${props.stateMachineName}`);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(DEFINITION_FILE),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(WORKFLOW_FUNCTIONS).map(([key, name]) => [key, props.functions[name].functionArn]),
      ),
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(props.key),
    });

    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...new Set(Object.values(WORKFLOW_FUNCTIONS))].map((name) => props.functions[name].functionArn),
      }),
    );
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachineArn] }),
    );
    acknowledge(
      this.stateMachine.role,
      'Step Functions log delivery (logs:*LogDelivery, DescribeLogGroups, resource policies) and X-Ray accept only resource "*"; CDK adds exactly those statements.',
      'AwsSolutions-IAM5[Resource::*]',
    );
  }

  /** ARN pattern of this machine's executions (execution names are chosen per trajectory). */
  get executionArnPattern(): string {
    return Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** What the API needs: start, list and read executions of this machine, and complete human tasks. */
  grantApi(grantee: iam.IGrantable): void {
    this.grantOnMachine(grantee, ['states:StartExecution', 'states:ListExecutions', 'states:SendTaskSuccess', 'states:SendTaskFailure']);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [this.executionArnPattern] }),
    );
    acknowledge(
      grantee.grantPrincipal as unknown as IConstruct,
      'Execution names are chosen per trajectory and segment; DescribeExecution is limited to the executions of this one state machine.',
      wildcardResourceFinding(this, this.executionArnPattern),
    );
  }

  /** Completing a human task: open-task resolves a wait at once when the task was completed before it waited. */
  grantTaskResponse(grantee: iam.IGrantable): void {
    this.grantOnMachine(grantee, ['states:SendTaskSuccess', 'states:SendTaskFailure']);
  }

  /** Actions on this machine, plus the key use its encryption requires of callers. */
  private grantOnMachine(grantee: iam.IGrantable, actions: string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [this.stateMachineArn] }));
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': this.stateMachineArn } },
      }),
    );
  }
}
