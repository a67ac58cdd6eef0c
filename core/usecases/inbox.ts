/**
 * A user's notifications in the app (the inbox always has them, whatever the e-mail preference),
 * and the beheerders' list of escalations and failed deliveries.
 */
import { NotFoundError } from '../errors';
import type { Deps } from '../ports';
import type { Actor, Client, Escalation, Notification } from '../schemas';
import { audit, requireRole } from './access';

export interface InboxItem {
  notification: Notification;
  /** The client's full name: only to the client's own regisseur. */
  clientName?: string;
}

const me = (actor: Actor) => ({ role: actor.role, id: actor.userId });

/** The caller's notifications, unread first and newest first, a page at a time. */
export async function myNotifications(deps: Deps, actor: Actor, page: { limit: number; cursor?: string }): Promise<{ items: InboxItem[]; cursor?: string }> {
  const { items, cursor } = await deps.notifications.listInbox(me(actor), page);
  const named = actor.role === 'regisseur' ? await ownClients(deps, actor, items) : new Map<string, Client>();
  return {
    items: items.map((notification) => {
      const client = named.get(notification.clientId);
      return { notification, ...(client ? { clientName: `${client.firstName} ${client.lastName}` } : {}) };
    }),
    ...(cursor ? { cursor } : {}),
  };
}

/** The clients of the notifications whose trajectory is the regisseur's own; the read is audited once per client. */
async function ownClients(deps: Deps, actor: Actor, items: Notification[]): Promise<Map<string, Client>> {
  if (items.length === 0) return new Map();
  const own = new Set((await deps.store.listTrajectories({ regisseurId: actor.userId })).map((t) => t.trajectoryId));
  const clientIds = [...new Set(items.filter((n) => own.has(n.trajectoryId)).map((n) => n.clientId))];
  if (clientIds.length === 0) return new Map();
  const clients = await deps.store.getClients(clientIds);
  const now = deps.clock.now();
  await deps.store.appendAudit(clients.map((c) => audit(actor, c.clientId, 'read', 'notifications inbox', now)));
  return new Map(clients.map((c) => [c.clientId, c]));
}

export async function markRead(deps: Deps, actor: Actor, notificationId: string): Promise<Notification> {
  const at = deps.clock.now().toISOString();
  if (!(await deps.notifications.markRead(me(actor), notificationId, at))) throw new NotFoundError(`No notification ${notificationId}`);
  return (await deps.notifications.get(notificationId))!;
}

/** Marks every unread notification of the caller read; answers how many. */
export async function markAllRead(deps: Deps, actor: Actor): Promise<number> {
  const at = deps.clock.now().toISOString();
  let marked = 0;
  // Unread come first: page on until a page holds a read one (or the inbox ends).
  let cursor: string | undefined;
  do {
    const page = await deps.notifications.listInbox(me(actor), { limit: 100, ...(cursor ? { cursor } : {}) });
    const unread = page.items.filter((n) => !n.readAt);
    for (const n of unread) if (await deps.notifications.markRead(me(actor), n.notificationId, at)) marked++;
    if (unread.length < page.items.length) return marked;
    cursor = page.cursor;
  } while (cursor);
  return marked;
}

export interface BeheerNotifications {
  /** Escalations of overdue tasks, each resolved once its task is done. */
  escalations: Array<Escalation & { resolved: boolean }>;
  /** Notifications whose mail failed on every attempt. */
  failedDeliveries: Notification[];
}

export async function beheerNotifications(deps: Deps, actor: Actor): Promise<BeheerNotifications> {
  requireRole(actor, 'beheerder');
  const [escalations, failedDeliveries] = await Promise.all([deps.store.listEscalations(), deps.notifications.listFailed()]);
  return { escalations: escalations.map((e) => ({ ...e, resolved: e.resolvedAt !== undefined })), failedDeliveries };
}
