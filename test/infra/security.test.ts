/**
 * Least privilege and encryption, read from the synthesised templates.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_FUNCTIONS } from '../../infra/constructs/workflow';
import { acknowledgementsFor, constructOf, functionNameOf, iamStatements, type Synthesised, synthesise } from './synth';

let built: Synthesised;
beforeAll(() => {
  // With the webhook configured: the fullest deployment, its secret included.
  built = synthesise({ municipalityEndpoint: 'https://klantregie.example.nl/api/overdracht' });
});

const stacks = () => [
  { stack: built.stateful, template: built.statefulTemplate },
  { stack: built.stateless, template: built.statelessTemplate },
];

/** The only actions AWS accepts on resource "*" that this app uses: X-Ray, and Step Functions' log delivery. */
const STAR_RESOURCE_ACTIONS = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

describe('IAM', () => {
  it('grants no action with a wildcard in any identity policy', () => {
    for (const { template } of stacks()) {
      const wildcards = iamStatements(template).flatMap((s) => s.actions.filter((a) => a.includes('*')).map((a) => `${s.holder}: ${a}`));
      expect(wildcards).toEqual([]);
    }
  });

  it('uses resource "*" only for X-Ray and log delivery, and only where acknowledged with a reason', () => {
    const { stack, template } = stacks()[1]!;
    const starStatements = iamStatements(template).filter((s) => s.resources.includes('*'));
    expect(starStatements.length).toBeGreaterThan(0);
    for (const statement of starStatements) {
      expect(statement.actions.filter((a) => !STAR_RESOURCE_ACTIONS.has(a)), statement.holder).toEqual([]);
      const reason = acknowledgementsFor(constructOf(stack, statement.holder)).get('AwsSolutions-IAM5[Resource::*]');
      expect(reason, `${statement.holder} has no acknowledged reason for resource "*"`).toMatch(/\w{10,}/);
    }
    expect(iamStatements(built.statefulTemplate).filter((s) => s.resources.includes('*'))).toEqual([]);
  });

  it('attaches no AWS managed policy to any role', () => {
    for (const { template } of stacks()) {
      for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    }
  });

  it('lets the state machine invoke exactly its seven task functions and start only itself', () => {
    const role = built.stateless.workflow.stateMachine.role;
    const statements = iamStatements(built.statelessTemplate).filter((s) => constructOf(built.stateless, s.holder).node.scopes.includes(role));
    const invoke = statements.filter((s) => s.actions.includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    const invoked = invoke[0]!.resources.map((arn: any) => functionNameOf(built, arn['Fn::GetAtt'][0]));
    expect(invoked.sort()).toEqual([...new Set(Object.values(WORKFLOW_FUNCTIONS))].sort());

    const start = statements.filter((s) => s.actions.some((a) => a.startsWith('states:')));
    expect(start.map((s) => s.actions)).toEqual([['states:StartExecution']]);
    expect(built.stateless.resolve(start[0]!.resources[0])).toEqual(built.stateless.resolve(built.stateless.workflow.stateMachineArn));
  });

  it('gives every function its own role', () => {
    const roles = Object.values(built.statelessTemplate.findResources('AWS::Lambda::Function')).map((fn) => JSON.stringify(fn.Properties.Role));
    expect(new Set(roles).size).toBe(roles.length);
  });
});

describe('encryption with the customer-managed key', () => {
  const keyArn = () => ({ 'Fn::GetAtt': [built.stateful.getLogicalId(built.stateful.key.node.defaultChild as never), 'Arn'] });

  it('rotates the key and retains it', () => {
    built.statefulTemplate.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
    });
  });

  it('protects every table: PITR, deletion protection, on-demand, the customer key, retained', () => {
    const tables = built.statefulTemplate.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(1);
    for (const table of Object.values(tables)) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn() },
      });
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties.TableName).toBeUndefined();
    }
    for (const { template } of stacks()) {
      expect(template.findResources('AWS::DynamoDB::GlobalTable')).toEqual({});
    }
  });

  it('encrypts every log group, queue, topic and secret with the key', () => {
    const t = built.statelessTemplate;
    for (const [type, property] of [
      ['AWS::Logs::LogGroup', 'KmsKeyId'],
      ['AWS::SQS::Queue', 'KmsMasterKeyId'],
      ['AWS::SNS::Topic', 'KmsMasterKeyId'],
      ['AWS::SecretsManager::Secret', 'KmsKeyId'],
    ] as const) {
      const resources = Object.values(t.findResources(type));
      expect(resources.length, type).toBeGreaterThan(0);
      for (const resource of resources) {
        expect(resource.Properties[property], type).toEqual({ 'Fn::ImportValue': expect.stringMatching(/DataKey/) });
      }
    }
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('runs the state machine Standard, with logging ALL without execution data, X-Ray and the key', () => {
    built.statelessTemplate.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      TracingConfiguration: { Enabled: true },
      EncryptionConfiguration: Match.objectLike({
        Type: 'CUSTOMER_MANAGED_KMS_KEY',
        KmsKeyId: { 'Fn::ImportValue': Match.stringLikeRegexp('DataKey') },
      }),
    });
  });

  it('requires TLS on every queue and topic', () => {
    const denyInsecure = Match.objectLike({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const t = built.statelessTemplate;
    expect(Object.keys(t.findResources('AWS::SQS::QueuePolicy', { Properties: { PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) } } })).length).toBe(
      Object.keys(t.findResources('AWS::SQS::Queue')).length,
    );
    t.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) } });
  });
});

describe('user pool', () => {
  it('requires MFA, a strong password and threat protection, without self sign-up', () => {
    built.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      UserPoolTier: 'PLUS',
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
  });

  it('has the groups regisseur, beheerder and gemeente', () => {
    const groups = Object.values(built.statefulTemplate.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['beheerder', 'gemeente', 'regisseur']);
  });
});

describe('the audit log', () => {
  it('cannot be deleted from or changed by any function that writes the table', () => {
    const policies = built.statelessTemplate.findResources('AWS::IAM::Policy');
    const writers = Object.values(policies).filter((p: any) =>
      p.Properties.PolicyDocument.Statement.some((s: any) => s.Effect === 'Allow' && [s.Action].flat().some((a: string) => ['dynamodb:PutItem', 'dynamodb:UpdateItem'].includes(a))),
    );
    expect(writers.length).toBeGreaterThan(0);
    for (const policy of writers as any[]) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
          Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*', 'LISTREAD#*'] } },
        }),
      );
    }
  });
});

describe('the table grants', () => {
  it('cover every DynamoDB command the adapters send', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { TABLE_ACTIONS } = await import('../../infra/constructs/project-function');
    const ACTION: Record<string, string> = {
      Get: 'GetItem',
      Put: 'PutItem',
      Update: 'UpdateItem',
      Delete: 'DeleteItem',
      Query: 'Query',
      BatchGet: 'BatchGetItem',
      BatchWrite: 'BatchWriteItem',
      Scan: 'Scan',
      TransactWrite: 'TransactWriteItems',
      TransactGet: 'TransactGetItems',
    };
    const dir = join(import.meta.dirname, '../../adapters/dynamodb');
    const used = new Set<string>();
    for (const file of await readdir(dir)) {
      for (const [, command] of (await readFile(join(dir, file), 'utf8')).matchAll(/new (\w+)Command\(/g)) used.add(`dynamodb:${ACTION[command!] ?? command}`);
    }
    expect(used.size).toBeGreaterThan(4);
    expect(TABLE_ACTIONS.readWrite.dynamodb).toEqual(expect.arrayContaining([...used]));
  });
});
