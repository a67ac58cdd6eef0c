import { NotFoundError } from '../errors';
import type { Deps } from '../ports';
import * as trajectory from '../trajectory/aggregate';
import type { Actor, Handover } from '../schemas';
import { audit, requireRole } from './access';
import { changeTrajectory } from './change';

/** A handover the municipality may see: delivered, given with consent, not void by a withdrawal. */
const inInbox = (h: Handover | undefined): h is Handover => Boolean(h?.deliveredAt && h.consent.given && !h.withdrawnAt);

/** The municipality's inbox: delivered handovers, each given with the client's consent. Reading is audited. */
export async function listHandovers(deps: Deps, actor: Actor): Promise<Handover[]> {
  requireRole(actor, 'gemeente', 'beheerder');
  const handovers = (await deps.store.listHandovers()).filter(inInbox);
  const now = deps.clock.now();
  await deps.store.appendAudit(handovers.map((h) => audit(actor, h.clientId, 'read', `read handover ${h.handoverId}`, now)));
  return handovers;
}

export async function getHandover(deps: Deps, actor: Actor, handoverId: string): Promise<Handover> {
  requireRole(actor, 'gemeente', 'beheerder');
  const handover = await deps.store.getHandover(handoverId);
  if (!inInbox(handover)) throw new NotFoundError(`No handover ${handoverId}`);
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
  if (!inInbox(handover)) throw new NotFoundError(`No handover ${handoverId}`);
  if (handover.acknowledgedAt) return handover;
  const now = deps.clock.now();
  await changeTrajectory(deps, handover.trajectoryId, (t) => trajectory.acknowledgeHandover(t, { handoverId, actor, now }));
  const acknowledged: Handover = { ...handover, acknowledgedAt: now.toISOString(), acknowledgedBy: actor.userId };
  await deps.store.putHandover(acknowledged, false);
  return acknowledged;
}
