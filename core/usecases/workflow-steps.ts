/**
 * The steps the state machine calls (one Lambda each). Inputs and outputs carry IDs and control
 * fields only; every fact is read from and written to the store. Each step is idempotent, so a
 * retried or re-entered step has one effect.
 */
import { AfrondingRequestedError, ConcurrentUpdateError, WorkflowOutOfSyncError } from '../errors';
import type { Deps, TaskResult } from '../ports';
import { addDays, today } from '../rules/dates';
import { plannedTask, RULES, type PlannedTask } from '../rules/schedule';
import { taskIdFor } from '../rules/task-id';
import { executionName, segmentIsOver, waitTimeoutSeconds } from '../rules/workflow-budget';
import type { Handover, Phase, Task, TaskType, Trajectory } from '../schemas';
import { activeTrajectoryClaim, releaseClaim } from './claims';
import { update } from './trajectories';

export interface StepContext {
  trajectoryId: string;
  segment: number;
  executionName: string;
  executionStartedAt: string;
}

export interface Plan {
  /** task: wait for taskType; contact/afronding: begeleiding's choice; continue: start a successor. */
  next: 'task' | 'contact' | 'afronding' | 'continue';
  taskType: TaskType | null;
  timeoutSeconds: number;
  resumeAt: Phase;
  segment: number;
  executionName: string;
}

async function load(deps: Deps, trajectoryId: string): Promise<Trajectory> {
  const trajectory = await deps.store.getTrajectory(trajectoryId);
  if (!trajectory) throw new WorkflowOutOfSyncError(`No trajectory ${trajectoryId}`);
  return trajectory;
}

function successor(ctx: StepContext, resumeAt: Phase): Pick<Plan, 'resumeAt' | 'segment' | 'executionName'> {
  return { resumeAt, segment: ctx.segment + 1, executionName: executionName(ctx.trajectoryId, ctx.segment + 1) };
}

async function taskFor(deps: Deps, trajectory: Trajectory, phase: Phase): Promise<PlannedTask> {
  if (phase !== 'overdracht') return plannedTask(phase, trajectory);
  const handover = trajectory.handoverId ? await deps.store.getHandover(trajectory.handoverId) : undefined;
  if (!handover?.deliveredAt) throw new WorkflowOutOfSyncError('The handover has not been delivered');
  return plannedTask(phase, trajectory, today(new Date(handover.deliveredAt)));
}

/** What the phase waits for next, and how long the wait may last within this execution's budget. */
export async function plan(deps: Deps, ctx: StepContext & { phase: Phase }): Promise<Plan> {
  const trajectory = await load(deps, ctx.trajectoryId);
  const now = deps.clock.now();
  const startedAt = new Date(ctx.executionStartedAt);
  if (ctx.phase === 'begeleiding' && segmentIsOver(now, startedAt)) {
    return { next: 'continue', taskType: null, timeoutSeconds: 0, ...successor(ctx, 'begeleiding') };
  }
  const planned = await taskFor(deps, trajectory, ctx.phase);
  const open = trajectory.openTask?.type === planned.type ? trajectory.openTask : undefined;
  const dueAt = open?.dueAt ?? planned.dueAt;
  const next: Plan['next'] =
    ctx.phase !== 'begeleiding' ? 'task' : planned.type === 'CONTACT' ? 'contact' : 'afronding';
  return {
    next,
    taskType: planned.type,
    timeoutSeconds: waitTimeoutSeconds({ now, executionStartedAt: startedAt, dueAt, escalated: Boolean(open?.escalatedAt) }),
    ...successor(ctx, ctx.phase),
  };
}

const PHASE_OF_TASK: Record<TaskType, Phase> = {
  KENNISMAKING: 'kennismaking',
  POP: 'pop',
  CONTACT: 'begeleiding',
  AFRONDING: 'afronding',
  ACKNOWLEDGE: 'overdracht',
};

export interface OpenTaskOutcome {
  taskId: string;
  /** Set when the task was completed while no execution waited: the wait resolves at once. */
  resolvedWith?: TaskResult;
}

/**
 * Opens the task the workflow waits for, or re-registers the new token on the task already open
 * (re-entry after continue-as-new, recovery or restart). Never opens a second task: the
 * trajectory holds one open task and is written conditionally on its version.
 */
export async function openTask(
  deps: Deps,
  ctx: StepContext & { taskType: TaskType; taskToken: string },
): Promise<OpenTaskOutcome> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const trajectory = await load(deps, ctx.trajectoryId);
    const decided = decideOpen(deps, trajectory, ctx, await taskFor(deps, trajectory, PHASE_OF_TASK[ctx.taskType]));
    if ('resolvedWith' in decided) {
      await deps.engine.sendTaskSuccess(ctx.taskToken, decided.resolvedWith);
      return decided;
    }
    try {
      await deps.store.saveTrajectory(decided.next, trajectory.version);
      return { taskId: decided.taskId };
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
  throw new ConcurrentUpdateError('Could not open the task: the trajectory kept changing');
}

function decideOpen(
  deps: Deps,
  trajectory: Trajectory,
  ctx: StepContext & { taskType: TaskType; taskToken: string },
  planned: PlannedTask,
): { next: Trajectory; taskId: string } | Required<OpenTaskOutcome> {
  const workflow = { status: 'running' as const, executionName: ctx.executionName, segment: ctx.segment };
  const open = trajectory.openTask;
  if (open) {
    if (open.type !== ctx.taskType) {
      throw new WorkflowOutOfSyncError(`The trajectory has an open ${open.type} task, the workflow waits for ${ctx.taskType}`);
    }
    return {
      next: { ...trajectory, openTask: { ...open, token: ctx.taskToken, executionName: ctx.executionName }, workflow, version: trajectory.version + 1 },
      taskId: open.taskId,
    };
  }
  const phase = PHASE_OF_TASK[ctx.taskType];
  if (trajectory.phase !== phase) {
    // The task was completed while no execution waited for it (e.g. a crash after the write).
    const done = trajectory.closedTasks.at(-1);
    if (done?.type === ctx.taskType && done.status === 'completed' && done.result) {
      return { taskId: done.taskId, resolvedWith: done.result };
    }
  }
  if (planned.type === 'AFRONDING' && ctx.taskType === 'CONTACT') {
    // The afronding was asked for (or came closer) while this contact was being planned.
    throw new AfrondingRequestedError('The schedule now asks for the afronding');
  }
  if (planned.type !== ctx.taskType) {
    throw new WorkflowOutOfSyncError(`The schedule asks for ${planned.type}, the workflow for ${ctx.taskType}`);
  }
  const task: Task = {
    taskId: taskIdFor(trajectory.trajectoryId, trajectory.nextTaskSeq),
    trajectoryId: trajectory.trajectoryId,
    clientId: trajectory.clientId,
    type: planned.type,
    assigneeRole: planned.type === 'ACKNOWLEDGE' ? 'gemeente' : 'regisseur',
    assigneeId: planned.type === 'ACKNOWLEDGE' ? 'gemeente' : trajectory.regisseurId,
    dueAt: planned.dueAt,
    zrmDue: planned.zrmDue,
    status: 'open',
    openedAt: deps.clock.now().toISOString(),
    ...(trajectory.handoverId && planned.type === 'ACKNOWLEDGE' ? { handoverId: trajectory.handoverId } : {}),
    executionName: ctx.executionName,
    token: ctx.taskToken,
  };
  return {
    next: {
      ...trajectory,
      phase,
      openTask: task,
      nextTaskSeq: trajectory.nextTaskSeq + 1,
      workflow,
      version: trajectory.version + 1,
    },
    taskId: task.taskId,
  };
}

/**
 * A wait timed out: the task is overdue past the escalation period (then the beheerder is told,
 * once) or the execution's budget is spent. Either way the task stays open and a successor
 * execution resumes in the trajectory's phase.
 */
export async function escalate(deps: Deps, ctx: StepContext): Promise<Plan> {
  const trajectory = await load(deps, ctx.trajectoryId);
  const task = trajectory.openTask;
  const now = deps.clock.now();
  if (task && !task.escalatedAt && today(now) >= addDays(task.dueAt, RULES.escalateAfterDays)) {
    await deps.store.putNotification({
      notificationId: `${task.taskId}-escalation`,
      kind: 'escalation',
      recipientRole: 'beheerder',
      trajectoryId: trajectory.trajectoryId,
      taskId: task.taskId,
      createdAt: now.toISOString(),
      message: `Taak ${task.type} (traject ${trajectory.trajectoryId}) is sinds ${task.dueAt} verlopen en nog niet afgerond.`,
    });
    await update(deps, trajectory.trajectoryId, (t) =>
      t.openTask?.taskId === task.taskId ? { ...t, openTask: { ...t.openTask, escalatedAt: now.toISOString() } } : t,
    );
    deps.logger.info('task escalated', { trajectoryId: trajectory.trajectoryId, taskId: task.taskId });
  }
  return { next: 'continue', taskType: null, timeoutSeconds: 0, ...successor(ctx, trajectory.phase) };
}

/**
 * Writes the handover dossier once (it shares the trajectory's id): what is already known
 * travels with the client, so the next organisation need not ask again.
 */
export async function buildDossier(deps: Deps, ctx: StepContext): Promise<{ handoverId: string }> {
  const trajectory = await load(deps, ctx.trajectoryId);
  const handoverId = trajectory.trajectoryId;
  if (await deps.store.getHandover(handoverId)) {
    if (!trajectory.handoverId) await update(deps, trajectory.trajectoryId, (t) => ({ ...t, handoverId }));
    return { handoverId };
  }
  if (trajectory.decision !== 'handover') throw new WorkflowOutOfSyncError('The trajectory was not decided for a handover');
  const client = await deps.store.getClient(trajectory.clientId);
  if (!client) throw new WorkflowOutOfSyncError('The client of this trajectory is missing');
  const afronding = trajectory.closedTasks.findLast((t) => t.type === 'AFRONDING' && t.status === 'completed');
  const now = deps.clock.now();
  const handover: Handover = {
    handoverId,
    trajectoryId: trajectory.trajectoryId,
    clientId: trajectory.clientId,
    regisseurId: trajectory.regisseurId,
    createdAt: now.toISOString(),
    consent: {
      given: true,
      recordedOn: today(afronding?.completedAt ? new Date(afronding.completedAt) : now),
      recordedBy: afronding?.completedBy ?? trajectory.regisseurId,
    },
    dossier: {
      client,
      phaseHistory: {
        ...(trajectory.kennismakingOn ? { kennismakingOn: trajectory.kennismakingOn } : {}),
        ...(trajectory.popAgreedOn ? { popAgreedOn: trajectory.popAgreedOn } : {}),
        ...(trajectory.lastContactOn ? { lastContactOn: trajectory.lastContactOn } : {}),
      },
      ...(trajectory.popVersions.at(-1) ? { pop: trajectory.popVersions.at(-1) } : {}),
      measurements: trajectory.measurements,
      contacts: trajectory.contacts,
      ...(trajectory.proposal ? { proposal: trajectory.proposal } : {}),
    },
  };
  try {
    await deps.store.putHandover(handover, true);
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error; // written by a concurrent attempt: the same dossier
  }
  await update(deps, trajectory.trajectoryId, (t) => ({ ...t, handoverId }));
  return { handoverId };
}

/** Delivers the handover notice to the municipality (once); the state machine retries failures with backoff. */
export async function deliverHandover(deps: Deps, ctx: StepContext): Promise<{ handoverId: string }> {
  const trajectory = await load(deps, ctx.trajectoryId);
  const handover = trajectory.handoverId ? await deps.store.getHandover(trajectory.handoverId) : undefined;
  if (!handover) throw new WorkflowOutOfSyncError('There is no handover to deliver');
  if (!handover.deliveredAt) {
    await deps.handovers.deliver({ handoverId: handover.handoverId, trajectoryId: handover.trajectoryId });
    const now = deps.clock.now();
    // Audited before it is marked delivered: a retry may log it twice, never not at all.
    await deps.store.appendAudit([
      {
        clientId: handover.clientId,
        at: now.toISOString(),
        actorId: 'workflow',
        actorRole: 'system',
        action: 'handover',
        detail: `handover dossier ${handover.handoverId} delivered to the municipality (with consent)`,
      },
    ]);
    await deps.store.putHandover({ ...handover, deliveredAt: now.toISOString() }, false);
  }
  return { handoverId: handover.handoverId };
}

/** Finishes the trajectory (idempotent). A trajectory that reaches Close without an outcome was withdrawn. */
export async function closeTrajectory(deps: Deps, ctx: StepContext): Promise<{ closed: true }> {
  const closedOn = today(deps.clock.now());
  const closed = await update(deps, ctx.trajectoryId, (t) => {
    const { openTask: _open, ...rest } = t;
    return {
      ...rest,
      phase: 'closed',
      status: 'closed',
      outcome: t.outcome ?? { successful: false, improvedDomains: [], handedOver: false, reason: 'withdrawn', closedOn },
      workflow: { ...t.workflow, status: 'done' },
    };
  });
  await releaseClaim(deps, activeTrajectoryClaim(closed.clientId), closed.trajectoryId);
  return { closed: true };
}

/** Marks the workflow failed, so the beheerder sees it and can recover it. */
export async function recordFailure(deps: Deps, ctx: StepContext & { error: string }): Promise<{ recorded: true }> {
  await update(deps, ctx.trajectoryId, (t) => ({
    ...t,
    workflow: { status: 'failed', executionName: ctx.executionName, segment: Math.max(t.workflow.segment, ctx.segment), error: ctx.error },
  }));
  deps.logger.error('trajectory workflow failed', { trajectoryId: ctx.trajectoryId, error: ctx.error });
  return { recorded: true };
}
