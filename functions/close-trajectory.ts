import { closeTrajectory } from '../core/usecases/workflow-steps';
import { lambdaHandler, StepEvent, type HandlerFactory } from './step-event';

/** Closes the trajectory with its outcome (idempotent). */
export const makeHandler: HandlerFactory = (deps) => (event) => closeTrajectory(deps, StepEvent.parse(event));
export const handler = lambdaHandler(makeHandler);
