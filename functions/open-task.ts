import { SFNClient } from '@aws-sdk/client-sfn';
import { StepFunctionsEngine } from '../adapters/workflow/step-functions';
import { openTask } from '../core/usecases/workflow-steps';
import { OpenTaskInput } from '../core/workflow/contract';
import { lambdaHandler, type HandlerFactory } from './step-event';

/**
 * Opens the human task the workflow waits for (or re-registers its token). A task completed
 * before the wait began resolves the wait at once: this step answers the token itself, so it has
 * the Step Functions engine (built on that first call). Not traced: that call is the rare
 * recovery case, and the X-Ray SDK would cost every cold start ~120 KB of bundle and ~60 ms.
 */
export const makeHandler: HandlerFactory = (deps) => (event) => openTask(deps, OpenTaskInput.parse(event));
export const handler = lambdaHandler(makeHandler, { stepFunctions: { SFNClient, StepFunctionsEngine } });
