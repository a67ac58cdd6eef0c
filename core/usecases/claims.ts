/**
 * Unique claims, written before what they guard (a client's active trajectory, a BSN). A claim
 * whose owner no longer holds it (never written after an interrupted request, or a trajectory
 * closed before its workflow released the claim) is taken over once it is a minute old; a fresh
 * one is honoured, so two requests at once make one owner.
 */
import { ConcurrentUpdateError, ConflictError } from '../errors';
import type { Deps } from '../ports';

const ABANDONED_AFTER_MS = 60_000;

export const activeTrajectoryClaim = (clientId: string) => `active-trajectory#${clientId}`;
export const bsnClaim = (bsn: string) => `bsn#${bsn}`;

/** Takes the claim for `ownerId`, or throws ConflictError(`taken`) when another owner holds it. */
export async function takeClaim(
  deps: Deps,
  name: string,
  ownerId: string,
  ownerHolds: (ownerId: string) => Promise<boolean>,
  taken: string,
): Promise<void> {
  const now = deps.clock.now();
  const held = await deps.store.getClaim(name);
  if (held) {
    const fresh = now.getTime() - new Date(held.claimedAt).getTime() < ABANDONED_AFTER_MS;
    if (fresh || (await ownerHolds(held.ownerId))) throw new ConflictError(taken);
  }
  try {
    await deps.store.setClaim(name, { ownerId, claimedAt: now.toISOString() }, held?.ownerId ?? null);
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) throw new ConflictError(taken);
    throw error;
  }
}

/** Releases the claim if `ownerId` still holds it. */
export async function releaseClaim(deps: Deps, name: string, ownerId: string): Promise<void> {
  if ((await deps.store.getClaim(name))?.ownerId !== ownerId) return;
  try {
    await deps.store.setClaim(name, null, ownerId);
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
  }
}
