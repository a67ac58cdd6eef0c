import { ConcurrentUpdateError, ConflictError, ValidationError, type FieldProblem } from '../errors';
import type { Deps, TaskResult } from '../ports';
import { today } from '../rules/dates';
import { afrondingProposal, improvedDomains, isSuccessful } from '../rules/outcome';
import { phaseAfter } from '../rules/schedule';
import {
  COMPLETION_SCHEMAS,
  type Actor,
  type AuditEntry,
  type Client,
  type Completion,
  type Contact,
  type Measurement,
  type MeasurementKind,
  type Scores,
  type Task,
  type Trajectory,
} from '../schemas';
import { audit, findTask, requireRole, type StoredTask } from './access';

export interface TaskView {
  task: Task;
  clientName: string;
}

/** Open tasks sorted by due date: a regisseur's own (the municipality's for gemeente), or all for the beheerder. */
export async function listTasks(deps: Deps, actor: Actor): Promise<TaskView[]> {
  const assigneeId = actor.role === 'beheerder' ? undefined : actor.role === 'gemeente' ? 'gemeente' : actor.userId;
  const tasks = await deps.store.listOpenTasks(assigneeId ? { assigneeId } : {});
  const clientIds = [...new Set(tasks.map((t) => t.clientId))];
  const clients = new Map<string, Client>((await deps.store.getClients(clientIds)).map((c) => [c.clientId, c]));
  const now = deps.clock.now();
  await deps.store.appendAudit(clientIds.map((id) => audit(actor, id, 'read', 'list open tasks', now)));
  return tasks.map((task) => {
    const client = clients.get(task.clientId);
    return { task, clientName: client ? `${client.firstName} ${client.lastName}` : '' };
  });
}

export async function getTask(deps: Deps, actor: Actor, taskId: string): Promise<StoredTask> {
  return (await findTask(deps, actor, taskId)).task;
}

/** A task leaves the trajectory's open slot: it keeps its history, not its token. */
export function closeTask(task: StoredTask, fields: Partial<Task> & { status: 'completed' | 'cancelled' }): Omit<Task, 'token'> {
  const { token: _token, ...rest } = { ...task, ...fields };
  return rest;
}

/** Parses a completion body by the task's type; every bad field is named. */
export function parseCompletion(type: Task['type'], body: unknown): Completion {
  if (type === 'ACKNOWLEDGE') {
    throw new ConflictError('A handover is acknowledged through POST /handovers/{id}/acknowledge');
  }
  const parsed = COMPLETION_SCHEMAS[type].safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(
      `The body does not fit a ${type} completion`,
      parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })),
    );
  }
  return { type, body: parsed.data } as Completion;
}

/**
 * Completes a human task: its records and the trajectory's new facts are written in one
 * conditional write of the trajectory, so a task is completed once; then the waiting workflow
 * is told.
 */
export async function completeTask(deps: Deps, actor: Actor, taskId: string, body: unknown): Promise<TaskResult> {
  requireRole(actor, 'regisseur');
  const { task, trajectory } = await findTask(deps, actor, taskId);
  const completion = parseCompletion(task.type, body);
  if (task.status !== 'open' || !task.token) throw new ConflictError(`This task is already ${task.status}`);
  const { next, result } = applyCompletion({
    trajectory,
    task: task as Task,
    completion,
    actor,
    now: deps.clock.now(),
    newId: () => deps.ids.next(),
  });
  try {
    await deps.store.saveTrajectory(next, trajectory.version);
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) {
      const latest = await findTask(deps, actor, taskId);
      if (latest.task.status !== 'open') throw new ConflictError(`This task is already ${latest.task.status}`);
      throw new ConflictError('The trajectory changed while you completed this task; try again');
    }
    throw error;
  }
  await resolveWait(deps, task.token, result);
  await auditAfterCommit(deps, audit(actor, trajectory.clientId, 'update', `complete ${task.type} task ${task.taskId}`, deps.clock.now()));
  return result;
}

/**
 * Writes the audit entry of a change already stored and told to the workflow: a failure here
 * must not turn a done change into an error the user retries, so it is logged (IDs only).
 */
export async function auditAfterCommit(deps: Deps, entry: AuditEntry): Promise<void> {
  try {
    await deps.store.appendAudit([entry]);
  } catch (error) {
    deps.logger.error('audit entry not written', {
      clientId: entry.clientId,
      action: entry.action,
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
}

/**
 * Tells the workflow. The completion is already stored, so this never fails the request: a token
 * that no longer works is fine (the re-opened task carries a new one), and if the engine cannot
 * be reached the wait ends at its timeout and the successor execution plans from the stored facts.
 */
export async function resolveWait(deps: Deps, token: string, result: TaskResult): Promise<void> {
  try {
    if (!(await deps.engine.sendTaskSuccess(token, result))) {
      deps.logger.warn('task token no longer valid; the workflow picks the completion up on re-entry', { taskId: result.taskId });
    }
  } catch (error) {
    deps.logger.error('could not tell the workflow; it resumes at the wait timeout', {
      taskId: result.taskId,
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
}

/** Sends a waiting execution elsewhere (to the afronding, or to plan again); like resolveWait, it never fails the request. */
export async function redirectWait(
  deps: Deps,
  token: string,
  error: 'Trajectory.AfrondingRequested' | 'Trajectory.Replan',
): Promise<void> {
  try {
    await deps.engine.sendTaskFailure(token, error, 'the trajectory changed');
  } catch (failure) {
    deps.logger.error('could not redirect the workflow; it resumes at the wait timeout', {
      error: failure instanceof Error ? failure.name : 'unknown',
    });
  }
}

interface CompletionContext {
  trajectory: Trajectory;
  task: Task;
  completion: Completion;
  actor: Actor;
  now: Date;
  newId: () => string;
}

/** The pure part of completing a task: the records it adds and how the trajectory moves on. */
export function applyCompletion(ctx: CompletionContext): { next: Trajectory; result: TaskResult } {
  const { trajectory, task, completion, actor, now } = ctx;
  const day = today(now);
  const problems: FieldProblem[] = [];
  const checkDate = (field: string, date: string) => {
    if (date > day) problems.push({ field, message: `must not be after today (${day})` });
    if (date < trajectory.settledOn) problems.push({ field, message: `must not be before the settlement date (${trajectory.settledOn})` });
  };
  const { openTask: _open, ...rest } = trajectory;
  const next: Trajectory = {
    ...rest,
    contacts: [...trajectory.contacts],
    measurements: [...trajectory.measurements],
    version: trajectory.version + 1,
  };
  const measure = (kind: MeasurementKind, measuredOn: string, scores: Scores, scoredBy: Measurement['scoredBy']) => {
    next.measurements.push({
      measurementId: ctx.newId(),
      trajectoryId: trajectory.trajectoryId,
      measuredOn,
      kind,
      scores,
      scoredBy,
      taskId: task.taskId,
      recordedBy: actor.userId,
    });
    next.lastZrmOn = measuredOn;
  };
  const contact = (heldOn: string, location: Contact['location']) => {
    next.contacts.push({
      contactId: ctx.newId(),
      trajectoryId: trajectory.trajectoryId,
      heldOn,
      location,
      taskType: task.type,
      taskId: task.taskId,
      recordedBy: actor.userId,
    });
    next.lastContactOn = heldOn;
  };
  let decision: 'close' | 'handover' | undefined;

  switch (completion.type) {
    case 'KENNISMAKING': {
      const b = completion.body;
      checkDate('heldOn', b.heldOn);
      contact(b.heldOn, b.location);
      next.kennismakingOn = b.heldOn;
      if (b.firstContactVia) next.firstContactVia = b.firstContactVia;
      break;
    }
    case 'POP': {
      const b = completion.body;
      checkDate('agreedOn', b.agreedOn);
      if (trajectory.kennismakingOn && b.agreedOn < trajectory.kennismakingOn) {
        problems.push({ field: 'agreedOn', message: `must not be before the kennismaking (${trajectory.kennismakingOn})` });
      }
      next.popAgreedOn = b.agreedOn;
      next.popVersions = [
        ...trajectory.popVersions,
        {
          trajectoryId: trajectory.trajectoryId,
          version: trajectory.popVersions.length + 1,
          agreedOn: b.agreedOn,
          goals: b.goals,
          ...(b.ideas ? { ideas: b.ideas } : {}),
          recordedBy: actor.userId,
          recordedAt: now.toISOString(),
        },
      ];
      measure('baseline', b.agreedOn, b.baseline.scores, b.baseline.scoredBy);
      contact(b.agreedOn, 'other');
      break;
    }
    case 'CONTACT': {
      const b = completion.body;
      checkDate('heldOn', b.heldOn);
      if (trajectory.lastContactOn && b.heldOn < trajectory.lastContactOn) {
        problems.push({ field: 'heldOn', message: `must not be before the last contact (${trajectory.lastContactOn})` });
      }
      contact(b.heldOn, b.location);
      if (b.zrm) measure('interim', b.heldOn, b.zrm.scores, b.zrm.scoredBy);
      break;
    }
    case 'AFRONDING': {
      const b = completion.body;
      checkDate('final.measuredOn', b.final.measuredOn);
      if (b.decision === 'handover' && b.consent !== true) {
        problems.push({ field: 'consent', message: "a handover needs the client's consent (consent: true)" });
      }
      const improved = improvedDomains(trajectory.measurements, b.final.scores);
      measure('final', b.final.measuredOn, b.final.scores, b.final.scoredBy);
      decision = b.decision;
      next.decision = b.decision;
      next.proposal = afrondingProposal(b.final.scores);
      next.outcome = {
        successful: isSuccessful(improved),
        improvedDomains: improved,
        handedOver: false,
        reason: 'completed',
        closedOn: b.final.measuredOn,
      };
      break;
    }
  }
  if (problems.length > 0) throw new ValidationError(`The ${task.type} completion has bad fields`, problems);

  const result: TaskResult = { taskId: task.taskId, type: task.type, ...(decision ? { decision } : {}) };
  next.phase = phaseAfter(task.type, decision);
  if (next.phase === 'closed') next.status = 'closed';
  next.closedTasks = [
    ...trajectory.closedTasks,
    closeTask(task, { status: 'completed', completedAt: now.toISOString(), completedBy: actor.userId, result }),
  ];
  return { next, result };
}
