import { closeTrajectory } from '../core/usecases/workflow-steps';
import { StepInput } from '../core/workflow/contract';
import { lambdaHandler, type HandlerFactory } from './step-event';

/** Closes the trajectory with its outcome (idempotent). */
export const makeHandler: HandlerFactory = (deps) => (event) => closeTrajectory(deps, StepInput.parse(event));
export const handler = lambdaHandler(makeHandler);
