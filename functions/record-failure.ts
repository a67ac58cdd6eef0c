import * as z from 'zod';
import { recordFailure } from '../core/usecases/workflow-steps';
import { lambdaHandler, StepEvent, type HandlerFactory } from './step-event';

const Event = StepEvent.extend({ error: z.string() });

/** Marks the trajectory's workflow failed, for the beheerder to see and recover. */
export const makeHandler: HandlerFactory = (deps) => (event) => recordFailure(deps, Event.parse(event));
export const handler = lambdaHandler(makeHandler);
