/**
 * Telling people what is due (issue 8), in two steps the scheduler tick runs in turn:
 * 1. record: the trajectories whose next notification moment has come (a sparse index, so the
 *    read grows with what is due) are read, and each notification the rule (core/notifications/
 *    schedule.ts) says fell due since the last look is recorded, once per (task, kind,
 *    occurrence, day, recipient): the id says all five, and a second record of it changes nothing.
 *    Then the trajectory's mark moves to its next moment.
 * 2. send: the outbox (notifications whose mail is pending and due) is sent, each mail claimed
 *    first by counting the attempt, so overlapping ticks send it once; a failure is retried with
 *    backoff and, after the last attempt, shown to the beheerders as a failed delivery.
 * A tick that runs twice, two that overlap, or a crash between recording and sending never lose
 * or double a notification: what is recorded stays pending until a tick sends it. (A crash after
 * the mail server accepted a mail and before it was marked sent sends it again after the claim
 * lapses, with the same Message-ID.)
 */
import type { Deps, ReminderMark } from '../ports';
import { today } from '../rules/dates';
import { ConcurrentUpdateError } from '../errors';
import type { Client, Deadline, Notification, NotificationKind, Task, Trajectory, User } from '../schemas';
import { activeTrajectoryClaim } from './claims';
import { deadlineReminders, nextDeadlineReminder, nextDigestMoment, nextMomentAfter, occurrencesBetween, type Occurrence } from '../notifications/schedule';
import { clientInitials, renderDigest, renderNotification, trajectoryRef, type NotificationFacts } from '../notifications/templates';
import { daysOverdue } from '../trajectory/deadlines';

/** Attempts at a mail before it counts as failed, and the wait after each failed one. */
export const SEND_ATTEMPTS = 6;
const BACKOFF_MINUTES = [1, 5, 30, 120, 720];
/** How long a claimed mail is left to its sender before another tick may try it. */
const CLAIM_MINUTES = 5;

/**
 * The notification's id: its subject (a task, or a legal deadline), kind, occurrence, the day it
 * fell due and its recipient, so it is recorded once; a due date moved later makes new moments,
 * and so new notifications.
 */
export const notificationIdOf = (taskId: string, o: Pick<Occurrence, 'kind' | 'occurrence' | 'moment'>, recipientId: string) =>
  `${taskId}.${o.kind}.${o.occurrence}.${today(o.moment)}.${recipientId}`;

/**
 * A change opened or moved a task: its trajectory's mark moves to the task's next moment. Before
 * the change is saved, so a crash or a failed save in between cannot lose a reminder, the mark
 * may only come earlier: when a new task replaces the one this change closes, it goes to the
 * earlier of both tasks' next moments (the old task is still open if the save fails). Once saved,
 * the step this returns moves it on to the new task's own moment, unless something moved it
 * meanwhile. A mark too early only costs the tick one look.
 */
export async function scheduleFor(deps: Deps, before: Trajectory | undefined, after: Trajectory): Promise<(() => Promise<void>) | undefined> {
  const task = after.status === 'active' ? after.openTask : undefined;
  if (!task || !moved(before?.openTask, task)) return undefined;
  const now = deps.clock.now();
  const next = nextMomentAfter(task, now, deps.settings.notify);
  if (!next) return undefined;
  const old = before?.openTask && before.openTask.taskId !== task.taskId ? before.openTask : undefined;
  const oldNext = old ? nextMomentAfter(old, now, deps.settings.notify) : undefined;
  const first = oldNext && oldNext < next ? oldNext : next;
  await deps.notifications.markNext(after.trajectoryId, { at: first.toISOString(), taskId: task.taskId, ...(old ? { replacing: old.taskId } : {}) });
  if (first === next) return undefined;
  return () => deps.notifications.moveMark(after.trajectoryId, { taskId: task.taskId, from: first.toISOString(), to: next.toISOString() });
}

function moved(before: Task | undefined, after: Task): boolean {
  return (
    !before ||
    before.taskId !== after.taskId ||
    before.dueAt !== after.dueAt ||
    before.escalateOn !== after.escalateOn ||
    before.assigneeId !== after.assigneeId
  );
}

/**
 * Records a notification that falls due now rather than by the schedule (three contacts missed in
 * a row), to every active user of a role; the next tick sends it. Once per (task, kind,
 * occurrence, recipient), like every notification. Answers how many were recorded.
 */
export async function notifyNow(
  deps: Deps,
  args: { kind: NotificationKind; occurrence: number; trajectory: Trajectory; task: Task; to: Extract<Occurrence['to'], 'beheerder' | 'gemeente'> },
): Promise<number> {
  const now = deps.clock.now();
  const occurrence: Occurrence = { kind: args.kind, occurrence: args.occurrence, moment: now, to: args.to };
  let recorded = 0;
  for (const user of recipientsOf(occurrence, args.task, await deps.users.listUsers())) {
    if (await deps.notifications.record(notificationOf(args.trajectory, args.task, occurrence, user, now, { claimed: false }))) recorded++;
  }
  return recorded;
}

export interface NotifyResult {
  /** Trajectories whose mark had come. */
  looked: number;
  recorded: number;
  sent: number;
  retried: number;
  failed: number;
}

/**
 * The tick's notification work: record what fell due and mail it at once, then send what else the
 * outbox holds (digests at their hour, retries, mails of a tick that died). The directory is read
 * once for both.
 */
export async function notifyTick(deps: Deps): Promise<NotifyResult> {
  const now = deps.clock.now();
  let directory: User[] | undefined;
  const users = async () => (directory ??= await deps.users.listUsers());
  const { looked, recorded, fresh } = await recordDue(deps, users);
  const reminded = await recordDeadlineReminders(deps, users);
  fresh.push(...reminded);
  const result: Sending = { sent: 0, retried: 0, failed: 0 };
  if (fresh.length > 0) await sendGroups(deps, fresh.map((n) => [n]), await users(), now, result);
  await sendPending(deps, users, result);
  return { looked, recorded: recorded + reminded.length, ...result };
}

/**
 * Legal deadlines whose reminder moment has come (a sparse, time-keyed index partition): the
 * regisseur of the client's active trajectory is told, 3 months and 1 month before the date
 * (core/notifications/schedule.ts), once per reminder; then the deadline's next reminder moment
 * is stored (conditional on its version: a change meanwhile wins, and the next tick looks again).
 * A client without an active trajectory has no regisseur to tell: the reminder passes.
 * Answers what it recorded to mail now (claimed, as recordDue does).
 */
export async function recordDeadlineReminders(deps: Deps, users: () => Promise<User[]> = () => deps.users.listUsers()): Promise<Notification[]> {
  const now = deps.clock.now();
  const due = await deps.store.listDeadlinesDue(now.toISOString());
  if (due.length === 0) return [];
  const directory = await users();
  const fresh: Notification[] = [];
  for (const d of due) {
    try {
      const claim = await deps.store.getClaim(activeTrajectoryClaim(d.clientId));
      const t = claim ? await deps.store.getTrajectory(claim.ownerId) : undefined;
      const regisseur = t?.status === 'active' ? directory.find((u) => u.userId === t.regisseurId && u.role === 'regisseur' && u.active) : undefined;
      const from = Date.parse(d.remindAt!);
      if (t && regisseur) {
        for (const r of deadlineReminders(d, deps.settings.notify).filter((x) => x.moment.getTime() >= from && x.moment <= now)) {
          const notification = deadlineNotification(t, d, r, regisseur, now);
          if (await deps.notifications.record(notification)) fresh.push(notification);
        }
      }
      const next = nextDeadlineReminder(d, now, deps.settings.notify);
      const { remindAt: _done, ...rest } = d;
      try {
        await deps.store.saveDeadline({ ...rest, ...(next ? { remindAt: next.toISOString() } : {}), version: d.version + 1 }, d.version);
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error; // changed meanwhile: the next tick reads it again
      }
    } catch (error) {
      deps.logger.error('deadline reminder not recorded', { clientId: d.clientId, deadlineId: d.deadlineId, error: errorName(error) });
    }
  }
  return fresh.filter(claimedByThisTick);
}

/** Recorded to go at once, claimed by the tick that recorded it: that tick sends it. */
const claimedByThisTick = (n: Notification) => n.delivery.status === 'pending' && n.delivery.attempts > 0;

function deadlineNotification(t: Trajectory, d: Deadline, r: { occurrence: number; moment: Date }, user: User, now: Date): Notification {
  return {
    notificationId: notificationIdOf(d.deadlineId, { kind: 'legal_deadline', ...r }, user.userId),
    kind: 'legal_deadline',
    occurrence: r.occurrence,
    recipientRole: user.role,
    recipientId: user.userId,
    trajectoryId: t.trajectoryId,
    clientId: d.clientId,
    taskId: d.deadlineId,
    deadline: { deadlineId: d.deadlineId, kind: d.kind, ...(d.label ? { label: d.label } : {}) },
    dueAt: d.date,
    moment: r.moment.toISOString(),
    createdAt: now.toISOString(),
    delivery: deliveryFor(user, now, { claimed: true }),
  };
}

/**
 * Step 1: record every notification that fell due, for the trajectories whose mark has come. A
 * mail to go at once is recorded already claimed by this tick (its first attempt counted, the
 * claim's lease as its next attempt), so this tick sends it without another write to claim it,
 * no other tick sends it meanwhile, and if this one dies first a later tick sends it once the
 * lease lapses. Answers those, to send.
 */
export async function recordDue(
  deps: Deps,
  users: () => Promise<User[]> = () => deps.users.listUsers(),
): Promise<{ looked: number; recorded: number; fresh: Notification[] }> {
  const now = deps.clock.now();
  const marks = await deps.notifications.listMarksDue(now.toISOString());
  if (marks.length === 0) return { looked: 0, recorded: 0, fresh: [] };
  const directory = await users();
  const fresh: Notification[] = [];
  let recorded = 0;
  for (const mark of marks) {
    // One trajectory that fails must not keep the others' notifications back; its mark stays, so the next tick tries again.
    try {
      const mine = await recordForMark(deps, mark, directory, now);
      recorded += mine.length;
      fresh.push(...mine.filter(claimedByThisTick));
    } catch (error) {
      deps.logger.error('notifications not recorded for a trajectory', { trajectoryId: mark.trajectoryId, error: errorName(error) });
    }
  }
  return { looked: marks.length, recorded, fresh };
}

async function recordForMark(deps: Deps, mark: ReminderMark, directory: User[], now: Date): Promise<Notification[]> {
  const t = await deps.store.getTrajectory(mark.trajectoryId);
  const task = t?.status === 'active' ? t.openTask : undefined;
  if (!t || !task) {
    await deps.notifications.replaceMark(mark, null);
    return [];
  }
  // From where the last look at this task stopped; a task not looked at yet, from its opening.
  const from = mark.taskId === task.taskId && mark.through ? new Date(mark.through) : new Date(task.openedAt);
  const recorded: Notification[] = [];
  for (const occurrence of occurrencesBetween(task, from, now, deps.settings.notify)) {
    for (const user of recipientsOf(occurrence, task, directory)) {
      const notification = notificationOf(t, task, occurrence, user, now, { claimed: true });
      if (await deps.notifications.record(notification)) recorded.push(notification);
    }
  }
  const next = nextMomentAfter(task, now, deps.settings.notify);
  // A change in between (a new task, an earlier mark) wins: the next tick looks again.
  await deps.notifications.replaceMark(
    mark,
    next ? { trajectoryId: t.trajectoryId, at: next.toISOString(), taskId: task.taskId, through: now.toISOString() } : null,
  );
  return recorded;
}

/** Who is told: the task's assignee, or every active user of a role; someone not (or no longer) in the directory is not. */
function recipientsOf(o: Occurrence, task: Task, directory: User[]): User[] {
  if (o.to === 'assignee') {
    const assignee = directory.find((u) => u.userId === task.assigneeId && u.role === task.assigneeRole && u.active);
    return assignee ? [assignee] : [];
  }
  return directory.filter((u) => u.role === o.to && u.active);
}

function notificationOf(t: Trajectory, task: Task, o: Occurrence, user: User, now: Date, options: { claimed: boolean }): Notification {
  return {
    notificationId: notificationIdOf(task.taskId, o, user.userId),
    kind: o.kind,
    occurrence: o.occurrence,
    recipientRole: user.role,
    recipientId: user.userId,
    trajectoryId: t.trajectoryId,
    clientId: t.clientId,
    taskId: task.taskId,
    taskType: task.type,
    dueAt: task.dueAt,
    moment: o.moment.toISOString(),
    createdAt: now.toISOString(),
    delivery: deliveryFor(user, now, options),
  };
}

/**
 * How a new notification's mail goes, by the recipient's preference: none (skipped), in the next
 * digest, or at once; `claimed` records a mail to go at once as claimed by this tick (recordDue).
 */
function deliveryFor(user: User, now: Date, options: { claimed: boolean }): Notification['delivery'] {
  const channel = user.preferences.email;
  if (channel === 'none') return { channel, status: 'skipped', attempts: 0 };
  if (channel === 'digest') return { channel, status: 'pending', attempts: 0, nextAttemptAt: nextDigestMoment(now, user.preferences.digestHour).toISOString() };
  return { channel, status: 'pending', attempts: options.claimed ? 1 : 0, nextAttemptAt: (options.claimed ? leaseFrom(now) : now).toISOString() };
}

// ---------- Sending ----------

type Sending = Pick<NotifyResult, 'sent' | 'retried' | 'failed'>;

/** Step 2: sends every pending mail that is due, each on its own, a digest's items in one mail per recipient. */
export async function sendPending(
  deps: Deps,
  users: () => Promise<User[]> = () => deps.users.listUsers(),
  result: Sending = { sent: 0, retried: 0, failed: 0 },
): Promise<Sending> {
  const now = deps.clock.now();
  const pending = await deps.notifications.listSendable(now.toISOString());
  if (pending.length === 0) return result;
  const current = await stillOpen(deps, pending, now);
  const groups = new Map<string, Notification[]>();
  for (const n of current) {
    const key = n.delivery.channel === 'digest' ? `digest:${n.recipientRole}:${n.recipientId}` : `each:${n.notificationId}`;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  const claimed: Notification[][] = [];
  for (const group of groups.values()) {
    const mine = await claim(deps, group, now);
    if (mine.length > 0) claimed.push(mine);
  }
  await sendGroups(deps, claimed, await users(), now, result);
  return result;
}

/** Sends groups this tick has claimed (one mail each) and settles each notification by the outcome. */
async function sendGroups(deps: Deps, groups: Notification[][], directory: User[], now: Date, result: Sending): Promise<void> {
  if (groups.length === 0) return;
  const users = new Map(directory.map((u) => [u.userId, u]));
  const clients = await clientsOf(deps, groups.flat(), now);
  for (const group of groups) {
    // One mail that fails to be settled must not hold back the others; it is tried again once its claim lapses.
    try {
      const outcome = await sendGroup(deps, group, users.get(group[0]!.recipientId), clients, now);
      for (const n of group) await settle(deps, n, outcome, now, result);
    } catch (error) {
      deps.logger.error('notification mail not settled', { notificationId: group[0]!.notificationId, error: errorName(error) });
    }
  }
}

/**
 * A notification recorded before this tick (a digest's, a retried one) whose task is no longer
 * open is not mailed any more (skipped): the regisseur already did it. Those recorded in this
 * tick were read open a moment ago.
 */
async function stillOpen(deps: Deps, pending: Notification[], now: Date): Promise<Notification[]> {
  const earlier = pending.filter((n) => n.createdAt < now.toISOString());
  const ids = [...new Set(earlier.filter((n) => !n.deadline).map((n) => n.trajectoryId))];
  const open = new Map(
    await Promise.all(ids.map(async (id) => [id, (await deps.store.getTrajectory(id))?.openTask?.taskId] as const)),
  );
  // A deadline's reminder is still worth sending while the deadline is open.
  const deadlines = earlier.filter((n) => n.deadline);
  const openDeadlines = new Set(
    (await Promise.all(deadlines.map(async (n) => ((await deps.store.getDeadline(n.clientId, n.deadline!.deadlineId))?.resolvedAt ? undefined : n.taskId)))).filter(Boolean),
  );
  const current: Notification[] = [];
  for (const n of pending) {
    if (n.createdAt >= now.toISOString() || (n.deadline ? openDeadlines.has(n.taskId) : open.get(n.trajectoryId) === n.taskId)) {
      current.push(n);
      continue;
    }
    const { nextAttemptAt: _next, ...rest } = n.delivery;
    await deps.notifications.updateDelivery(n.notificationId, n.delivery.attempts, { ...rest, status: 'skipped', lastError: 'TaskDone' });
  }
  return current;
}

/** The clients named (by initials) in the mails; reading them is audited once per client. */
async function clientsOf(deps: Deps, pending: Notification[], now: Date): Promise<Map<string, Client>> {
  const ids = [...new Set(pending.map((n) => n.clientId))];
  const clients = await deps.store.getClients(ids);
  await deps.store.appendAudit(
    clients.map((c) => ({ clientId: c.clientId, at: now.toISOString(), actorId: 'notifications', actorRole: 'system', action: 'read', detail: 'initials for notification mails' })),
  );
  return new Map(clients.map((c) => [c.clientId, c]));
}

const leaseFrom = (now: Date) => new Date(now.getTime() + CLAIM_MINUTES * 60_000);

/** Counts the attempt on each mail of the group; those another sender counted first are left to it. */
async function claim(deps: Deps, group: Notification[], now: Date): Promise<Notification[]> {
  const lease = leaseFrom(now).toISOString();
  const claimed: Notification[] = [];
  for (const n of group) {
    const delivery = { ...n.delivery, attempts: n.delivery.attempts + 1, nextAttemptAt: lease };
    if (await deps.notifications.updateDelivery(n.notificationId, n.delivery.attempts, delivery)) claimed.push({ ...n, delivery });
  }
  return claimed;
}

/** A mail to someone no longer active is not sent (skipped); one the mail service refused for good is not retried. */
type Outcome = { ok: true } | { ok: false; error: string; skip?: boolean; permanent?: boolean };

async function sendGroup(deps: Deps, group: Notification[], recipient: User | undefined, clients: Map<string, Client>, now: Date): Promise<Outcome> {
  if (!recipient?.active) return { ok: false, error: 'RecipientInactive', skip: true };
  const facts = group.map((n) => factsOf(deps, n, recipient, clients.get(n.clientId)));
  const first = group[0]!;
  const content =
    first.delivery.channel === 'digest' ? renderDigest(recipient.displayName, today(now), facts) : renderNotification(facts[0]!);
  // A digest is one mail a day: its id names the recipient and the day, the same on a retry.
  const messageId = first.delivery.channel === 'digest' ? `digest.${recipient.userId}.${today(now)}` : first.notificationId;
  try {
    await deps.mailer.send({ to: recipient.email, ...content, messageId });
    return { ok: true };
  } catch (error) {
    const permanent = (error as { permanent?: unknown }).permanent === true;
    deps.logger.warn('notification mail not sent', { notificationId: first.notificationId, count: group.length, error: errorName(error), permanent });
    return { ok: false, error: errorName(error), ...(permanent ? { permanent } : {}) };
  }
}

function factsOf(deps: Deps, n: Notification, recipient: User, client: Client | undefined): NotificationFacts {
  return {
    kind: n.kind,
    occurrence: n.occurrence,
    ...(n.taskType ? { taskType: n.taskType } : {}),
    ...(n.deadline ? { deadline: { kind: n.deadline.kind, ...(n.deadline.label ? { label: n.deadline.label } : {}) } } : {}),
    dueAt: n.dueAt,
    daysOverdue: n.deadline ? 0 : daysOverdue({ dueAt: n.dueAt }, new Date(n.moment)),
    clientInitials: client ? clientInitials(client.firstName, client.lastName) : '?',
    trajectoryRef: trajectoryRef(n.trajectoryId),
    // A task's mail opens the task; a deadline's, the trajectory.
    link: n.deadline
      ? `${deps.settings.appBaseUrl}/trajectories/${encodeURIComponent(n.trajectoryId)}`
      : `${deps.settings.appBaseUrl}/tasks/${encodeURIComponent(n.taskId)}`,
    recipientName: recipient.displayName,
  };
}

async function settle(deps: Deps, n: Notification, outcome: Outcome, now: Date, result: Sending): Promise<void> {
  const { attempts } = n.delivery;
  if (outcome.ok) {
    const { nextAttemptAt: _next, lastError: _error, ...rest } = n.delivery;
    await deps.notifications.updateDelivery(n.notificationId, attempts, { ...rest, status: 'sent', sentAt: now.toISOString() });
    result.sent++;
    return;
  }
  if (outcome.skip) {
    const { nextAttemptAt: _next, ...rest } = n.delivery;
    await deps.notifications.updateDelivery(n.notificationId, attempts, { ...rest, status: 'skipped', lastError: outcome.error });
    return;
  }
  if (outcome.permanent || attempts >= SEND_ATTEMPTS) {
    await deps.notifications.updateDelivery(n.notificationId, attempts, {
      ...n.delivery,
      status: 'failed',
      nextAttemptAt: now.toISOString(),
      lastError: outcome.error,
    });
    deps.logger.error('notification mail failed for good', { notificationId: n.notificationId, attempts, error: outcome.error });
    result.failed++;
    return;
  }
  const wait = BACKOFF_MINUTES[Math.min(attempts, BACKOFF_MINUTES.length) - 1]!;
  await deps.notifications.updateDelivery(n.notificationId, attempts, {
    ...n.delivery,
    nextAttemptAt: new Date(now.getTime() + wait * 60_000).toISOString(),
    lastError: outcome.error,
  });
  result.retried++;
}

/** The error's name and, for a mail service's refusal, its code: never its message, which may quote an address. */
const errorName = (error: unknown) => {
  if (!(error instanceof Error)) return 'unknown';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name}:${code}` : error.name;
};
