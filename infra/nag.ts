import { Stack, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';

/** The cdk-nag packs every synthesis runs; a finding that is not acknowledged fails it. */
export function nagPacks() {
  return [new AwsSolutionsChecks(), new ServerlessChecks()];
}

export function applyNagPacks(app: App): void {
  Validations.of(app).addPlugins(...nagPacks());
}

/**
 * Acknowledges cdk-nag findings on a construct and everything below it, with
 * the reason. A finding id names one finding, e.g.
 * `AwsSolutions-IAM5[Resource::*]` (cdk-nag v3 has no prefix matching).
 */
export function acknowledge(scope: IConstruct, reason: string, ...ids: string[]): void {
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}

/** The id of the AwsSolutions-IAM5 finding for a resource ARN with a wildcard, as cdk-nag spells it. */
export function wildcardResourceFinding(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(arn))}]`;
}
