/**
 * Domain errors. Each has a stable `name` that the API maps to an HTTP problem
 * and the state machine matches in Catch (error.name is the Step Functions error).
 */
export interface FieldProblem {
  field: string;
  message: string;
}

export class DomainError extends Error {
  override name = 'DomainError';
  readonly status: number = 500;
}

export class ValidationError extends DomainError {
  override name = 'ValidationError';
  override readonly status = 400;
  constructor(
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export class UnauthorizedError extends DomainError {
  override name = 'UnauthorizedError';
  override readonly status = 401;
}

export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
  override readonly status = 403;
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  override readonly status = 404;
}

export class ConflictError extends DomainError {
  override name = 'ConflictError';
  override readonly status = 409;
}

/** A write lost a race (condition failed); the caller may retry. */
export class ConcurrentUpdateError extends ConflictError {
  override name = 'ConcurrentUpdateError';
}

/** The workflow and the stored trajectory disagree; the state machine records a failure. */
export class WorkflowOutOfSyncError extends DomainError {
  override name = 'Trajectory.OutOfSync';
}

/** The schedule now asks for the afronding where the workflow expected a contact: the wait goes to the afronding. */
export class AfrondingRequestedError extends DomainError {
  override name = 'Trajectory.AfrondingRequested';
}

/** Thrown by the handover channel; the state machine retries it with backoff. */
export class DeliveryFailedError extends DomainError {
  override name = 'Handover.DeliveryFailed';
}
