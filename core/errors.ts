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

/**
 * Errors the state machine matches by name (the catalogue is core/workflow/contract.ts; a test
 * checks every `ErrorEquals` of the definition against it).
 */
export class WorkflowError extends DomainError {}

/** The workflow and the stored trajectory disagree; the state machine records a failure. */
export class WorkflowOutOfSyncError extends WorkflowError {
  override name = 'Trajectory.OutOfSync';
}

/** The afronding was asked for (or came closer) while the workflow waited for a POP or contact: the wait goes to the afronding. */
export class AfrondingRequestedError extends WorkflowError {
  override name = 'Trajectory.AfrondingRequested';
}

/** The open task's due date moved: the wait plans again, so its timeout follows the new date. */
export class ReplanRequestedError extends WorkflowError {
  override name = 'Trajectory.Replan';
}

/** The trajectory was withdrawn: the execution ends through Close. */
export class WithdrawnError extends WorkflowError {
  override name = 'Trajectory.Withdrawn';
}

/** A transient failure of a step (a lost write race, throttling); the state machine retries it with backoff. */
export class TransientStepError extends WorkflowError {
  override name = 'Trajectory.Transient';
}

/** Thrown by the handover channel; the state machine retries it with backoff. */
export class DeliveryFailedError extends WorkflowError {
  override name = 'Handover.DeliveryFailed';
}
