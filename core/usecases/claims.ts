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

/**
 * Takes the claim for `ownerId`, or throws ConflictError(`taken`) when another owner holds it.
 * A free claim is taken in one conditional write; only a held one is read, to see whether it
 * was abandoned.
 */
export async function takeClaim(
  deps: Deps,
  name: string,
  ownerId: string,
  ownerHolds: (ownerId: string) => Promise<boolean>,
  taken: string,
): Promise<void> {
  const now = deps.clock.now();
  const claim = { ownerId, claimedAt: now.toISOString() };
  if (await setIf(deps, name, claim, null)) return;
  const held = await deps.store.getClaim(name);
  if (held) {
    const fresh = now.getTime() - new Date(held.claimedAt).getTime() < ABANDONED_AFTER_MS;
    if (fresh || (await ownerHolds(held.ownerId))) throw new ConflictError(taken);
  }
  if (!(await setIf(deps, name, claim, held?.ownerId ?? null))) throw new ConflictError(taken);
}

/** Releases the claim if `ownerId` still holds it (one conditional delete; held by another or gone: nothing to do). */
export async function releaseClaim(deps: Deps, name: string, ownerId: string): Promise<void> {
  await setIf(deps, name, null, ownerId);
}

/** Sets the claim conditional on its owner; false when the condition did not hold. */
async function setIf(deps: Deps, name: string, claim: Parameters<Deps['store']['setClaim']>[1], expectedOwner: string | null): Promise<boolean> {
  try {
    await deps.store.setClaim(name, claim, expectedOwner);
    return true;
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) return false;
    throw error;
  }
}
