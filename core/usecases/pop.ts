/**
 * The POP after the POP task: its regisseur revises it (a new version) and records follow-ups
 * (reviews); every version and review stays readable. The transitions are core/trajectory/pop.ts,
 * run through changeTrajectory (load → apply → save on the version → audit).
 */
import type { Deps } from '../ports';
import type { Actor, PopReview, PopReviewInput, PopRevision, PopVersion } from '../schemas';
import * as pop from '../trajectory/pop';
import { assertCanSeeTrajectory, audit, requireRole } from './access';
import { changeTrajectory } from './change';

/** A new version of the whole POP (the trajectory's regisseur, from the begeleiding on). */
export async function revisePop(deps: Deps, actor: Actor, trajectoryId: string, revision: PopRevision): Promise<PopVersion> {
  requireRole(actor, 'regisseur');
  const first = assertCanSeeTrajectory(actor, await deps.store.getTrajectory(trajectoryId), trajectoryId);
  const { answer } = await changeTrajectory(deps, trajectoryId, (t) => pop.revisePop(t, { revision, actor, now: deps.clock.now() }), { first });
  return answer;
}

/** A follow-up of the POP; new goals make a new version. */
export async function reviewPop(
  deps: Deps,
  actor: Actor,
  trajectoryId: string,
  review: PopReviewInput,
): Promise<{ review: PopReview; popVersion?: PopVersion }> {
  requireRole(actor, 'regisseur');
  const first = assertCanSeeTrajectory(actor, await deps.store.getTrajectory(trajectoryId), trajectoryId);
  const reviewId = deps.ids.next();
  const { answer } = await changeTrajectory(deps, trajectoryId, (t) => pop.reviewPop(t, { review, reviewId, actor, now: deps.clock.now() }), { first });
  return answer;
}

export interface PopHistory {
  trajectoryId: string;
  /** The version in force (the last), if a POP was agreed. */
  current: number | undefined;
  versions: PopVersion[];
  reviews: PopReview[];
}

/** Every version and review of the POP, oldest first (its regisseur, or a beheerder); the read is audited. */
export async function popHistory(deps: Deps, actor: Actor, trajectoryId: string): Promise<PopHistory> {
  requireRole(actor, 'regisseur', 'beheerder');
  const t = assertCanSeeTrajectory(actor, await deps.store.getTrajectory(trajectoryId), trajectoryId);
  await deps.store.appendAudit([audit(actor, t.clientId, 'read', `read POP of trajectory ${trajectoryId}`, deps.clock.now())]);
  return { trajectoryId, current: pop.currentPop(t)?.version, versions: t.popVersions, reviews: t.popReviews ?? [] };
}
