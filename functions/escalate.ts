import { escalate } from '../core/usecases/workflow-steps';
import { lambdaHandler, StepEvent, type HandlerFactory } from './step-event';

/** Escalates an overdue task after a timed-out wait and plans the successor execution. */
export const makeHandler: HandlerFactory = (deps) => (event) => escalate(deps, StepEvent.parse(event));
export const handler = lambdaHandler(makeHandler);
