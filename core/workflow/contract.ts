/**
 * The contract between the state machine (workflows/trajectory.asl.json) and its steps: what each
 * step receives and returns (IDs and control fields only, never personal data), and the catalogue
 * of error names the definition matches. test/unit/workflow-contract.test.ts holds the definition
 * to it: every `ErrorEquals` is in this catalogue or one of AWS's own, and every error a step may
 * throw is caught where this file says it goes.
 */
import * as z from 'zod';
import {
  AfrondingRequestedError,
  DeliveryFailedError,
  ReplanRequestedError,
  TransientStepError,
  WithdrawnError,
  WorkflowOutOfSyncError,
} from '../errors';
import { Phase, TaskType } from '../schemas';

/** What every step receives: the trajectory and the execution it runs in. */
export const StepInput = z.object({
  trajectoryId: z.string().min(1),
  segment: z.number().int().min(0),
  executionName: z.string().min(1),
  executionStartedAt: z.string().min(1),
});
export type StepInput = z.infer<typeof StepInput>;

export const PlanInput = StepInput.extend({ phase: Phase });
/**
 * openTaskId: the task the plan found open (a completion opens the next task), whose token is
 * registered without a read while its escalation date is still the one the plan timed the wait to
 * (openTaskEscalateOn).
 */
export const OpenTaskInput = StepInput.extend({
  taskType: TaskType,
  taskToken: z.string().min(1),
  openTaskId: z.string().min(1).nullable().optional(),
  openTaskEscalateOn: z.string().min(1).nullable().optional(),
});
export const RecordFailureInput = StepInput.extend({ error: z.string() });
export type PlanInput = z.infer<typeof PlanInput>;
export type OpenTaskInput = z.infer<typeof OpenTaskInput>;
export type RecordFailureInput = z.infer<typeof RecordFailureInput>;

/** What a plan step returns (ResultPath $.plan). */
export interface Plan {
  /** task: wait for taskType; contact/afronding: begeleiding's choice; continue: start a successor. */
  next: 'task' | 'contact' | 'afronding' | 'continue';
  taskType: TaskType | null;
  timeoutSeconds: number;
  resumeAt: Phase;
  segment: number;
  executionName: string;
  /** The task already open for this wait, if any: its token is registered without reading the trajectory. */
  openTaskId: string | null;
  /** Its escalation date, as the wait's timeout was planned to it. */
  openTaskEscalateOn: string | null;
}

/**
 * Steps that answer a Plan beside the plan step, by their definition substitution: the delivery
 * of the handover opens the municipality's task and plans the overdracht's wait.
 */
export const PLANNING_STEPS: Record<string, Phase> = { DeliverHandoverFunctionArn: 'overdracht' };

/** A completed task as the trajectory keeps it. */
export interface TaskResult {
  taskId: string;
  type: TaskType;
  decision?: 'close' | 'handover';
}

/**
 * What a completed task tells the state machine (SendTaskSuccess output). A completion that
 * opened the next task (KENNISMAKING, POP, CONTACT) planned its wait too: then the result holds
 * the Plan's fields and the state machine waits again without a plan step.
 */
export type WaitResult = TaskResult & Partial<Plan>;

/** The error names of the workflow, each with its class. */
export const WORKFLOW_ERRORS = {
  outOfSync: new WorkflowOutOfSyncError('').name,
  afrondingRequested: new AfrondingRequestedError('').name,
  replan: new ReplanRequestedError('').name,
  withdrawn: new WithdrawnError('').name,
  transient: new TransientStepError('').name,
  deliveryFailed: new DeliveryFailedError('').name,
} as const;
export type WorkflowErrorName = (typeof WORKFLOW_ERRORS)[keyof typeof WORKFLOW_ERRORS];

/** Signals the API sends to a waiting execution with SendTaskFailure: where the wait goes next. */
export type WaitSignal = typeof WORKFLOW_ERRORS.afrondingRequested | typeof WORKFLOW_ERRORS.replan | typeof WORKFLOW_ERRORS.withdrawn;

/**
 * Per task type, the signals its wait accepts, and the state each leads to. The early afronding
 * may be asked for from the POP phase on; the due date of an open contact may move (replan);
 * every wait can be withdrawn.
 */
export const WAIT_SIGNALS: Record<TaskType, Partial<Record<WaitSignal, string>>> = {
  KENNISMAKING: { 'Trajectory.Replan': 'PlanKennismaking', 'Trajectory.Withdrawn': 'Close' },
  POP: { 'Trajectory.AfrondingRequested': 'PlanAfronding', 'Trajectory.Replan': 'PlanPop', 'Trajectory.Withdrawn': 'Close' },
  CONTACT: { 'Trajectory.AfrondingRequested': 'PlanAfronding', 'Trajectory.Replan': 'PlanNext', 'Trajectory.Withdrawn': 'Close' },
  AFRONDING: { 'Trajectory.Replan': 'PlanAfronding', 'Trajectory.Withdrawn': 'Close' },
  ACKNOWLEDGE: { 'Trajectory.Withdrawn': 'Close' },
};

/**
 * The errors each step function may throw, by its definition substitution, and where the
 * definition sends each (a state name, or 'retry' for a Retry with backoff). Transient errors are
 * retried everywhere; anything unexpected goes to RecordFailure.
 */
export const STEP_ERRORS: Record<string, Partial<Record<WorkflowErrorName, string>>> = {
  PlanFunctionArn: { 'Trajectory.Withdrawn': 'Close', 'Trajectory.Transient': 'retry', 'Trajectory.OutOfSync': 'RecordFailure' },
  /** Plus the signals of its wait (WAIT_SIGNALS): openTask raises AfrondingRequested itself when the afronding was asked for. */
  OpenTaskFunctionArn: { 'Trajectory.Withdrawn': 'Close', 'Trajectory.Transient': 'retry', 'Trajectory.OutOfSync': 'RecordFailure' },
  EscalateFunctionArn: { 'Trajectory.Transient': 'retry', 'Trajectory.OutOfSync': 'RecordFailure' },
  BuildDossierFunctionArn: { 'Trajectory.Withdrawn': 'Close', 'Trajectory.Transient': 'retry', 'Trajectory.OutOfSync': 'RecordFailure' },
  DeliverHandoverFunctionArn: {
    'Trajectory.Withdrawn': 'Close',
    'Handover.DeliveryFailed': 'retry',
    'Trajectory.Transient': 'retry',
    'Trajectory.OutOfSync': 'RecordFailure',
  },
  CloseTrajectoryFunctionArn: { 'Trajectory.Transient': 'retry' },
  RecordFailureFunctionArn: { 'Trajectory.Transient': 'retry' },
};
