import { ConcurrentUpdateError, ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Deps, ExecutionSummary } from '../ports';
import { today } from '../rules/dates';
import { afrondingDue, plannedTask } from '../rules/schedule';
import { executionName } from '../rules/workflow-budget';
import type { Actor, Phase, Trajectory } from '../schemas';
import { assertCanSeeTrajectory, audit, requireRole } from './access';
import { activeTrajectoryClaim, releaseClaim, takeClaim } from './claims';
import { closeTask, redirectWait } from './tasks';

export interface StartTrajectoryInput {
  clientId: string;
  regisseurId: string;
  intervalMonths?: number;
}

/**
 * Registers the trajectory as the client's one active trajectory and starts its workflow.
 * The link is claimed first, so two concurrent starts for one client make one trajectory.
 */
export async function startTrajectory(deps: Deps, actor: Actor, input: StartTrajectoryInput): Promise<Trajectory> {
  requireRole(actor, 'beheerder');
  const client = await deps.store.getClient(input.clientId);
  if (!client) {
    throw new ValidationError('Unknown client', [{ field: 'clientId', message: `no client ${input.clientId}` }]);
  }
  const now = deps.clock.now();
  const trajectoryId = deps.ids.next();
  await takeClaim(
    deps,
    activeTrajectoryClaim(client.clientId),
    trajectoryId,
    async (id) => (await deps.store.getTrajectory(id))?.status === 'active',
    'This client already has an active trajectory',
  );
  const trajectory: Trajectory = {
    trajectoryId,
    clientId: client.clientId,
    regisseurId: input.regisseurId,
    phase: 'kennismaking',
    status: 'active',
    workflow: { status: 'running', executionName: executionName(trajectoryId, 0), segment: 0 },
    settledOn: client.settledOn,
    ...(input.intervalMonths ? { intervalMonths: input.intervalMonths } : {}),
    closedTasks: [],
    nextTaskSeq: 1,
    contacts: [],
    measurements: [],
    popVersions: [],
    createdAt: now.toISOString(),
    createdBy: actor.userId,
    version: 1,
  };
  try {
    await deps.store.saveTrajectory(trajectory, null);
  } catch (error) {
    await releaseClaim(deps, activeTrajectoryClaim(client.clientId), trajectoryId);
    throw error;
  }
  await deps.store.appendAudit([audit(actor, client.clientId, 'create', `start trajectory ${trajectoryId}`, now)]);
  return startWorkflow(deps, trajectory, 'kennismaking', 0);
}

/** Starts the trajectory's execution; a failure to start is recorded for the beheerder, who can recover it. */
async function startWorkflow(deps: Deps, trajectory: Trajectory, resumeAt: Phase, segment: number): Promise<Trajectory> {
  try {
    await deps.engine.start({ trajectoryId: trajectory.trajectoryId, resumeAt, segment });
    return trajectory;
  } catch (error) {
    deps.logger.error('workflow start failed', { trajectoryId: trajectory.trajectoryId, error: String(error) });
    return update(deps, trajectory.trajectoryId, (t) => ({
      ...t,
      workflow: { ...t.workflow, status: 'failed', error: 'the workflow could not be started' },
    }));
  }
}

/** Reads, changes and writes a trajectory conditionally on its version, retrying lost races. */
export async function update(
  deps: Deps,
  trajectoryId: string,
  change: (current: Trajectory) => Trajectory,
): Promise<Trajectory> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await deps.store.getTrajectory(trajectoryId);
    if (!current) throw new NotFoundError(`No trajectory ${trajectoryId}`);
    const next = { ...change(current), version: current.version + 1 };
    try {
      await deps.store.saveTrajectory(next, current.version);
      return next;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
  throw new ConcurrentUpdateError('The trajectory kept changing; try again');
}

/**
 * Starts a successor execution in the phase the trajectory is in: after a failure, after a
 * restart of the local runtime, or to move a trajectory onto a new definition. Opening its task
 * again is idempotent, so the open task keeps its identity and gets the new token. The new
 * segment follows every execution that exists, and the write is conditional on the segment
 * seen, so two recoveries at once start one execution.
 */
export async function resumeTrajectory(deps: Deps, trajectoryId: string): Promise<Trajectory> {
  const seen = await deps.store.getTrajectory(trajectoryId);
  if (!seen) throw new NotFoundError(`No trajectory ${trajectoryId}`);
  const executions = await deps.engine.listExecutions(trajectoryId, seen.workflow.segment);
  const segment = Math.max(seen.workflow.segment, ...executions.map((e) => e.segment)) + 1;
  const next = await update(deps, trajectoryId, (current) => {
    if (current.workflow.status === 'done') throw new ConflictError('This trajectory is closed; its workflow is done');
    if (current.workflow.segment !== seen.workflow.segment) throw new ConflictError('The workflow of this trajectory was just restarted');
    return { ...current, workflow: { status: 'running', executionName: executionName(trajectoryId, segment), segment } };
  });
  return startWorkflow(deps, next, next.phase, segment);
}

/** The beheerder restarts a failed or stopped workflow. */
export async function recoverTrajectory(deps: Deps, actor: Actor, trajectoryId: string): Promise<Trajectory> {
  requireRole(actor, 'beheerder');
  const current = assertCanSeeTrajectory(actor, await deps.store.getTrajectory(trajectoryId), trajectoryId);
  const executions = await deps.engine.listExecutions(trajectoryId, current.workflow.segment);
  if (executions.some((e) => e.status === 'RUNNING')) {
    throw new ConflictError('The workflow of this trajectory is running; there is nothing to recover');
  }
  return resumeTrajectory(deps, trajectoryId);
}

/**
 * Sets the trajectory's own contact interval (or removes it, back to 1 then 2 months). The
 * running workflow is not touched: an open contact gets its new due date at once, and every
 * later contact is planned with the new interval.
 */
export async function changeInterval(
  deps: Deps,
  actor: Actor,
  trajectoryId: string,
  intervalMonths: number | null,
): Promise<Trajectory> {
  requireRole(actor, 'regisseur', 'beheerder');
  const before = assertCanSeeTrajectory(actor, await deps.store.getTrajectory(trajectoryId), trajectoryId);
  if (before.status === 'closed') throw new ConflictError('This trajectory is closed');
  const next = await updateOpenTask(deps, trajectoryId, (current) => {
    const { intervalMonths: _old, ...rest } = current;
    const changed: Trajectory = { ...rest, ...(intervalMonths ? { intervalMonths } : {}) };
    const open = current.openTask;
    if (open?.type !== 'CONTACT') return { trajectory: changed };
    const planned = plannedTask('begeleiding', changed);
    // With a longer interval the next contact may fall on or after the afronding: the afronding comes next.
    if (planned.type !== 'CONTACT') return { trajectory: changed, redirect: 'afronding' };
    if (planned.dueAt === open.dueAt) return { trajectory: changed };
    // The waiting execution plans again, so its timeout (and escalation) follows the new due date.
    return { trajectory: { ...changed, openTask: { ...open, dueAt: planned.dueAt, zrmDue: planned.zrmDue } }, redirect: 'replan' };
  });
  await deps.store.appendAudit([
    audit(actor, before.clientId, 'update', `contact interval ${intervalMonths ?? 'default'}`, deps.clock.now()),
  ]);
  return next;
}

/**
 * Changes a trajectory and tells the execution waiting on its open task (by the token as
 * written, not as first read): to the afronding, cancelling the task in the same write, or to
 * plan again with the task kept.
 */
async function updateOpenTask(
  deps: Deps,
  trajectoryId: string,
  change: (current: Trajectory) => { trajectory: Trajectory; redirect?: 'afronding' | 'replan' },
): Promise<Trajectory> {
  let signal: { token: string; error: 'Trajectory.AfrondingRequested' | 'Trajectory.Replan' } | undefined;
  const next = await update(deps, trajectoryId, (current) => {
    const { trajectory, redirect } = change(current);
    const { openTask, ...rest } = trajectory;
    signal = undefined;
    if (!redirect || !openTask) return trajectory;
    if (redirect === 'replan') {
      signal = { token: openTask.token, error: 'Trajectory.Replan' };
      return trajectory;
    }
    signal = { token: openTask.token, error: 'Trajectory.AfrondingRequested' };
    return { ...rest, closedTasks: [...trajectory.closedTasks, closeTask(openTask, { status: 'cancelled' })] };
  });
  if (signal) await redirectWait(deps, signal.token, signal.error);
  return next;
}

/** Asks for the afronding now: the regisseur judges the client self-sufficient, or the programme ends early. */
export async function requestAfronding(deps: Deps, actor: Actor, trajectoryId: string): Promise<Trajectory> {
  requireRole(actor, 'regisseur', 'beheerder');
  const before = assertCanSeeTrajectory(actor, await deps.store.getTrajectory(trajectoryId), trajectoryId);
  const now = deps.clock.now();
  const next = await updateOpenTask(deps, trajectoryId, (current) => {
    if (current.phase !== 'begeleiding') {
      throw new ConflictError(`An early afronding is asked for in begeleiding; this trajectory is in ${current.phase}`);
    }
    return { trajectory: { ...current, afrondingRequestedOn: today(now) }, redirect: 'afronding' };
  });
  await deps.store.appendAudit([audit(actor, before.clientId, 'update', 'request early afronding', now)]);
  return next;
}

export async function listTrajectories(deps: Deps, actor: Actor, phase?: Phase): Promise<Trajectory[]> {
  requireRole(actor, 'regisseur', 'beheerder');
  return deps.store.listTrajectories({
    ...(actor.role === 'regisseur' ? { regisseurId: actor.userId } : {}),
    ...(phase ? { phase } : {}),
  });
}

export interface TrajectoryView {
  trajectory: Trajectory;
  clientName: string;
  afrondingDueOn: string | undefined;
  executions: ExecutionSummary[];
}

/** Everything a regisseur or beheerder needs to see of one trajectory; the read is audited. */
export async function viewTrajectory(deps: Deps, actor: Actor, trajectoryId: string): Promise<TrajectoryView> {
  requireRole(actor, 'regisseur', 'beheerder');
  const trajectory = assertCanSeeTrajectory(actor, await deps.store.getTrajectory(trajectoryId), trajectoryId);
  const [client, executions] = await Promise.all([
    deps.store.getClient(trajectory.clientId),
    deps.engine.listExecutions(trajectoryId, trajectory.workflow.segment),
  ]);
  await deps.store.appendAudit([audit(actor, trajectory.clientId, 'read', `read trajectory ${trajectoryId}`, deps.clock.now())]);
  return {
    trajectory,
    clientName: client ? `${client.firstName} ${client.lastName}` : '',
    afrondingDueOn: trajectory.popAgreedOn ? afrondingDue(trajectory) : undefined,
    executions,
  };
}
