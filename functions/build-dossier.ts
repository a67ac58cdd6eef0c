import { buildDossier } from '../core/usecases/workflow-steps';
import { StepInput } from '../core/workflow/contract';
import { lambdaHandler, type HandlerFactory } from './step-event';

/** Writes the handover dossier for the municipality (once). */
export const makeHandler: HandlerFactory = (deps) => (event) => buildDossier(deps, StepInput.parse(event));
export const handler = lambdaHandler(makeHandler);
