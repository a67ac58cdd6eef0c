import { openTask } from '../core/usecases/workflow-steps';
import { OpenTaskInput } from '../core/workflow/contract';
import { lambdaHandler, type HandlerFactory } from './step-event';

/**
 * Opens the human task the workflow waits for (or registers its token). A task completed before
 * the wait began resolves the wait at once: this step answers the token itself, so it has the
 * Step Functions engine (its SDK client imported on that first call, which the usual path never
 * makes). Not traced: that call is the rare recovery case, and the X-Ray SDK would cost every
 * cold start ~120 KB of bundle and ~60 ms.
 */
export const makeHandler: HandlerFactory = (deps) => (event) => openTask(deps, OpenTaskInput.parse(event));
export const handler = lambdaHandler(makeHandler, { stepFunctions: () => import('../adapters/workflow/step-functions') });
