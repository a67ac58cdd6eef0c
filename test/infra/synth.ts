/**
 * Test support: synthesises the CDK app once per test file with real
 * NodejsFunction constructs but bundling skipped (context
 * aws:cdk:bundling-stacks = []), using cdk.json's context plus the test's own.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { PROJECT_ROOT } from '../../infra/constructs/project-function';
import { createApp, type TrajectregieApp } from '../../infra/trajectregie-app';

export interface Synthesised extends TrajectregieApp {
  assembly: CloudAssembly;
  statefulTemplate: Template;
  statelessTemplate: Template;
}

const cdkJsonContext = (): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context ?? {};

export function synthesise(context: Record<string, unknown> = {}): Synthesised {
  const built = createApp({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context },
    nag: false,
  });
  const assembly = built.app.synth();
  const template = (stack: Stack) => Template.fromJSON(assembly.getStackByName(stack.stackName).template);
  return { ...built, assembly, statefulTemplate: template(built.stateful), statelessTemplate: template(built.stateless) };
}

export type Resource = { Type: string; Properties: Record<string, any>; [key: string]: any };

/** One IAM statement of an identity policy (IAM::Policy, a role's inline policy, IAM::ManagedPolicy). */
export interface IamStatement {
  /** Logical id of the resource that holds the statement. */
  holder: string;
  actions: string[];
  resources: unknown[];
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export function iamStatements(template: Template): IamStatement[] {
  const documents: [string, any][] = [];
  for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) documents.push([id, policy.Properties.PolicyDocument]);
  for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))) documents.push([id, policy.Properties.PolicyDocument]);
  for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    for (const inline of role.Properties.Policies ?? []) documents.push([id, inline.PolicyDocument]);
  }
  return documents.flatMap(([holder, document]) =>
    asArray<any>(document.Statement).map((statement) => ({
      holder,
      actions: asArray<string>(statement.Action),
      resources: asArray<unknown>(statement.Resource),
    })),
  );
}

/** The construct in a stack whose CloudFormation logical id is `id`. */
export function constructOf(stack: Stack, id: string): IConstruct {
  const found = stack.node.findAll().find((c) => c instanceof CfnElement && stack.getLogicalId(c) === id);
  if (!found) throw new Error(`No construct with logical id ${id} in ${stack.stackName}`);
  return found;
}

/** The acknowledgements (rule id → reason) recorded on a construct itself. */
export function ownAcknowledgements(construct: IConstruct): Map<string, string> {
  const rules = new Map<string, string>();
  for (const entry of construct.node.metadata) {
    if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) {
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        rules.set(id.replace(/^annotation::/i, ''), reason);
      }
    }
  }
  return rules;
}

/** The acknowledgements that apply to a construct: its own and its ancestors'. */
export function acknowledgementsFor(construct: IConstruct): Map<string, string> {
  const rules = new Map<string, string>();
  for (const scope of construct.node.scopes) {
    for (const [id, reason] of ownAcknowledgements(scope)) rules.set(id, reason);
  }
  return rules;
}

/** The function (by its file name under functions/) a logical id belongs to. */
export function functionNameOf(built: Synthesised, id: string): string | undefined {
  return Object.entries(built.stateless.functions).find(([, fn]) => built.stateless.getLogicalId(fn.node.defaultChild as CfnElement) === id)?.[0];
}
