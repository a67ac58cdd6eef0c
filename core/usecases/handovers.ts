import { ConflictError, NotFoundError } from '../errors';
import type { Deps } from '../ports';
import { today } from '../rules/dates';
import type { Actor, Handover } from '../schemas';
import { audit, requireRole } from './access';
import { auditAfterCommit, closeTask, resolveWait } from './tasks';
import { update } from './trajectories';

/** The municipality's inbox: delivered handovers, each given with the client's consent. Reading is audited. */
export async function listHandovers(deps: Deps, actor: Actor): Promise<Handover[]> {
  requireRole(actor, 'gemeente', 'beheerder');
  const handovers = (await deps.store.listHandovers()).filter((h) => h.consent.given && h.deliveredAt);
  const now = deps.clock.now();
  await deps.store.appendAudit(handovers.map((h) => audit(actor, h.clientId, 'read', `read handover ${h.handoverId}`, now)));
  return handovers;
}

export async function getHandover(deps: Deps, actor: Actor, handoverId: string): Promise<Handover> {
  requireRole(actor, 'gemeente', 'beheerder');
  const handover = await deps.store.getHandover(handoverId);
  if (!handover?.deliveredAt || !handover.consent.given) throw new NotFoundError(`No handover ${handoverId}`);
  await deps.store.appendAudit([audit(actor, handover.clientId, 'read', `read handover ${handoverId}`, deps.clock.now())]);
  return handover;
}

/**
 * The municipality has taken the client over: its ACKNOWLEDGE task completes and the trajectory
 * closes as handed over (one conditional write), then the handover is stamped. Repeating it changes nothing.
 */
export async function acknowledgeHandover(deps: Deps, actor: Actor, handoverId: string): Promise<Handover> {
  requireRole(actor, 'gemeente');
  const handover = await deps.store.getHandover(handoverId);
  if (!handover?.deliveredAt) throw new NotFoundError(`No handover ${handoverId}`);
  if (handover.acknowledgedAt) return handover;
  const now = deps.clock.now();
  let token: string | undefined;
  let taskId = '';
  const trajectory = await update(deps, handover.trajectoryId, (t) => {
    if (t.outcome?.handedOver) return t; // closed by an earlier acknowledgement that was interrupted
    const task = t.openTask;
    if (!task || task.type !== 'ACKNOWLEDGE') {
      throw new ConflictError('This handover is not waiting for acknowledgement yet; try again shortly');
    }
    token = task.token;
    taskId = task.taskId;
    const result = { taskId: task.taskId, type: task.type };
    const { openTask: _open, ...rest } = t;
    return {
      ...rest,
      phase: 'closed',
      status: 'closed',
      outcome: {
        successful: t.outcome?.successful ?? false,
        improvedDomains: t.outcome?.improvedDomains ?? [],
        handedOver: true,
        reason: 'completed',
        closedOn: today(now),
      },
      closedTasks: [...t.closedTasks, closeTask(task, { status: 'completed', completedAt: now.toISOString(), completedBy: actor.userId, result })],
    };
  });
  // The trajectory's write is the commit point: the workflow is told at once, then the handover is stamped.
  if (token) await resolveWait(deps, token, { taskId, type: 'ACKNOWLEDGE' });
  const acknowledged: Handover = { ...handover, acknowledgedAt: now.toISOString(), acknowledgedBy: actor.userId };
  await deps.store.putHandover(acknowledged, false);
  await auditAfterCommit(deps, audit(actor, trajectory.clientId, 'handover', `acknowledge handover ${handoverId}`, now));
  return acknowledged;
}
