/**
 * Starting, steering and reading trajectories. Every change goes through the aggregate
 * (core/trajectory/aggregate.ts) by changeTrajectory.
 */
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Deps, ExecutionSummary } from '../ports';
import * as trajectory from '../trajectory/aggregate';
import { afrondingDue } from '../trajectory/schedule';
import { executionName } from '../rules/workflow-budget';
import type { Actor, Phase, Trajectory, Withdrawal } from '../schemas';
import type { TrajectorySummary } from '../trajectory/summary';
import { assertCanSeeTrajectory, audit, requireRole } from './access';
import { changeTrajectory } from './change';
import { scheduleFor } from './notify';
import { requireActiveRegisseur } from './users';
import { activeTrajectoryClaim, releaseClaim, takeClaim } from './claims';
import { deadlinesOf } from './deadlines';
import { householdOf, type HouseholdView } from './households';
import type { Deadline } from '../schemas';

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
  await requireActiveRegisseur(deps, input.regisseurId);
  const now = deps.clock.now();
  const trajectoryId = deps.ids.next();
  await takeClaim(
    deps,
    activeTrajectoryClaim(client.clientId),
    trajectoryId,
    async (id) => (await deps.store.getTrajectory(id))?.status === 'active',
    'This client already has an active trajectory',
  );
  const started = trajectory.startTrajectory({
    trajectoryId,
    clientId: client.clientId,
    settledOn: client.settledOn,
    regisseurId: input.regisseurId,
    ...(input.intervalMonths ? { intervalMonths: input.intervalMonths } : {}),
    executionName: executionName(trajectoryId, 0),
    actor,
    now,
  });
  try {
    await scheduleFor(deps, undefined, started);
    await deps.store.saveTrajectory(started, null);
  } catch (error) {
    await releaseClaim(deps, activeTrajectoryClaim(client.clientId), trajectoryId);
    throw error;
  }
  await deps.store.appendAudit([audit(actor, client.clientId, 'create', `start trajectory ${trajectoryId}`, now)]);
  return startWorkflow(deps, started, 'kennismaking', 0);
}

/** Starts the trajectory's execution; a failure to start is recorded for the beheerder, who can recover it. */
async function startWorkflow(deps: Deps, t: Trajectory, resumeAt: Phase, segment: number): Promise<Trajectory> {
  try {
    await deps.engine.start({ trajectoryId: t.trajectoryId, resumeAt, segment });
    return t;
  } catch (error) {
    deps.logger.error('workflow start failed', { trajectoryId: t.trajectoryId, error: error instanceof Error ? error.name : 'unknown' });
    return (await changeTrajectory(deps, t.trajectoryId, trajectory.workflowStartFailed)).trajectory;
  }
}

/**
 * Starts a successor execution in the phase the trajectory is in: after a failure, after a
 * restart of the local runtime, or to move a trajectory onto a new definition. Opening its task
 * again is idempotent, so the open task keeps its identity and gets the new token. The new
 * segment follows every execution that exists, and the write is conditional on the segment
 * seen, so two recoveries at once start one execution.
 */
export async function resumeTrajectory(deps: Deps, trajectoryId: string, seen?: Trajectory): Promise<Trajectory> {
  const current = seen ?? (await deps.store.getTrajectory(trajectoryId));
  if (!current) throw new NotFoundError(`No trajectory ${trajectoryId}`);
  const executions = await deps.engine.listExecutions(trajectoryId, current.workflow.segment);
  const segment = Math.max(current.workflow.segment, ...executions.map((e) => e.segment)) + 1;
  const { trajectory: next, answer: phase } = await changeTrajectory(
    deps,
    trajectoryId,
    (t) => trajectory.restartWorkflow(t, { seenSegment: current.workflow.segment, segment, executionName: executionName(trajectoryId, segment) }),
    { first: current },
  );
  return startWorkflow(deps, next, phase, segment);
}

/** The beheerder restarts a failed or stopped workflow. */
export async function recoverTrajectory(deps: Deps, actor: Actor, trajectoryId: string): Promise<Trajectory> {
  requireRole(actor, 'beheerder');
  const current = assertCanSeeTrajectory(actor, await deps.store.getTrajectory(trajectoryId), trajectoryId);
  const executions = await deps.engine.listExecutions(trajectoryId, current.workflow.segment);
  if (executions.some((e) => e.status === 'RUNNING')) {
    throw new ConflictError('The workflow of this trajectory is running; there is nothing to recover');
  }
  return resumeTrajectory(deps, trajectoryId, current);
}

/** Loads a trajectory the actor may steer (its regisseur, or a beheerder) and applies a change to it. */
async function steer<A>(
  deps: Deps,
  actor: Actor,
  trajectoryId: string,
  transition: (t: Trajectory, now: Date) => trajectory.Transition<A>,
): Promise<Trajectory> {
  requireRole(actor, 'regisseur', 'beheerder');
  const first = assertCanSeeTrajectory(actor, await deps.store.getTrajectory(trajectoryId), trajectoryId);
  return (await changeTrajectory(deps, trajectoryId, (t) => transition(t, deps.clock.now()), { first })).trajectory;
}

/**
 * Sets the trajectory's own contact interval (or removes it, back to 1 then 2 months). The
 * running workflow is not restarted: an open contact gets its new due date at once, and every
 * later contact is planned with the new interval.
 */
export function changeInterval(deps: Deps, actor: Actor, trajectoryId: string, intervalMonths: number | null): Promise<Trajectory> {
  return steer(deps, actor, trajectoryId, (t, now) => trajectory.changeInterval(t, { intervalMonths, actor, now }));
}

/** Asks for the afronding now: the regisseur judges the client self-sufficient, or the programme ends early. */
export function requestAfronding(deps: Deps, actor: Actor, trajectoryId: string, reason: string): Promise<Trajectory> {
  return steer(deps, actor, trajectoryId, (t, now) => trajectory.requestAfronding(t, { reason, actor, now }));
}

/** Withdraws the trajectory (moved away, declined, deceased, other); its workflow ends through Close. */
export function withdrawTrajectory(deps: Deps, actor: Actor, trajectoryId: string, withdrawal: Withdrawal): Promise<Trajectory> {
  return steer(deps, actor, trajectoryId, (t, now) => trajectory.withdraw(t, { withdrawal, actor, now }));
}

export async function listTrajectories(deps: Deps, actor: Actor, phase?: Phase): Promise<TrajectorySummary[]> {
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
  /** The other members' active trajectories, if the client is in a household (core/usecases/households.ts). */
  household: HouseholdView | undefined;
  /** The client's open legal deadlines, by date. */
  deadlines: Deadline[];
}

/** Everything a regisseur or beheerder needs to see of one trajectory; the read is audited. */
export async function viewTrajectory(deps: Deps, actor: Actor, trajectoryId: string): Promise<TrajectoryView> {
  requireRole(actor, 'regisseur', 'beheerder');
  const t = assertCanSeeTrajectory(actor, await deps.store.getTrajectory(trajectoryId), trajectoryId);
  const [client, executions] = await Promise.all([
    deps.store.getClient(t.clientId),
    deps.engine.listExecutions(trajectoryId, t.workflow.segment),
  ]);
  const [household, deadlines] = await Promise.all([householdOf(deps, actor, client), deadlinesOf(deps, t.clientId)]);
  await deps.store.appendAudit([audit(actor, t.clientId, 'read', `read trajectory ${trajectoryId}`, deps.clock.now())]);
  return {
    trajectory: t,
    clientName: client ? `${client.firstName} ${client.lastName}` : '',
    afrondingDueOn: t.popAgreedOn || t.afrondingRequestedOn ? afrondingDue(t) : undefined,
    executions,
    household,
    deadlines,
  };
}
