import { tick } from '../core/usecases/oversight';
import { lambdaHandler, type HandlerFactory } from './step-event';

/** The scheduler tick (EventBridge Scheduler): publishes how many open tasks are overdue past escalation. */
export const makeHandler: HandlerFactory = (deps) => () => tick(deps);
export const handler = lambdaHandler(makeHandler);
