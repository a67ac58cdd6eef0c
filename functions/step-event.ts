/**
 * What every workflow step receives from the state machine: IDs and control fields only.
 * The Lambda glue lives here too: each function is built from a factory over its dependencies,
 * so the local runtime runs the same handler with its own adapters.
 */
import * as z from 'zod';
import { awsDeps } from '../adapters/aws-deps';
import type { Deps } from '../core/ports';

export const StepEvent = z.object({
  trajectoryId: z.string().min(1),
  segment: z.number().int().min(0),
  executionName: z.string().min(1),
  executionStartedAt: z.string().min(1),
});

export type HandlerFactory = (deps: Deps) => (event: unknown) => Promise<unknown>;

/** The Lambda entry point: AWS adapters, built once per container. */
export function lambdaHandler(factory: HandlerFactory): (event: unknown) => Promise<unknown> {
  let handle: ((event: unknown) => Promise<unknown>) | undefined;
  return (event) => {
    handle ??= factory(awsDeps());
    return handle(event);
  };
}
