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

/** Errors worth retrying: a lost write race, throttling, a service or network hiccup. */
const TRANSIENT = new Set([
  'ConcurrentUpdateError',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'TransactionConflictException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);

function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const sdk = error as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  return TRANSIENT.has(error.name) || Boolean(sdk.$retryable) || (sdk.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * A workflow step with its dependencies: transient failures are thrown as `Trajectory.Transient`,
 * which the state machine retries with backoff; anything else is caught and recorded.
 */
export function buildStep(factory: HandlerFactory, deps: Deps): (event: unknown) => Promise<unknown> {
  const handle = factory(deps);
  return async (event) => {
    try {
      return await handle(event);
    } catch (error) {
      if (!isTransient(error)) throw error;
      const transient = new Error((error as Error).message);
      transient.name = 'Trajectory.Transient';
      throw transient;
    }
  };
}

/** The Lambda entry point: AWS adapters, built once per container. */
export function lambdaHandler(factory: HandlerFactory): (event: unknown) => Promise<unknown> {
  let handle: ((event: unknown) => Promise<unknown>) | undefined;
  return (event) => {
    handle ??= buildStep(factory, awsDeps());
    return handle(event);
  };
}
