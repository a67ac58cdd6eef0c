import { escalate } from '../core/usecases/workflow-steps';
import { StepInput } from '../core/workflow/contract';
import { lambdaHandler, type HandlerFactory } from './step-event';

/** Escalates an overdue task after a timed-out wait and plans the successor execution. */
export const makeHandler: HandlerFactory = (deps) => (event) => escalate(deps, StepInput.parse(event));
export const handler = lambdaHandler(makeHandler);
