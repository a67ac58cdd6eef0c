import { NotFoundError } from '../errors';
import type { Deps } from '../ports';
import { normaliseBsn } from '../rules/bsn';
import { today } from '../rules/dates';
import { ValidationError } from '../errors';
import type { Actor, Client, NewClient } from '../schemas';
import { audit, requireRole } from './access';
import { bsnClaim, takeClaim } from './claims';

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
    ...(input.address?.postalCode
      ? { address: { ...input.address, postalCode: input.address.postalCode.toUpperCase().replace(/^(\d{4}) ?/, '$1 ') } }
      : {}),
    clientId: deps.ids.next(),
    createdAt: now.toISOString(),
    createdBy: actor.userId,
  };
  if (client.bsn) {
    await takeClaim(
      deps,
      bsnClaim(client.bsn),
      client.clientId,
      async (id) => (await deps.store.getClient(id)) !== undefined,
      'A client with this BSN is already registered',
    );
  }
  await deps.store.createClient(client);
  await deps.store.appendAudit([audit(actor, client.clientId, 'create', 'register client', now)]);
  return client;
}

export async function getClient(deps: Deps, actor: Actor, clientId: string): Promise<Client> {
  requireRole(actor, 'beheerder', 'regisseur');
  const client = await deps.store.getClient(clientId);
  if (!client) throw new NotFoundError(`No client ${clientId}`);
  if (actor.role === 'regisseur') {
    const own = await deps.store.listTrajectories({ regisseurId: actor.userId });
    if (!own.some((t) => t.clientId === clientId)) throw new NotFoundError(`No client ${clientId}`);
  }
  await deps.store.appendAudit([audit(actor, clientId, 'read', 'read client', deps.clock.now())]);
  return client;
}

/** All clients, for the beheerder; names are personal data, so the read is audited per client. */
export async function listClients(deps: Deps, actor: Actor): Promise<Client[]> {
  requireRole(actor, 'beheerder');
  const clients = await deps.store.listClients();
  const now = deps.clock.now();
  await deps.store.appendAudit(clients.map((c) => audit(actor, c.clientId, 'read', 'list clients', now)));
  return clients;
}
