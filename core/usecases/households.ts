/**
 * Households: the trajectories of one family are linked (nareizigers arrive later and get a
 * trajectory of their own, §5). The client carries `householdId`; beside it the store keeps a
 * membership item per client (HOUSEHOLD#id / CLIENT#clientId), so a household's members are one
 * query. The client is the truth: a membership item is written before the client and removed
 * after it, and readers keep only members whose client names the household, so a crash in
 * between shows nothing wrong.
 *
 * A trajectory shows its household's other active trajectories (id, phase, regisseur) to whoever
 * may see the trajectory; another member's name (and client id) only to whoever may see that
 * client (the beheerder; a regisseur her own clients). That a family member is guided, and by
 * whom, is what the regisseurs need to work together; the rest stays need to know.
 */
import { ConcurrentUpdateError, NotFoundError } from '../errors';
import type { Deps } from '../ports';
import type { Actor, Client, Phase, Trajectory } from '../schemas';
import { audit, requireRole } from './access';
import { activeTrajectoryClaim } from './claims';
import { visibleClientIds } from './clients';

const ATTEMPTS = 5;

export interface HouseholdTrajectory {
  trajectoryId: string;
  phase: Phase;
  status: Trajectory['status'];
  regisseurId: string;
  /** Only for whoever may see this client. */
  client?: { clientId: string; name: string };
}

export interface HouseholdView {
  householdId: string;
  /** The other members' active trajectories. */
  trajectories: HouseholdTrajectory[];
}

/**
 * Puts the client in a household (or, with null, in none): beheerder only, who registers the
 * clients and links the family. Conditional on the client's version; audited.
 */
export async function setHousehold(deps: Deps, actor: Actor, clientId: string, householdId: string | null): Promise<Client> {
  requireRole(actor, 'beheerder');
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await deps.store.getClient(clientId);
    if (!current) throw new NotFoundError(`No client ${clientId}`);
    const now = deps.clock.now();
    const old = current.householdId;
    // Written again when unchanged: mends a membership item lost before (or written before this existed).
    if (householdId) await deps.store.putHouseholdMember(householdId, clientId, now.toISOString());
    if ((old ?? null) === householdId) return current;
    const { householdId: _old, ...rest } = current;
    const version = current.version ?? 0;
    const saved: Client = { ...rest, ...(householdId ? { householdId } : {}), updatedAt: now.toISOString(), version: version + 1 };
    try {
      await deps.store.saveClient(saved, version);
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) continue;
      throw error;
    }
    if (old) await removeQuietly(deps, old, clientId);
    await deps.store.appendAudit([audit(actor, clientId, 'update', householdId ? `household ${householdId}` : 'no household', now)]);
    return saved;
  }
  throw new ConcurrentUpdateError('The client kept changing; try again');
}

async function removeQuietly(deps: Deps, householdId: string, clientId: string): Promise<void> {
  try {
    await deps.store.removeHouseholdMember(householdId, clientId);
  } catch (error) {
    deps.logger.error('household membership not removed', { clientId, error: error instanceof Error ? error.name : 'unknown' });
  }
}

/** The household's members: one query for the membership items, one batch read of the clients, each checked. */
export async function householdMembers(deps: Deps, householdId: string): Promise<Client[]> {
  const ids = await deps.store.listHouseholdMembers(householdId);
  return (await deps.store.getClients(ids)).filter((c) => c.householdId === householdId);
}

/**
 * What a trajectory shows of its household: the other members' active trajectories (found by
 * their one-active-trajectory claim), names only where the actor may see the client. Naming a
 * member is a read of their data, audited on that member.
 */
export async function householdOf(deps: Deps, actor: Actor, client: Client | undefined): Promise<HouseholdView | undefined> {
  const householdId = client?.householdId;
  if (!client || !householdId) return undefined;
  const others = (await householdMembers(deps, householdId)).filter((c) => c.clientId !== client.clientId);
  const [visible, found] = await Promise.all([
    visibleClientIds(deps, actor),
    Promise.all(
      others.map(async (member) => {
        const claim = await deps.store.getClaim(activeTrajectoryClaim(member.clientId));
        const t = claim ? await deps.store.getTrajectory(claim.ownerId) : undefined;
        return t?.clientId === member.clientId ? { member, t } : undefined;
      }),
    ),
  ]);
  const now = deps.clock.now();
  const named: string[] = [];
  const trajectories = found.flatMap((f) => {
    if (!f) return [];
    const { member, t } = f;
    const mayName = !visible || visible.has(member.clientId);
    if (mayName) named.push(member.clientId);
    return [
      {
        trajectoryId: t.trajectoryId,
        phase: t.phase,
        status: t.status,
        regisseurId: t.regisseurId,
        ...(mayName ? { client: { clientId: member.clientId, name: `${member.firstName} ${member.lastName}` } } : {}),
      },
    ];
  });
  if (named.length > 0) {
    await deps.store.appendAudit(named.map((id) => audit(actor, id, 'read', `read as household member of client ${client.clientId}`, now)));
  }
  return { householdId, trajectories };
}
