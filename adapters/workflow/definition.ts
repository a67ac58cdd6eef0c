/**
 * The trajectory state machine definition (workflows/trajectory.asl.json) and its substitutions.
 * CDK deploys the file with `definitionSubstitutions`; the local engine applies the same keys.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEFINITION_PATH = fileURLToPath(new URL('../../workflows/trajectory.asl.json', import.meta.url));

/** Substitution key → the workflow step it names (a Lambda on AWS, an in-process handler locally). */
export const STEP_SUBSTITUTIONS = {
  PlanFunctionArn: 'plan',
  OpenTaskFunctionArn: 'open-task',
  EscalateFunctionArn: 'escalate',
  BuildDossierFunctionArn: 'build-dossier',
  DeliverHandoverFunctionArn: 'deliver-handover',
  CloseTrajectoryFunctionArn: 'close-trajectory',
  RecordFailureFunctionArn: 'record-failure',
} as const;
export type StepName = (typeof STEP_SUBSTITUTIONS)[keyof typeof STEP_SUBSTITUTIONS];

export function readDefinitionText(): string {
  return readFileSync(DEFINITION_PATH, 'utf8');
}

/** Replaces every ${Key} as Step Functions does with definitionSubstitutions. */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
