import { recordFailure } from '../core/usecases/workflow-steps';
import { RecordFailureInput } from '../core/workflow/contract';
import { lambdaHandler, type HandlerFactory } from './step-event';

/** Marks the trajectory's workflow failed, for the beheerder to see and recover. */
export const makeHandler: HandlerFactory = (deps) => (event) => recordFailure(deps, RecordFailureInput.parse(event));
export const handler = lambdaHandler(makeHandler);
