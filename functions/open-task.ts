import * as z from 'zod';
import { TaskType } from '../core/schemas';
import { openTask } from '../core/usecases/workflow-steps';
import { lambdaHandler, StepEvent, type HandlerFactory } from './step-event';

const Event = StepEvent.extend({ taskType: TaskType, taskToken: z.string().min(1) });

/** Opens the human task the workflow waits for (or re-registers its token). */
export const makeHandler: HandlerFactory = (deps) => (event) => openTask(deps, Event.parse(event));
export const handler = lambdaHandler(makeHandler);
