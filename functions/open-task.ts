import { openTask } from '../core/usecases/workflow-steps';
import { OpenTaskInput } from '../core/workflow/contract';
import { lambdaHandler, type HandlerFactory } from './step-event';

/** Opens the human task the workflow waits for (or re-registers its token). */
export const makeHandler: HandlerFactory = (deps) => (event) => openTask(deps, OpenTaskInput.parse(event));
export const handler = lambdaHandler(makeHandler);
