import { deliverHandover } from '../core/usecases/workflow-steps';
import { lambdaHandler, StepEvent, type HandlerFactory } from './step-event';

/** Delivers the handover to the municipality. */
export const makeHandler: HandlerFactory = (deps) => (event) => deliverHandover(deps, StepEvent.parse(event));
export const handler = lambdaHandler(makeHandler);
