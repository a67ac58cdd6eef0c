/**
 * A client's legal deadlines: the residence permit's expiry, the end of the inburgering term, an
 * exemption window, or another with a label. Each is an item of its own under the client
 * (CLIENT#id / DEADLINE#deadlineId), so a client's deadlines are one query and a change to one
 * never races a change to the client. Added and resolved by the beheerder or the client's
 * regisseur (an active trajectory), read by whoever may see the client; every read and change is
 * audited. `deadlinesOf` is the system's read (the trajectory view, the reminders 3 and 1 months
 * before a date).
 */
import { ConcurrentUpdateError, NotFoundError } from '../errors';
import type { Deps } from '../ports';
import type { Actor, Deadline, NewDeadline } from '../schemas';
import { audit } from './access';
import { requireClientAccess } from './clients';
import { nextDeadlineReminder } from '../notifications/schedule';

const ATTEMPTS = 5;

/**
 * A client's deadlines by date, without an access check or an audit entry (the caller does
 * both, or is the system): the open ones, or with `includeResolved` all of them.
 */
export async function deadlinesOf(deps: Deps, clientId: string, options: { includeResolved?: boolean } = {}): Promise<Deadline[]> {
  const all = await deps.store.listDeadlines(clientId);
  return options.includeResolved ? all : all.filter((d) => !d.resolvedAt);
}

export async function addDeadline(deps: Deps, actor: Actor, clientId: string, input: NewDeadline): Promise<Deadline> {
  await requireClientAccess(deps, actor, clientId, 'write');
  const now = deps.clock.now();
  const deadline: Deadline = {
    deadlineId: deps.ids.next(),
    clientId,
    kind: input.kind,
    ...(input.label ? { label: input.label } : {}),
    date: input.date,
    ...(input.note ? { note: input.note } : {}),
    createdAt: now.toISOString(),
    createdBy: actor.userId,
    version: 1,
  };
  const remindAt = nextDeadlineReminder(deadline, now, deps.settings.notify);
  if (remindAt) deadline.remindAt = remindAt.toISOString();
  await deps.store.saveDeadline(deadline, null);
  await deps.store.appendAudit([audit(actor, clientId, 'update', `add deadline ${deadline.deadlineId} (${deadline.kind})`, now)]);
  return deadline;
}

/** Every deadline of the client, open and resolved, by date; the read is audited. */
export async function listDeadlines(deps: Deps, actor: Actor, clientId: string): Promise<Deadline[]> {
  await requireClientAccess(deps, actor, clientId, 'read');
  const deadlines = await deadlinesOf(deps, clientId, { includeResolved: true });
  await deps.store.appendAudit([audit(actor, clientId, 'read', 'read deadlines', deps.clock.now())]);
  return deadlines;
}

/** Marks a deadline dealt with (or no longer relevant): it leaves the trajectory view and gets no reminders. Once; a repeat answers it as it is. */
export async function resolveDeadline(deps: Deps, actor: Actor, clientId: string, deadlineId: string): Promise<Deadline> {
  await requireClientAccess(deps, actor, clientId, 'write');
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await deps.store.getDeadline(clientId, deadlineId);
    if (!current) throw new NotFoundError(`No deadline ${deadlineId}`);
    if (current.resolvedAt) return current;
    const now = deps.clock.now();
    const { remindAt: _noMoreReminders, ...rest } = current;
    const resolved: Deadline = { ...rest, resolvedAt: now.toISOString(), resolvedBy: actor.userId, version: current.version + 1 };
    try {
      await deps.store.saveDeadline(resolved, current.version);
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) continue;
      throw error;
    }
    await deps.store.appendAudit([audit(actor, clientId, 'update', `resolve deadline ${deadlineId}`, now)]);
    return resolved;
  }
  throw new ConcurrentUpdateError('The deadline kept changing; try again');
}
