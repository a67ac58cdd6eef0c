import { buildDossier } from '../core/usecases/workflow-steps';
import { lambdaHandler, StepEvent, type HandlerFactory } from './step-event';

/** Writes the handover dossier for the municipality (once). */
export const makeHandler: HandlerFactory = (deps) => (event) => buildDossier(deps, StepEvent.parse(event));
export const handler = lambdaHandler(makeHandler);
