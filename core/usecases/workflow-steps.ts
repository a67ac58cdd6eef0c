/**
 * The steps the state machine calls (one Lambda each; the contract is core/workflow/contract.ts).
 * Inputs and outputs carry IDs and control fields only; every fact is read from and written to
 * the store, each change through the trajectory aggregate. Each step is idempotent, so a retried
 * or re-entered step has one effect.
 */
import { ConcurrentUpdateError, WithdrawnError, WorkflowOutOfSyncError } from '../errors';
import type { Deps } from '../ports';
import { today } from '../rules/dates';
import { segmentIsOver, waitTimeoutSeconds } from '../rules/workflow-budget';
import type { Handover, Trajectory } from '../schemas';
import * as trajectory from '../trajectory/aggregate';
import { plannedTask } from '../trajectory/schedule';
import type { OpenTaskInput, Plan, PlanInput, RecordFailureInput, StepInput } from '../workflow/contract';
import { changeTrajectory } from './change';

const outOfSync = (id: string) => () => new WorkflowOutOfSyncError(`No trajectory ${id}`);

async function load(deps: Deps, trajectoryId: string): Promise<Trajectory> {
  const found = await deps.store.getTrajectory(trajectoryId);
  if (!found) throw outOfSync(trajectoryId)();
  return found;
}

/** The day the handover was delivered, which the ACKNOWLEDGE task is due from. */
async function handoverDeliveredOn(deps: Deps, t: Trajectory): Promise<string> {
  const handover = t.handoverId ? await deps.store.getHandover(t.handoverId) : undefined;
  if (!handover?.deliveredAt) throw new WorkflowOutOfSyncError('The handover has not been delivered');
  return today(new Date(handover.deliveredAt));
}

/** What the phase waits for next, and how long the wait may last within this execution's budget. */
export async function plan(deps: Deps, ctx: PlanInput): Promise<Plan> {
  const t = await load(deps, ctx.trajectoryId);
  if (trajectory.isWithdrawn(t)) throw new WithdrawnError('The trajectory was withdrawn');
  const now = deps.clock.now();
  const startedAt = new Date(ctx.executionStartedAt);
  if (ctx.phase === 'begeleiding' && segmentIsOver(now, startedAt)) {
    return trajectory.continuePlan(t, now, ctx.segment);
  }
  const facts = trajectory.scheduleFacts(t);
  const planned = plannedTask(ctx.phase, facts, ctx.phase === 'overdracht' ? await handoverDeliveredOn(deps, t) : undefined);
  // The wait lasts until the escalation moment of the task already open, or of the task it will open.
  const open = t.openTask?.type === planned.type ? t.openTask : undefined;
  const deadline = open ?? trajectory.deadlineOf(t, planned, now);
  return trajectory.waitPlan(t.trajectoryId, {
    next: ctx.phase !== 'begeleiding' ? 'task' : planned.type === 'CONTACT' ? 'contact' : 'afronding',
    taskType: planned.type,
    timeoutSeconds: waitTimeoutSeconds({ now, executionStartedAt: startedAt, escalateOn: deadline.escalateOn, escalated: Boolean(open?.escalatedAt) }),
    open,
    resumeAt: ctx.phase,
    segment: ctx.segment,
  });
}

/**
 * Opens the task the workflow waits for, or registers the new token on the task already open
 * (opened by the completion before, or re-entry after continue-as-new, recovery or restart).
 * Never opens a second task. A task the plan found open takes the token in one conditional
 * write, without a read; when that task is no longer open, the trajectory is read and decides.
 */
export async function openTask(deps: Deps, ctx: OpenTaskInput): Promise<{ taskId: string; resolvedWith?: unknown }> {
  const { trajectoryId, openTaskId, openTaskEscalateOn: escalateOn, taskToken: token, executionName, segment, executionStartedAt } = ctx;
  const wait = openTaskId && escalateOn ? { taskId: openTaskId, escalateOn, token, executionName, segment, executionStartedAt } : undefined;
  if (wait && (await deps.store.registerWait(trajectoryId, wait))) {
    return { taskId: wait.taskId };
  }
  const first = await load(deps, ctx.trajectoryId);
  const deliveredOn = ctx.taskType === 'ACKNOWLEDGE' ? await handoverDeliveredOn(deps, first) : undefined;
  const { answer } = await changeTrajectory(
    deps,
    ctx.trajectoryId,
    (t) =>
      trajectory.openTask(t, {
        taskType: ctx.taskType,
        token: ctx.taskToken,
        executionName: ctx.executionName,
        segment: ctx.segment,
        executionStartedAt: ctx.executionStartedAt,
        openTaskId: ctx.openTaskId ?? null,
        openTaskEscalateOn: ctx.openTaskEscalateOn ?? null,
        now: deps.clock.now(),
        ...(deliveredOn ? { handoverDeliveredOn: deliveredOn } : {}),
      }),
    { first, missing: outOfSync(ctx.trajectoryId) },
  );
  return answer;
}

/**
 * A wait timed out: the task is past its escalation moment (then the beheerder is told, once) or
 * the execution's budget is spent. Either way the task stays open and a successor execution
 * resumes in the trajectory's phase.
 */
export async function escalate(deps: Deps, ctx: StepInput): Promise<Plan> {
  const { trajectory: t, answer } = await changeTrajectory(deps, ctx.trajectoryId, (current) => trajectory.escalate(current, { now: deps.clock.now() }), {
    missing: outOfSync(ctx.trajectoryId),
  });
  if (answer.escalated) deps.logger.info('task escalated', { trajectoryId: t.trajectoryId, taskId: t.openTask?.taskId });
  return trajectory.continuePlan(t, deps.clock.now(), ctx.segment);
}

/**
 * Writes the handover dossier once (it shares the trajectory's id): what is already known
 * travels with the client, so the next organisation need not ask again.
 */
export async function buildDossier(deps: Deps, ctx: StepInput): Promise<{ handoverId: string }> {
  const t = await load(deps, ctx.trajectoryId);
  if (trajectory.isWithdrawn(t)) throw new WithdrawnError('The trajectory was withdrawn');
  const handoverId = t.trajectoryId;
  // The trajectory points to its dossier once it is written; until then a retry writes it again (conditionally, once).
  if (t.handoverId !== handoverId) {
    if (t.decision !== 'handover') throw new WorkflowOutOfSyncError('The trajectory was not decided for a handover');
    const client = await deps.store.getClient(t.clientId);
    if (!client) throw new WorkflowOutOfSyncError('The client of this trajectory is missing');
    try {
      await deps.store.putHandover(dossier(t, client, handoverId, deps.clock.now()), true);
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error; // written by a concurrent attempt: the same dossier
    }
  }
  await changeTrajectory(deps, t.trajectoryId, (current) => trajectory.recordHandover(current, handoverId), { first: t });
  return { handoverId };
}

function dossier(t: Trajectory, client: Handover['dossier']['client'], handoverId: string, now: Date): Handover {
  const afronding = t.closedTasks.findLast((task) => task.type === 'AFRONDING' && task.status === 'completed');
  const pop = t.popVersions.at(-1);
  return {
    handoverId,
    trajectoryId: t.trajectoryId,
    clientId: t.clientId,
    regisseurId: t.regisseurId,
    createdAt: now.toISOString(),
    consent: {
      given: true,
      recordedOn: today(afronding?.completedAt ? new Date(afronding.completedAt) : now),
      recordedBy: afronding?.completedBy ?? t.regisseurId,
    },
    dossier: {
      client,
      phaseHistory: {
        ...(t.kennismakingOn ? { kennismakingOn: t.kennismakingOn } : {}),
        ...(t.popAgreedOn ? { popAgreedOn: t.popAgreedOn } : {}),
        ...(t.lastContactOn ? { lastContactOn: t.lastContactOn } : {}),
      },
      ...(pop ? { pop } : {}),
      measurements: t.measurements,
      contacts: t.contacts,
      ...(t.proposal ? { proposal: t.proposal } : {}),
    },
  };
}

/**
 * Delivers the handover notice to the municipality (once; the state machine retries failures
 * with backoff), then opens the municipality's ACKNOWLEDGE task and answers the plan of its wait.
 */
export async function deliverHandover(deps: Deps, ctx: StepInput): Promise<Plan & { handoverId: string }> {
  const t = await load(deps, ctx.trajectoryId);
  if (trajectory.isWithdrawn(t)) throw new WithdrawnError('The trajectory was withdrawn');
  const found = t.handoverId ? await deps.store.getHandover(t.handoverId) : undefined;
  if (!found) throw new WorkflowOutOfSyncError('There is no handover to deliver');
  let handover = found;
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
    handover = { ...handover, deliveredAt: now.toISOString() };
    await deps.store.putHandover(handover, false);
  }
  const deliveredOn = today(new Date(handover.deliveredAt!));
  const { answer } = await changeTrajectory(
    deps,
    t.trajectoryId,
    (current) => trajectory.openAcknowledge(current, { deliveredOn, now: deps.clock.now(), ...ctx }),
    { first: t },
  );
  return { handoverId: handover.handoverId, ...answer };
}

/** Finishes the trajectory (idempotent): closed with its outcome, or withdrawn; the client's claim is released. */
export async function closeTrajectory(deps: Deps, ctx: StepInput): Promise<{ closed: true }> {
  await changeTrajectory(deps, ctx.trajectoryId, (t) => trajectory.close(t, { now: deps.clock.now() }), { missing: outOfSync(ctx.trajectoryId) });
  return { closed: true };
}

/** Marks the workflow failed, so the beheerder sees it and can recover it. */
export async function recordFailure(deps: Deps, ctx: RecordFailureInput): Promise<{ recorded: true }> {
  await changeTrajectory(deps, ctx.trajectoryId, (t) => trajectory.recordFailure(t, ctx), { missing: outOfSync(ctx.trajectoryId) });
  deps.logger.error('trajectory workflow failed', { trajectoryId: ctx.trajectoryId, error: ctx.error });
  return { recorded: true };
}
