/**
 * Clients: registration (beheerder), reading (beheerder, or the client's own regisseur) and
 * changes to contact details, language, interpreter and a BSN added later (PATCH). Every change
 * is saved conditional on the client's version; a lost race loads and applies again, so two
 * PATCHes at once both land. A BSN belongs to one client: its unique claim is taken before the
 * client is written and released when the write does not happen.
 */
import { ConcurrentUpdateError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { Deps } from '../ports';
import { normaliseBsn } from '../rules/bsn';
import { today } from '../rules/dates';
import type { Actor, Client, ClientChange, NewClient } from '../schemas';
import { audit, requireRole } from './access';
import { bsnClaim, releaseClaim, takeClaim } from './claims';

const ATTEMPTS = 5;

const normalisePostalCode = (code: string) => code.toUpperCase().replace(/^(\d{4}) ?/, '$1 ');

export async function registerClient(deps: Deps, actor: Actor, input: NewClient): Promise<Client> {
  requireRole(actor, 'beheerder');
  const day = today(deps.clock.now());
  const future = (['birthDate', 'settledOn'] as const).filter((f) => input[f] > day);
  if (future.length > 0) {
    throw new ValidationError(
      'Dates in the future are not allowed',
      future.map((field) => ({ field, message: `must not be after today (${day})` })),
    );
  }
  if (input.settledOn < input.birthDate) {
    throw new ValidationError('The settlement date is before the birth date', [
      { field: 'settledOn', message: 'must not be before birthDate' },
    ]);
  }
  const now = deps.clock.now();
  const client: Client = {
    ...input,
    ...(input.bsn ? { bsn: normaliseBsn(input.bsn) } : {}),
    ...(input.address?.postalCode ? { address: { ...input.address, postalCode: normalisePostalCode(input.address.postalCode) } } : {}),
    clientId: deps.ids.next(),
    createdAt: now.toISOString(),
    createdBy: actor.userId,
    version: 1,
  };
  if (client.bsn) await claimBsn(deps, client.bsn, client.clientId);
  try {
    // The membership item first: readers check it against the client, so one left by a crash is ignored.
    if (client.householdId) await deps.store.putHouseholdMember(client.householdId, client.clientId, client.createdAt);
    await deps.store.createClient(client);
  } catch (error) {
    if (client.bsn) await releaseClaim(deps, bsnClaim(client.bsn), client.clientId);
    throw error;
  }
  await deps.store.appendAudit([audit(actor, client.clientId, 'create', 'register client', now)]);
  return client;
}

/**
 * Takes the unique claim on a BSN for the client. The claim counts as held while its owner is a
 * client with that BSN, so a BSN corrected away is free again even if its release was lost. A
 * claim this client already holds (left by an interrupted change) is its own.
 */
async function claimBsn(deps: Deps, bsn: string, clientId: string): Promise<void> {
  if ((await deps.store.getClaim(bsnClaim(bsn)))?.ownerId === clientId) return;
  await takeClaim(
    deps,
    bsnClaim(bsn),
    clientId,
    async (ownerId) => (await deps.store.getClient(ownerId))?.bsn === bsn,
    'A client with this BSN is already registered',
  );
}

/**
 * The client, if the actor may see it (`read`) or change it (`write`): a beheerder any client; a
 * regisseur a client she has a trajectory with (to change it, an active one). Anything else is
 * not found, so its existence is not revealed.
 */
export async function requireClientAccess(deps: Deps, actor: Actor, clientId: string, mode: 'read' | 'write'): Promise<Client> {
  requireRole(actor, 'beheerder', 'regisseur');
  if (actor.role === 'regisseur') {
    const own = (await deps.store.listTrajectories({ regisseurId: actor.userId })).filter((t) => t.clientId === clientId);
    if (own.length === 0) throw new NotFoundError(`No client ${clientId}`);
    if (mode === 'write' && !own.some((t) => t.status === 'active')) {
      throw new ForbiddenError('Your trajectory with this client is closed; a beheerder changes the client now');
    }
  }
  const client = await deps.store.getClient(clientId);
  if (!client) throw new NotFoundError(`No client ${clientId}`);
  return client;
}

/** The clients a regisseur has a trajectory with (every client for a beheerder: undefined). */
export async function visibleClientIds(deps: Deps, actor: Actor): Promise<Set<string> | undefined> {
  if (actor.role === 'beheerder') return undefined;
  if (actor.role !== 'regisseur') return new Set();
  return new Set((await deps.store.listTrajectories({ regisseurId: actor.userId })).map((t) => t.clientId));
}

export async function getClient(deps: Deps, actor: Actor, clientId: string): Promise<Client> {
  const client = await requireClientAccess(deps, actor, clientId, 'read');
  await deps.store.appendAudit([audit(actor, clientId, 'read', 'read client', deps.clock.now())]);
  return client;
}

/** All clients, for the beheerder; names are personal data, so the read is audited: one list read naming them all. */
export async function listClients(deps: Deps, actor: Actor): Promise<Client[]> {
  requireRole(actor, 'beheerder');
  const clients = await deps.store.listClients();
  const now = deps.clock.now();
  await deps.store.recordListRead({ at: now.toISOString(), actorId: actor.userId, actorRole: actor.role, detail: 'list clients', clientIds: clients.map((c) => c.clientId) });
  return clients;
}

type ChangeField = Exclude<keyof ClientChange, 'expectedVersion'>;

/** The client with the change applied (null removes a field), and which fields really changed. */
function applyChange(client: Client, change: Omit<ClientChange, 'expectedVersion'>): { next: Client; changed: ChangeField[] } {
  const next: Record<string, unknown> = { ...client };
  const changed: ChangeField[] = [];
  for (const [key, value] of Object.entries(change) as Array<[ChangeField, unknown]>) {
    if (value === undefined) continue;
    if (JSON.stringify(value) === JSON.stringify(client[key] ?? null)) continue;
    changed.push(key);
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return { next: next as Client, changed };
}

/**
 * Changes a client's contact details, preferred language, interpreter or BSN (beheerder, or the
 * client's regisseur while her trajectory is active). Adding a BSN later takes its claim first
 * (another client's BSN: 409) and releases it if the change is not written; changing or removing
 * a recorded BSN is a correction for the beheerder only, and frees the old BSN after the write.
 * The audit entry names the fields, never their values. An unchanged client is not written.
 */
export async function updateClient(deps: Deps, actor: Actor, clientId: string, change: ClientChange): Promise<Client> {
  await requireClientAccess(deps, actor, clientId, 'write');
  const { expectedVersion, ...fields } = change;
  const wanted = {
    ...fields,
    ...(fields.bsn ? { bsn: normaliseBsn(fields.bsn) } : {}),
    ...(fields.address?.postalCode ? { address: { ...fields.address, postalCode: normalisePostalCode(fields.address.postalCode) } } : {}),
  };
  let claimed: string | undefined;
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await deps.store.getClient(clientId);
      if (!current) throw new NotFoundError(`No client ${clientId}`);
      const version = current.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== version) {
        throw new ConflictError(`The client is at version ${version} now, not ${expectedVersion}; read it again`);
      }
      const { next, changed } = applyChange(current, wanted);
      if (changed.length === 0) return current;
      if (changed.includes('bsn')) {
        if (current.bsn && actor.role !== 'beheerder') {
          throw new ForbiddenError('A recorded BSN is corrected by a beheerder');
        }
        if (next.bsn && claimed !== next.bsn) {
          await claimBsn(deps, next.bsn, clientId);
          claimed = next.bsn;
        }
      }
      const now = deps.clock.now();
      const saved: Client = { ...next, updatedAt: now.toISOString(), version: version + 1 };
      try {
        await deps.store.saveClient(saved, version);
      } catch (error) {
        if (error instanceof ConcurrentUpdateError) continue;
        throw error;
      }
      if (changed.includes('bsn') && current.bsn) await releaseQuietly(deps, current.bsn, clientId);
      await deps.store.appendAudit([audit(actor, clientId, 'update', `update client: ${changed.join(', ')}`, now)]);
      return saved;
    }
    throw new ConcurrentUpdateError('The client kept changing; try again');
  } finally {
    // A BSN claimed for a change that was not written is free again.
    if (claimed && (await deps.store.getClient(clientId))?.bsn !== claimed) await releaseQuietly(deps, claimed, clientId);
  }
}

/** Releases a BSN claim after the client is written; a failure only leaves a claim the next taker recognises as free. */
async function releaseQuietly(deps: Deps, bsn: string, clientId: string): Promise<void> {
  try {
    await releaseClaim(deps, bsnClaim(bsn), clientId);
  } catch (error) {
    deps.logger.error('BSN claim not released', { clientId, error: error instanceof Error ? error.name : 'unknown' });
  }
}
