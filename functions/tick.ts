import { tick } from '../core/usecases/oversight';
import { lambdaHandler, type HandlerFactory } from './step-event';

/**
 * The scheduler tick (EventBridge Scheduler): publishes how many open tasks are overdue past
 * escalation, records the notifications that fell due and sends their mail through SES.
 */
export const makeHandler: HandlerFactory = (deps) => () => tick(deps);
export const handler = lambdaHandler(makeHandler, { mailer: () => import('../adapters/mail/ses') });
