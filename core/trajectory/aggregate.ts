/**
 * The trajectory aggregate: its state and every transition, as pure functions. Each transition
 * takes the current trajectory and a command and returns the next state and the effects to carry
 * out once it is stored (tell the waiting workflow, record an escalation, write the audit
 * entry, release a claim). It never reads the clock or makes IDs itself: both come in the
 * command. Use cases run it through `changeTrajectory` (core/usecases/change.ts): load → apply →
 * conditional save on the version → effects.
 */
import { AfrondingRequestedError, ConflictError, NotFoundError, ReplanRequestedError, ValidationError, WithdrawnError, WorkflowOutOfSyncError, type FieldProblem } from '../errors';
import { audit } from '../rules/audit';
import { addDays, today } from '../rules/dates';
import { taskIdFor } from '../rules/task-id';
import { executionName as executionNameOf, segmentIsOver, waitTimeoutSeconds } from '../rules/workflow-budget';
import type { Actor, AuditEntry, Contact, Escalation, Measurement, MissedContact, Outcome, Phase, Task, TaskType, Trajectory, Withdrawal } from '../schemas';
import { WAIT_SIGNALS, type Plan, type TaskResult, type WaitResult, type WaitSignal } from '../workflow/contract';
import { applyCompletion, closeTask, type ClosedTask, type CompletionAnswer } from './completion';
import { deadlineFor, isPastEscalation, type Deadline } from './deadlines';
import { assigneeOf, phaseOfTask } from './phases';
import { afrondingDue, heldRounds, plannedTask, type PlannedTask, type ScheduleFacts } from './schedule';
import type { Completion } from '../schemas';
import type { WaitRegistration } from '../ports';

export type Effect =
  /** Tell the execution waiting on `token` that its task is done. */
  | { type: 'resolveWait'; token: string; result: WaitResult }
  /** Send the waiting execution elsewhere (afronding, plan again, close). */
  | { type: 'redirectWait'; token: string; signal: WaitSignal }
  /** Record an escalation for the beheerders (idempotent by its id); recorded before the save, so never lost. */
  | { type: 'recordEscalation'; escalation: Escalation }
  | { type: 'resolveEscalation'; escalationId: string; at: string }
  /** The client may start a new trajectory. */
  | { type: 'releaseActiveClaim' }
  /** A handover not yet acknowledged is void: it leaves the municipality's inbox. */
  | { type: 'voidHandover'; handoverId: string; at: string }
  | { type: 'audit'; entry: AuditEntry };

export interface Transition<A = undefined> {
  /** The next state; the same object when nothing changes (then nothing is written). */
  next: Trajectory;
  effects: Effect[];
  answer: A;
}

const unchanged = <A>(t: Trajectory, answer: A): Transition<A> => ({ next: t, effects: [], answer });

/** The facts the schedule plans from. */
export function scheduleFacts(t: Trajectory): ScheduleFacts {
  return { ...t, interimRounds: heldRounds(t) };
}

export function isWithdrawn(t: Trajectory): boolean {
  return t.outcome?.reason === 'withdrawn';
}

function auditEntry(actor: Actor, t: Trajectory, action: AuditEntry['action'], detail: string, now: Date): Effect {
  return { type: 'audit', entry: audit(actor, t.clientId, action, detail, now) };
}

export const escalationId = (taskId: string) => `${taskId}-escalation`;

/** Tell the execution waiting on the task, if one has registered its token yet (else it learns on registering). */
function resolveWait(task: Task, result: WaitResult): Effect[] {
  return task.token ? [{ type: 'resolveWait', token: task.token, result }] : [];
}

function redirectWait(task: Task | undefined, signal: WaitSignal): Effect[] {
  return task?.token ? [{ type: 'redirectWait', token: task.token, signal }] : [];
}

/** Whether the wait for this task type can be told to plan again (the workflow contract's WAIT_SIGNALS). */
function acceptsReplan(type: TaskType): boolean {
  return Boolean(WAIT_SIGNALS[type]['Trajectory.Replan']);
}

/**
 * The open task moved: a wait that accepts it plans again, so its timeout follows the new
 * escalation moment. A wait that does not (today every wait but the contact's) keeps its timeout:
 * timed out early, the Escalate step finds nothing to escalate and the successor execution waits
 * until the new moment; the tick notifies the beheerders by the stored date either way.
 */
function replanWait(before: Task, after: Task): Effect[] {
  return before.escalateOn !== after.escalateOn && acceptsReplan(before.type) ? redirectWait(before, 'Trajectory.Replan') : [];
}

/** An escalated task that is done, cancelled or withdrawn resolves its escalation. */
function resolveEscalation(task: Task | undefined, now: Date): Effect[] {
  return task?.escalatedAt ? [{ type: 'resolveEscalation', escalationId: escalationId(task.taskId), at: now.toISOString() }] : [];
}

// ---------- Start ----------

export function startTrajectory(cmd: {
  trajectoryId: string;
  clientId: string;
  settledOn: string;
  regisseurId: string;
  intervalMonths?: number;
  executionName: string;
  actor: Actor;
  now: Date;
}): Trajectory {
  const started: Trajectory = {
    trajectoryId: cmd.trajectoryId,
    clientId: cmd.clientId,
    regisseurId: cmd.regisseurId,
    phase: 'kennismaking',
    status: 'active',
    workflow: { status: 'running', executionName: cmd.executionName, segment: 0 },
    settledOn: cmd.settledOn,
    startedOn: today(cmd.now),
    ...(cmd.intervalMonths ? { intervalMonths: cmd.intervalMonths } : {}),
    closedTasks: [],
    nextTaskSeq: 1,
    contacts: [],
    measurements: [],
    popVersions: [],
    createdAt: cmd.now.toISOString(),
    createdBy: cmd.actor.userId,
    version: 1,
  };
  // The kennismaking is open from the start: the regisseur sees it at once, and the first wait only registers its token.
  return openPlanned(started, plannedTask('kennismaking', scheduleFacts(started)), cmd.now, cmd.executionName);
}

// ---------- Open a task (the workflow's wait) ----------

/** The deadline of a planned task if it were opened now (the one deadlines rule). */
export function deadlineOf(t: Trajectory, planned: PlannedTask, now: Date): Deadline {
  return deadlineFor({
    type: planned.type,
    plannedDue: planned.dueAt,
    openedOn: today(now),
    ...(t.kennismakingOn ? { kennismakingOn: t.kennismakingOn } : {}),
  });
}

/** The planned task, open from now: it waits for the execution to register its token. */
function openPlanned(t: Trajectory, planned: PlannedTask, now: Date, executionName: string): Trajectory {
  const task: Task = {
    taskId: taskIdFor(t.trajectoryId, t.nextTaskSeq),
    trajectoryId: t.trajectoryId,
    clientId: t.clientId,
    type: planned.type,
    ...assigneeOf(planned.type, t.regisseurId),
    ...deadlineOf(t, planned, now),
    zrmDue: planned.zrmDue,
    status: 'open',
    openedAt: now.toISOString(),
    ...(t.handoverId && planned.type === 'ACKNOWLEDGE' ? { handoverId: t.handoverId } : {}),
    executionName,
  };
  return { ...t, phase: phaseOfTask(planned.type), openTask: task, nextTaskSeq: t.nextTaskSeq + 1 };
}

/**
 * The wait for the open task, planned from the execution that registered the last token: how long
 * it may last (the deadlines rule within the execution's budget), or a successor execution once
 * the segment is over (also before the afronding, as the begeleiding's plan step decides). What
 * the plan step would answer, so that a completion which opened the next task lets the state
 * machine wait again without one. Undefined when no running execution is known (then the state
 * machine plans itself).
 */
export function planOpenWait(t: Trajectory, now: Date): Plan | undefined {
  const { workflow } = t;
  if (!t.openTask || workflow.status !== 'running' || !workflow.startedAt || t.status !== 'active') return undefined;
  const execution = { startedAt: new Date(workflow.startedAt), segment: workflow.segment };
  return segmentIsOver(now, execution.startedAt) ? continuePlan(t, now, workflow.segment) : planWait(t, now, execution);
}

/**
 * A plan, as every step that plans answers it: where the state machine goes next and how long
 * the wait lasts, the task already open that the wait registers on (if any), and the successor
 * execution a continue-as-new starts (the trajectory's phase, the next segment).
 */
export function waitPlan(
  trajectoryId: string,
  wait: { next: Plan['next']; taskType: TaskType | null; timeoutSeconds: number; open: Task | undefined; resumeAt: Phase; segment: number },
): Plan {
  return {
    next: wait.next,
    taskType: wait.taskType,
    timeoutSeconds: wait.timeoutSeconds,
    openTaskId: wait.open?.taskId ?? null,
    openTaskEscalateOn: wait.open?.escalateOn ?? null,
    resumeAt: wait.resumeAt,
    segment: wait.segment + 1,
    executionName: executionNameOf(trajectoryId, wait.segment + 1),
  };
}

/** The wait for the open task within this execution: until its escalation moment, within the execution's budget. */
function planWait(t: Trajectory, now: Date, execution: { startedAt: Date; segment: number }): Plan {
  const open = t.openTask!;
  return waitPlan(t.trajectoryId, {
    next: open.type === 'CONTACT' ? 'contact' : open.type === 'AFRONDING' ? 'afronding' : 'task',
    taskType: open.type,
    timeoutSeconds: waitTimeoutSeconds({ now, executionStartedAt: execution.startedAt, escalateOn: open.escalateOn, escalated: Boolean(open.escalatedAt) }),
    open,
    resumeAt: t.phase,
    segment: execution.segment,
  });
}

/**
 * The handover was delivered: the municipality's ACKNOWLEDGE task opens (once), due from the
 * delivery day, and the delivering step answers the plan of its wait, so no plan step is needed.
 */
export function openAcknowledge(t: Trajectory, cmd: { deliveredOn: string; now: Date; executionName: string; executionStartedAt: string; segment: number }): Transition<Plan> {
  if (isWithdrawn(t)) throw new WithdrawnError('The trajectory was withdrawn');
  if (t.phase !== 'overdracht') throw new WorkflowOutOfSyncError(`A handover is delivered in the overdracht, not in ${t.phase}`);
  const open = t.openTask;
  const next = open?.type === 'ACKNOWLEDGE' ? t : openPlanned(t, plannedTask('overdracht', scheduleFacts(t), cmd.deliveredOn), cmd.now, cmd.executionName);
  return { next, effects: [], answer: planWait(next, cmd.now, { startedAt: new Date(cmd.executionStartedAt), segment: cmd.segment }) };
}

/**
 * A successor execution resumes the trajectory's phase. Where a task is open, the plan is that
 * of its wait as the successor's first (from now, in the successor's fresh budget): the successor
 * waits on it at once, without a plan step.
 */
export function continuePlan(t: Trajectory, now: Date, segment: number): Plan {
  const open = t.openTask;
  return waitPlan(t.trajectoryId, {
    next: 'continue',
    taskType: open?.type ?? null,
    timeoutSeconds: open ? waitTimeoutSeconds({ now, executionStartedAt: now, escalateOn: open.escalateOn, escalated: Boolean(open.escalatedAt) }) : 0,
    open,
    resumeAt: t.phase,
    segment,
  });
}

/**
 * The waiting execution registers its token on the task already open, without the store reading
 * the trajectory (Store.registerWait does this as one conditional update): only while that task
 * is open on the active trajectory with the escalation date the wait was timed to, and no later
 * execution has registered. Undefined otherwise.
 */
export function registerWait(t: Trajectory, wait: WaitRegistration): Trajectory | undefined {
  const open = t.openTask;
  if (!open || open.taskId !== wait.taskId || open.escalateOn !== wait.escalateOn || t.status !== 'active' || t.workflow.segment > wait.segment) return undefined;
  return {
    ...t,
    openTask: { ...open, token: wait.token, executionName: wait.executionName },
    workflow: { status: 'running', executionName: wait.executionName, segment: wait.segment, startedAt: wait.executionStartedAt },
  };
}

export interface OpenTaskCommand {
  taskType: TaskType;
  token: string;
  executionName: string;
  segment: number;
  executionStartedAt: string;
  /** The task the wait was planned for, if the plan found one open, and the escalation date its timeout was planned to. */
  openTaskId?: string | null;
  openTaskEscalateOn?: string | null;
  now: Date;
  /** For the ACKNOWLEDGE task: the day the handover was delivered. */
  handoverDeliveredOn?: string;
}

/**
 * Opens the task the workflow waits for, or re-registers the new token on the task already open
 * (re-entry after continue-as-new, recovery or restart). Never a second open task. A task
 * completed while no execution waited resolves the new wait at once.
 */
export function openTask(t: Trajectory, cmd: OpenTaskCommand): Transition<{ taskId: string; resolvedWith?: WaitResult }> {
  if (isWithdrawn(t)) throw new WithdrawnError('The trajectory was withdrawn');
  const workflow = { status: 'running' as const, executionName: cmd.executionName, segment: cmd.segment, startedAt: cmd.executionStartedAt };
  const registered = { ...t, workflow };
  const open = t.openTask;
  const phase = phaseOfTask(cmd.taskType);
  // The task this wait is for was completed while no execution waited on it (completed before
  // the token was registered, or a crash after the write): the wait ends at once with the
  // stored result and, where the completion opened the next task, that wait's plan.
  const plannedFor = cmd.openTaskId && open?.taskId !== cmd.openTaskId ? t.closedTasks.find((c) => c.taskId === cmd.openTaskId) : undefined;
  const lastDone = t.phase !== phase ? t.closedTasks.at(-1) : undefined;
  const done = plannedFor ?? (lastDone?.type === cmd.taskType ? lastDone : undefined);
  if (done?.status === 'completed' && done.result) {
    const result: WaitResult = { ...done.result, ...planOpenWait(registered, cmd.now) };
    return { next: t, effects: [{ type: 'resolveWait', token: cmd.token, result }], answer: { taskId: done.taskId, resolvedWith: result } };
  }
  if (open) {
    if (open.type === cmd.taskType) {
      // The contact moved after its wait was timed (an interval changed before the token was
      // registered, so no redirect reached it): the wait plans again, with the right timeout.
      if (acceptsReplan(open.type) && open.taskId === cmd.openTaskId && cmd.openTaskEscalateOn && open.escalateOn !== cmd.openTaskEscalateOn) {
        throw new ReplanRequestedError('The contact moved since its wait was planned');
      }
      return { next: { ...registered, openTask: { ...open, token: cmd.token, executionName: cmd.executionName } }, effects: [], answer: { taskId: open.taskId } };
    }
    if (open.type === 'AFRONDING' && (cmd.taskType === 'POP' || cmd.taskType === 'CONTACT')) {
      throw new AfrondingRequestedError('The afronding is open');
    }
    throw new WorkflowOutOfSyncError(`The trajectory has an open ${open.type} task, the workflow waits for ${cmd.taskType}`);
  }
  if (t.afrondingRequestedOn && (cmd.taskType === 'POP' || cmd.taskType === 'CONTACT')) {
    throw new AfrondingRequestedError('The afronding was asked for');
  }
  const planned = plannedTask(phase, scheduleFacts(t), cmd.handoverDeliveredOn);
  if (planned.type === 'AFRONDING' && cmd.taskType === 'CONTACT') {
    // The afronding came closer (a longer interval) while this contact was being planned.
    throw new AfrondingRequestedError('The schedule now asks for the afronding');
  }
  if (planned.type !== cmd.taskType) {
    throw new WorkflowOutOfSyncError(`The schedule asks for ${planned.type}, the workflow for ${cmd.taskType}`);
  }
  const opened = openPlanned(registered, planned, cmd.now, cmd.executionName);
  const task = { ...opened.openTask!, token: cmd.token };
  return { next: { ...opened, openTask: task }, effects: [], answer: { taskId: task.taskId } };
}

// ---------- Complete ----------

/** The open task as the caller may act on it: a task no longer open is a conflict. */
function requireOpen(t: Trajectory, taskId: string): Task {
  const open = t.openTask;
  if (open?.taskId === taskId) return open;
  const closed = t.closedTasks.find((c) => c.taskId === taskId);
  throw new ConflictError(closed ? `This task is already ${closed.status}` : `Task ${taskId} is not open`);
}

/**
 * A regisseur completes the open task: the records are added and, up to the afronding, the next
 * task is opened in the same write (the regisseur sees it at once), its wait planned for the
 * workflow, which is told.
 */
export function completeTask(
  t: Trajectory,
  cmd: { taskId: string; completion: Completion; actor: Actor; now: Date; newId: () => string },
): Transition<CompletionAnswer> {
  const task = requireOpen(t, cmd.taskId);
  const completed = applyCompletion({ trajectory: t, task, completion: cmd.completion, actor: cmd.actor, now: cmd.now, newId: cmd.newId });
  const { answer } = completed;
  const opensNext = completed.next.phase === 'pop' || completed.next.phase === 'begeleiding';
  const next = opensNext ? openPlanned(completed.next, plannedTask(completed.next.phase, scheduleFacts(completed.next)), cmd.now, t.workflow.executionName) : completed.next;
  const result: WaitResult = {
    taskId: answer.taskId,
    type: answer.type,
    ...(answer.decision ? { decision: answer.decision } : {}),
    ...(opensNext ? planOpenWait(next, cmd.now) : {}),
  };
  const nextTask = next.openTask;
  return {
    next,
    effects: [
      ...resolveWait(task, result),
      ...resolveEscalation(task, cmd.now),
      auditEntry(cmd.actor, t, 'update', `complete ${task.type} task ${task.taskId}`, cmd.now),
    ],
    answer: nextTask ? { ...answer, nextTask: { taskId: nextTask.taskId, type: nextTask.type, dueAt: nextTask.dueAt } } : answer,
  };
}

/** The municipality acknowledges the handover: its task completes and the trajectory closes as handed over. */
export function acknowledgeHandover(t: Trajectory, cmd: { handoverId: string; actor: Actor; now: Date }): Transition<{ alreadyClosed: boolean }> {
  if (t.outcome?.handedOver) return unchanged(t, { alreadyClosed: true }); // an earlier acknowledgement was interrupted
  if (isWithdrawn(t)) throw new ConflictError('This trajectory was withdrawn; the handover is void');
  const task = t.openTask;
  if (!task || task.type !== 'ACKNOWLEDGE') {
    throw new ConflictError('This handover is not waiting for acknowledgement yet; try again shortly');
  }
  const result: TaskResult = { taskId: task.taskId, type: task.type };
  const outcome: Outcome = {
    successful: t.outcome?.successful ?? false,
    improvedDomains: t.outcome?.improvedDomains ?? [],
    handedOver: true,
    reason: 'completed',
    closedOn: today(cmd.now),
  };
  return {
    next: closedWith(t, outcome, closeTask(task, { status: 'completed', completedAt: cmd.now.toISOString(), completedBy: cmd.actor.userId, result })),
    effects: [
      ...resolveWait(task, result),
      ...resolveEscalation(task, cmd.now),
      auditEntry(cmd.actor, t, 'handover', `acknowledge handover ${cmd.handoverId}`, cmd.now),
    ],
    answer: { alreadyClosed: false },
  };
}

// ---------- Change the plan ----------

function requireActive(t: Trajectory): void {
  if (t.status === 'closed') throw new ConflictError(isWithdrawn(t) ? 'This trajectory was withdrawn' : 'This trajectory is closed');
}

/**
 * Sets the trajectory's own contact interval (null: back to 1 then 2 months). An open contact
 * gets its new due date at once and the waiting execution plans again; with a longer interval the
 * next contact may fall on or after the afronding, which then comes next.
 */
export function changeInterval(t: Trajectory, cmd: { intervalMonths: number | null; actor: Actor; now: Date }): Transition {
  requireActive(t);
  const { intervalMonths: _old, ...rest } = t;
  const changed: Trajectory = { ...rest, ...(cmd.intervalMonths ? { intervalMonths: cmd.intervalMonths } : {}) };
  const effects: Effect[] = [auditEntry(cmd.actor, t, 'update', `contact interval ${cmd.intervalMonths ?? 'default'}`, cmd.now)];
  const open = t.openTask;
  if (open?.type !== 'CONTACT') return { next: changed, effects, answer: undefined };
  return replanContact(changed, open, effects, cmd.now);
}

/**
 * The open contact planned again from the changed facts (an interval, a contact held): its new due
 * date and the waiting execution told to plan again; or, when the next contact would fall on or
 * after the afronding, the afronding next.
 */
function replanContact(changed: Trajectory, open: Task, effects: Effect[], now: Date): Transition {
  const planned = plannedTask('begeleiding', scheduleFacts(changed));
  if (planned.type !== 'CONTACT') return redirectToAfronding(changed, open, effects);
  if (planned.dueAt === open.dueAt) return { next: changed, effects, answer: undefined };
  const deadline = deadlineOf(changed, planned, now);
  return {
    next: { ...changed, openTask: { ...open, ...deadline, zrmDue: planned.zrmDue } },
    effects: [...redirectWait(open, 'Trajectory.Replan'), ...effects],
    answer: undefined,
  };
}

/** The open task is cancelled in the same write and the waiting execution goes to the afronding. */
function redirectToAfronding(t: Trajectory, open: Task, effects: Effect[]): Transition {
  const { openTask: _open, ...rest } = t;
  return {
    next: { ...rest, phase: 'afronding', closedTasks: [...t.closedTasks, closeTask(open, { status: 'cancelled' })] },
    effects: [...redirectWait(open, 'Trajectory.AfrondingRequested'), ...effects],
    answer: undefined,
  };
}

/** The open task as its assignee acts on it: anyone else is told it does not exist. */
function requireOwnOpen(t: Trajectory, taskId: string, actor: Actor): Task {
  const open = requireOpen(t, taskId);
  if (open.assigneeRole !== actor.role || open.assigneeId !== actor.userId) throw new NotFoundError(`No task ${taskId}`);
  return open;
}

function rejectProblems(what: string, problems: FieldProblem[]): void {
  if (problems.length > 0) throw new ValidationError(`The ${what} has bad fields`, problems);
}

/** The deadline of the open task moved to `dueAt` today (the one deadlines rule: never before today). */
function movedTo(t: Trajectory, open: Task, dueAt: string, now: Date): Task {
  const deadline = deadlineFor({
    type: open.type,
    plannedDue: dueAt,
    openedOn: today(now),
    ...(t.kennismakingOn ? { kennismakingOn: t.kennismakingOn } : {}),
  });
  return { ...open, ...deadline };
}

/** Three planned contacts missed in a row (no contact held in between) alert the beheerders. */
export const MISSED_IN_A_ROW_ALERT = 3;

/** Contacts missed since the last contact held (the kennismaking, the POP, a planned or an extra contact). */
export function missedInARow(t: Trajectory): number {
  const since = t.lastContactOn ?? '';
  return (t.missedContacts ?? []).filter((m) => m.on > since).length;
}

export interface MissedAnswer {
  missedInARow: number;
  /** The task as it stands now: open and due again, or cancelled when the afronding comes first. */
  task: Task;
  /** The same miss (task and day) was recorded before: nothing changed. */
  repeated: boolean;
}

/**
 * The regisseur records that the open contact did not take place on `on`: the miss is kept on the
 * trajectory and the same task is due again `retryDays` after it (the deadlines rule gives its
 * escalation); the waiting execution plans again. A retry on or after the afronding's due date
 * cancels the contact: the afronding comes next. Only a CONTACT: a missed kennismaking or POP
 * meeting is rescheduled instead. The same miss recorded twice changes nothing.
 */
export function recordMissedContact(
  t: Trajectory,
  cmd: { taskId: string; on: string; reason: MissedContact['reason']; note?: string; retryDays: number; actor: Actor; now: Date },
): Transition<MissedAnswer> {
  requireActive(t);
  const open = requireOwnOpen(t, cmd.taskId, cmd.actor);
  if (open.type !== 'CONTACT') {
    throw new ConflictError(`A missed contact is recorded on a CONTACT task; move a ${open.type} task with PATCH /tasks/{taskId} instead`);
  }
  const missed = t.missedContacts ?? [];
  const same = missed.find((m) => m.taskId === open.taskId && m.on === cmd.on);
  if (same) {
    if (same.reason !== cmd.reason) throw new ConflictError(`A missed contact on ${cmd.on} is already recorded for this task (${same.reason})`);
    return unchanged(t, { missedInARow: missedInARow(t), task: open, repeated: true });
  }
  const day = today(cmd.now);
  const openedOn = today(new Date(open.openedAt));
  const lastMissed = missed.at(-1)?.on;
  rejectProblems('missed contact', [
    ...(cmd.on > day ? [{ field: 'on', message: `must not be after today (${day})` }] : []),
    ...(cmd.on < openedOn ? [{ field: 'on', message: `must not be before the task was opened (${openedOn})` }] : []),
    ...(t.lastContactOn && cmd.on <= t.lastContactOn ? [{ field: 'on', message: `must be after the last contact held (${t.lastContactOn})` }] : []),
    ...(lastMissed && cmd.on < lastMissed ? [{ field: 'on', message: `must not be before the last missed contact (${lastMissed})` }] : []),
  ]);
  const record: MissedContact = {
    on: cmd.on,
    reason: cmd.reason,
    ...(cmd.note ? { note: cmd.note } : {}),
    taskId: open.taskId,
    recordedBy: cmd.actor.userId,
    recordedAt: cmd.now.toISOString(),
  };
  const changed: Trajectory = { ...t, missedContacts: [...missed, record] };
  const inARow = missedInARow(changed);
  const effects: Effect[] = [auditEntry(cmd.actor, t, 'update', `missed CONTACT task ${open.taskId} on ${cmd.on} (${cmd.reason})`, cmd.now)];
  const retryOn = addDays(cmd.on, cmd.retryDays);
  if (retryOn >= afrondingDue(scheduleFacts(t))) {
    const redirected = redirectToAfronding(changed, open, [...resolveEscalation(open, cmd.now), ...effects]);
    return { ...redirected, answer: { missedInARow: inARow, task: { ...open, status: 'cancelled' }, repeated: false } };
  }
  const moved = movedTo(t, open, retryOn, cmd.now);
  return {
    next: { ...changed, openTask: moved },
    effects: [...replanWait(open, moved), ...effects],
    answer: { missedInARow: inARow, task: moved, repeated: false },
  };
}

/**
 * The regisseur held a contact the plan did not ask for (from the begeleiding on): it counts as
 * the last contact, scores given are an extra measurement (no round: the six-month grid stays),
 * and the open contact is planned again from it, as an interval change plans it.
 */
export function recordExtraContact(
  t: Trajectory,
  cmd: {
    heldOn: string;
    location: Contact['location'];
    zrm?: { scores: Measurement['scores']; scoredBy?: Measurement['scoredBy'] };
    actor: Actor;
    now: Date;
    newId: () => string;
  },
): Transition<{ contactId: string }> {
  requireActive(t);
  if (cmd.actor.role !== 'regisseur' || t.regisseurId !== cmd.actor.userId) throw new NotFoundError(`No trajectory ${t.trajectoryId}`);
  if (t.phase !== 'begeleiding' && t.phase !== 'afronding') {
    throw new ConflictError('An extra contact is recorded from the begeleiding on; until then the kennismaking and the POP meeting are the contacts');
  }
  const open = t.openTask;
  if (!open) throw new ConflictError('The next task is being opened; try again shortly');
  const day = today(cmd.now);
  rejectProblems('extra contact', [
    ...(cmd.heldOn > day ? [{ field: 'heldOn', message: `must not be after today (${day})` }] : []),
    ...(t.lastContactOn && cmd.heldOn < t.lastContactOn ? [{ field: 'heldOn', message: `must not be before the last contact (${t.lastContactOn})` }] : []),
  ]);
  const contact: Contact = {
    contactId: cmd.newId(),
    trajectoryId: t.trajectoryId,
    heldOn: cmd.heldOn,
    location: cmd.location,
    taskType: 'CONTACT',
    taskId: open.taskId,
    extra: true,
    recordedBy: cmd.actor.userId,
  };
  const measurement: Measurement | undefined = cmd.zrm && {
    measurementId: cmd.newId(),
    trajectoryId: t.trajectoryId,
    measuredOn: cmd.heldOn,
    kind: 'interim',
    scores: cmd.zrm.scores,
    ...(cmd.zrm.scoredBy ? { scoredBy: cmd.zrm.scoredBy } : {}),
    taskId: open.taskId,
    recordedBy: cmd.actor.userId,
  };
  const changed: Trajectory = {
    ...t,
    contacts: [...t.contacts, contact],
    lastContactOn: cmd.heldOn,
    ...(measurement
      ? { measurements: [...t.measurements, measurement], lastZrmOn: t.lastZrmOn && t.lastZrmOn > cmd.heldOn ? t.lastZrmOn : cmd.heldOn }
      : {}),
  };
  const effects = [auditEntry(cmd.actor, t, 'update', `extra contact on ${cmd.heldOn}${measurement ? ' with a ZRM measurement' : ''}`, cmd.now)];
  const answer = { contactId: contact.contactId };
  if (open.type !== 'CONTACT') return { next: changed, effects, answer };
  return { ...replanContact(changed, open, effects, cmd.now), answer };
}

/**
 * The regisseur moves the open task to another due date (with a reason, audited): not before
 * today, and a contact before the afronding is due. The escalation date follows by the one
 * deadlines rule and the waiting execution plans again.
 */
export function rescheduleTask(t: Trajectory, cmd: { taskId: string; dueAt: string; reason: string; actor: Actor; now: Date }): Transition<Task> {
  requireActive(t);
  const open = requireOwnOpen(t, cmd.taskId, cmd.actor);
  if (open.assigneeRole !== 'regisseur') throw new ConflictError(`A ${open.type} task is not the regisseur's to move`);
  const day = today(cmd.now);
  const afronding = open.type === 'CONTACT' ? afrondingDue(scheduleFacts(t)) : undefined;
  rejectProblems('new due date', [
    ...(cmd.dueAt < day ? [{ field: 'dueAt', message: `must not be before today (${day})` }] : []),
    ...(afronding && cmd.dueAt >= afronding ? [{ field: 'dueAt', message: `must be before the afronding is due (${afronding})` }] : []),
  ]);
  const moved = movedTo(t, open, cmd.dueAt, cmd.now);
  const effects: Effect[] = [
    ...replanWait(open, moved),
    auditEntry(cmd.actor, t, 'update', `reschedule ${open.type} task ${open.taskId} from ${open.dueAt} to ${moved.dueAt}: ${cmd.reason}`, cmd.now),
  ];
  const same = moved.dueAt === open.dueAt && moved.escalateOn === open.escalateOn;
  return { next: same ? t : { ...t, openTask: moved }, effects, answer: moved };
}

/**
 * The beheerder gives the trajectory to another regisseur (checked active in the directory by the
 * use case): the open task's assignee follows (its worklist and calendar move with it), later
 * tasks open for the new regisseur; closed tasks keep who had them.
 */
export function reassign(t: Trajectory, cmd: { regisseurId: string; actor: Actor; now: Date }): Transition {
  requireActive(t);
  if (t.regisseurId === cmd.regisseurId) return unchanged(t, undefined);
  const open = t.openTask;
  return {
    next: {
      ...t,
      regisseurId: cmd.regisseurId,
      ...(open && open.assigneeRole === 'regisseur' ? { openTask: { ...open, assigneeId: cmd.regisseurId } } : {}),
    },
    effects: [auditEntry(cmd.actor, t, 'update', `reassign trajectory from ${t.regisseurId} to ${cmd.regisseurId}`, cmd.now)],
    answer: undefined,
  };
}

/**
 * Asks for the afronding now (the client is self-sufficient, or the programme ends early), from
 * the POP phase on. Before the kennismaking there is nothing to close: withdraw instead.
 */
export function requestAfronding(t: Trajectory, cmd: { reason: string; actor: Actor; now: Date }): Transition {
  requireActive(t);
  if (t.phase === 'kennismaking') {
    throw new ConflictError('Before the kennismaking there is no afronding; withdraw the trajectory instead');
  }
  if (t.phase !== 'pop' && t.phase !== 'begeleiding') {
    throw new ConflictError(`The afronding is already under way (phase ${t.phase})`);
  }
  const changed: Trajectory = { ...t, afrondingRequestedOn: today(cmd.now), afrondingReason: cmd.reason };
  const effects = [auditEntry(cmd.actor, t, 'update', 'request early afronding', cmd.now)];
  if (!t.openTask) return { next: { ...changed, phase: 'afronding' }, effects, answer: undefined };
  return redirectToAfronding(changed, t.openTask, [...resolveEscalation(t.openTask, cmd.now), ...effects]);
}

// ---------- Escalate ----------

/** The wait timed out: an open task past its escalation moment is escalated to the beheerder, once. */
export function escalate(t: Trajectory, cmd: { now: Date }): Transition<{ escalated: boolean }> {
  const task = t.openTask;
  if (!task || task.escalatedAt || !isPastEscalation(task, cmd.now)) return unchanged(t, { escalated: false });
  const escalation: Escalation = {
    escalationId: escalationId(task.taskId),
    kind: 'escalation',
    recipientRole: 'beheerder',
    trajectoryId: t.trajectoryId,
    taskId: task.taskId,
    createdAt: cmd.now.toISOString(),
    message: `Taak ${task.type} (traject ${t.trajectoryId}) is sinds ${task.dueAt} verlopen en nog niet afgerond.`,
  };
  return {
    next: { ...t, openTask: { ...task, escalatedAt: cmd.now.toISOString() } },
    effects: [{ type: 'recordEscalation', escalation }],
    answer: { escalated: true },
  };
}

// ---------- Withdraw and close ----------

/** The trajectory closed with its outcome: its open task leaves as `leaving` (else cancelled). */
function closedWith(t: Trajectory, outcome: Outcome, leaving?: ClosedTask): Trajectory {
  const { openTask: open, ...rest } = t;
  const left = leaving ?? (open ? closeTask(open, { status: 'cancelled' }) : undefined);
  return { ...rest, phase: 'closed', status: 'closed', outcome, closedTasks: left ? [...t.closedTasks, left] : t.closedTasks };
}

/**
 * Withdraws the trajectory from any phase (moved away, declined, deceased, other): it closes at
 * once, its open task is cancelled, and the waiting execution ends through Close. A withdrawn
 * trajectory counts apart from the programme's target.
 */
export function withdraw(t: Trajectory, cmd: { withdrawal: Withdrawal; actor: Actor; now: Date }): Transition {
  requireActive(t);
  const day = today(cmd.now);
  const on = cmd.withdrawal.on;
  const problems = [
    ...(on > day ? [{ field: 'on', message: `must not be after today (${day})` }] : []),
    ...(on < t.startedOn ? [{ field: 'on', message: `must not be before the trajectory started (${t.startedOn})` }] : []),
  ];
  if (problems.length > 0) throw new ValidationError('The withdrawal has bad fields', problems);
  const open = t.openTask;
  return {
    next: closedWith(t, { successful: false, improvedDomains: [], handedOver: false, reason: 'withdrawn', closedOn: on, withdrawal: cmd.withdrawal }),
    effects: [
      ...redirectWait(open, 'Trajectory.Withdrawn'),
      ...resolveEscalation(open, cmd.now),
      ...(t.handoverId ? [{ type: 'voidHandover', handoverId: t.handoverId, at: cmd.now.toISOString() } as const] : []),
      { type: 'releaseActiveClaim' },
      auditEntry(cmd.actor, t, 'update', `withdraw trajectory (${cmd.withdrawal.reason})`, cmd.now),
    ],
    answer: undefined,
  };
}

/** The workflow's last step: the trajectory is closed with its outcome (decided, acknowledged or withdrawn) and its workflow done. Idempotent. */
export function close(t: Trajectory, cmd: { now: Date }): Transition {
  // Done already (a retried step): the claim is released again, which is idempotent.
  if (t.status === 'closed' && t.workflow.status === 'done' && !t.openTask) return { next: t, effects: [{ type: 'releaseActiveClaim' }], answer: undefined };
  // Every way to Close records its outcome first (the decision, the acknowledgement, the withdrawal).
  const outcome = t.outcome;
  if (!outcome) throw new WorkflowOutOfSyncError('The trajectory reached Close without an outcome');
  return {
    next: { ...closedWith(t, outcome), workflow: { ...t.workflow, status: 'done' } },
    effects: [...resolveEscalation(t.openTask, cmd.now), { type: 'releaseActiveClaim' }],
    answer: undefined,
  };
}

// ---------- The workflow's own state ----------

/** The handover dossier was written: the trajectory points to it. */
export function recordHandover(t: Trajectory, handoverId: string): Transition {
  if (isWithdrawn(t)) throw new WithdrawnError('The trajectory was withdrawn');
  return t.handoverId === handoverId ? unchanged(t, undefined) : { next: { ...t, handoverId }, effects: [], answer: undefined };
}

/** The workflow failed: the beheerder sees it and can recover it. */
export function recordFailure(t: Trajectory, cmd: { executionName: string; segment: number; error: string }): Transition {
  return {
    next: {
      ...t,
      workflow: { status: 'failed', executionName: cmd.executionName, segment: Math.max(t.workflow.segment, cmd.segment), error: cmd.error },
    },
    effects: [],
    answer: undefined,
  };
}

/**
 * A successor execution is started in the trajectory's phase (recovery, restart, new definition),
 * conditional on the segment seen, so two recoveries at once start one execution.
 */
export function restartWorkflow(t: Trajectory, cmd: { seenSegment: number; segment: number; executionName: string }): Transition<Phase> {
  if (t.workflow.status === 'done') throw new ConflictError('This trajectory is closed; its workflow is done');
  if (t.workflow.segment !== cmd.seenSegment) throw new ConflictError('The workflow of this trajectory was just restarted');
  return {
    next: { ...t, workflow: { status: 'running', executionName: cmd.executionName, segment: cmd.segment } },
    effects: [],
    answer: t.phase,
  };
}

/** The workflow could not be started at all. */
export function workflowStartFailed(t: Trajectory): Transition {
  return { next: { ...t, workflow: { ...t.workflow, status: 'failed', error: 'the workflow could not be started' } }, effects: [], answer: undefined };
}
