import { deliverHandover } from '../core/usecases/workflow-steps';
import { StepInput } from '../core/workflow/contract';
import { lambdaHandler, type HandlerFactory } from './step-event';

/** Delivers the handover to the municipality. */
export const makeHandler: HandlerFactory = (deps) => (event) => deliverHandover(deps, StepInput.parse(event));
export const handler = lambdaHandler(makeHandler);
