import { deliverHandover } from '../core/usecases/workflow-steps';
import { StepInput } from '../core/workflow/contract';
import { lambdaHandler, type HandlerFactory } from './step-event';

/**
 * Delivers the handover to the municipality. The one step that calls out of AWS, so the one that
 * is traced in X-Ray: the webhook request and the Secrets Manager read (Powertools Tracer,
 * imported on the first invocation).
 */
export const makeHandler: HandlerFactory = (deps) => (event) => deliverHandover(deps, StepInput.parse(event));
export const handler = lambdaHandler(makeHandler, { tracer: () => import('@aws-lambda-powertools/tracer') });
