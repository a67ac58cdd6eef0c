/**
 * The Lambda glue of the workflow steps: each function is built from a factory over its
 * dependencies, so the local runtime runs the same handler with its own adapters. What the steps
 * receive and return is the workflow contract (core/workflow/contract.ts).
 */
import { loadAwsDeps, logLambdaContext, type AwsDepsOptions } from '../adapters/aws-deps';
import type { LambdaContextFields } from '../adapters/logger';
import { TransientStepError } from '../core/errors';
import type { Deps } from '../core/ports';

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
 * A workflow step with its dependencies: transient failures are thrown as TransientStepError (`Trajectory.Transient`),
 * which the state machine retries with backoff; anything else is caught and recorded.
 */
export function buildStep(factory: HandlerFactory, deps: Deps): (event: unknown) => Promise<unknown> {
  const handle = factory(deps);
  return async (event) => {
    try {
      return await handle(event);
    } catch (error) {
      if (!isTransient(error)) throw error;
      throw new TransientStepError((error as Error).message);
    }
  };
}

/**
 * The Lambda entry point: AWS adapters built once per container, on the first invocation (the
 * local runtime imports this module too); `options` says which AWS clients beyond DynamoDB the
 * function uses and whether it is traced in X-Ray (adapters/aws-deps.ts). Every invocation's
 * Lambda context goes into the log items.
 */
export function lambdaHandler(
  factory: HandlerFactory,
  options: AwsDepsOptions = {},
): (event: unknown, context?: LambdaContextFields) => Promise<unknown> {
  let handle: Promise<(event: unknown) => Promise<unknown>> | undefined;
  return async (event, context) => {
    if (!handle) {
      handle = loadAwsDeps(options).then((deps) => buildStep(factory, deps));
      handle.catch(() => (handle = undefined)); // a bad configuration fails this invocation and is read again on the next
    }
    const step = await handle;
    logLambdaContext(context);
    return step(event);
  };
}
