import { Phase } from '../core/schemas';
import { plan } from '../core/usecases/workflow-steps';
import { lambdaHandler, StepEvent, type HandlerFactory } from './step-event';

const Event = StepEvent.extend({ phase: Phase });

/** Decides what the phase waits for next and for how long. */
export const makeHandler: HandlerFactory = (deps) => (event) => plan(deps, Event.parse(event));
export const handler = lambdaHandler(makeHandler);
