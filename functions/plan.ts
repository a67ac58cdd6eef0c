import { plan } from '../core/usecases/workflow-steps';
import { PlanInput } from '../core/workflow/contract';
import { lambdaHandler, type HandlerFactory } from './step-event';

/** Decides what the phase waits for next and for how long. */
export const makeHandler: HandlerFactory = (deps) => (event) => plan(deps, PlanInput.parse(event));
export const handler = lambdaHandler(makeHandler);
