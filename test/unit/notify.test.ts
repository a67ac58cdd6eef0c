/**
 * Notifications over a trajectory's first months against in-memory fakes: exactly the expected
 * ones per kind and recipient, none twice with two ticks at once on every look, mails as the
 * preferences say (each, the daily digest, none), retries and failure, a crash between recording
 * and sending, and the inbox.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor, User } from '../../core/schemas';
import { DEFAULT_PREFERENCES } from '../../core/schemas';
import { registerClient } from '../../core/usecases/clients';
import { beheerNotifications, markAllRead, markRead, myNotifications } from '../../core/usecases/inbox';
import { recordDue, sendPending, SEND_ATTEMPTS } from '../../core/usecases/notify';
import { tick } from '../../core/usecases/oversight';
import { completeTask } from '../../core/usecases/tasks';
import { changeInterval, startTrajectory } from '../../core/usecases/trajectories';
import { addDeadline, resolveDeadline } from '../../core/usecases/deadlines';
import { fakeWorld, type FakeWorld } from '../support/fakes';

const beheerder: Actor = { userId: 'bea', role: 'beheerder' };
const rita: Actor = { userId: 'rita', role: 'regisseur' };

let world: FakeWorld;
let trajectoryId: string;
let clientId: string;

function user(userId: string, role: User['role'], extra: Partial<User> = {}): User {
  return {
    userId,
    displayName: userId[0]!.toUpperCase() + userId.slice(1),
    email: `${userId}@example.nl`,
    role,
    active: true,
    preferences: DEFAULT_PREFERENCES,
    createdAt: '2025-01-01T00:00:00.000Z',
    createdBy: 'admin',
    updatedAt: '2025-01-01T00:00:00.000Z',
    version: 1,
    ...extra,
  };
}

/** 09:00 Amsterdam on a winter or summer day (the tests' ticks run then). */
const nine = (day: string) => `${day}T${day >= '2025-03-30' && day < '2025-10-26' ? '07' : '08'}:00:00.000Z`;

/** Every day from `from` up to and including `to`, the tick runs twice at once at 09:00; `on` runs first on a day. */
async function days(from: string, to: string, on: Record<string, () => Promise<unknown>> = {}) {
  for (let d = new Date(`${from}T12:00:00Z`); d <= new Date(`${to}T12:00:00Z`); d = new Date(d.getTime() + 86_400_000)) {
    const day = d.toISOString().slice(0, 10);
    world.at(nine(day));
    await Promise.all([tick(world.deps), tick(world.deps)]);
    await on[day]?.();
  }
}

const openTaskId = () => world.store.trajectories.get(trajectoryId)!.openTask!.taskId;
const complete = (body: Record<string, unknown>) => () => completeTask(world.deps, rita, openTaskId(), body);
const notes = () => [...world.notifications.notes.values()];
const kinds = (recipient: string) => notes().filter((n) => n.recipientId === recipient).map((n) => `${n.kind}#${n.occurrence}@${n.moment.slice(0, 10)}`).sort();

beforeEach(async () => {
  world = fakeWorld('2025-01-20T09:00:00.000Z');
  for (const u of [
    user('rita', 'regisseur'),
    user('bea', 'beheerder'),
    user('ben', 'beheerder', { preferences: { email: 'digest', digestHour: 7 } }),
    user('stil', 'beheerder', { preferences: { email: 'none', digestHour: 7 } }),
    user('oud', 'beheerder', { active: false }),
    user('klantregie', 'gemeente'),
  ]) {
    await world.users.createUser(u);
  }
  const client = await registerClient(world.deps, beheerder, { firstName: 'Amal', lastName: 'Haddad', birthDate: '1990-03-01', settledOn: '2025-01-15', bsn: '123456782' });
  clientId = client.clientId;
  trajectoryId = (await startTrajectory(world.deps, beheerder, { clientId: client.clientId, regisseurId: 'rita' })).trajectoryId;
});

describe('over the first months of a trajectory', () => {
  beforeEach(async () => {
    await days('2025-01-20', '2025-10-12', {
      '2025-07-15': complete({ heldOn: '2025-07-15', location: 'home' }),
      '2025-08-20': complete({ agreedOn: '2025-08-20', location: 'home', goals: [], baseline: { scores: { finances: 2, housing: 3 } } }),
      '2025-10-10': complete({ heldOn: '2025-10-10', location: 'library' }),
    });
  });

  it('records exactly the expected notifications, once each, with two ticks at every look', () => {
    expect(kinds('rita')).toEqual([
      // Kennismaking due 15 July, done that day; POP due 15 August, done 20 August; the first contact due 20 September, done 10 October.
      'due#1@2025-07-15',
      'due#1@2025-08-15',
      'due#1@2025-09-20',
      'overdue#1@2025-09-27',
      'overdue#2@2025-10-04',
      'reminder#1@2025-07-08',
      'reminder#1@2025-08-08',
      'reminder#1@2025-09-13',
    ]);
    // The escalation at 00:00 on 4 October (due + 14 days) goes to every active beheerder.
    for (const b of ['bea', 'ben', 'stil']) expect(kinds(b)).toEqual(['escalation#1@2025-10-03']);
    expect(kinds('oud')).toEqual([]);
    expect(kinds('klantregie')).toEqual([]);
    expect(new Set(notes().map((n) => n.notificationId)).size).toBe(notes().length);
  });

  it('mails each notification once as the preferences say: at once, in one digest a day, or not at all', () => {
    const to = (address: string) => world.mailer.sent.filter((m) => m.to === address);
    expect(to('rita@example.nl')).toHaveLength(8);
    expect(to('bea@example.nl')).toHaveLength(1);
    expect(to('ben@example.nl')).toHaveLength(1); // the digest of 5 October, 07:00
    expect(to('stil@example.nl')).toHaveLength(0);
    expect(new Set(world.mailer.sent.map((m) => m.messageId)).size).toBe(world.mailer.sent.length);
    expect(notes().filter((n) => n.recipientId === 'stil').map((n) => n.delivery.status)).toEqual(['skipped']);
    expect(notes().filter((n) => n.recipientId !== 'stil').every((n) => n.delivery.status === 'sent')).toBe(true);
  });

  it('names the client by initials only: never the full name or the BSN', () => {
    for (const mail of world.mailer.sent) {
      const all = `${mail.subject}\n${mail.text}\n${mail.html}`;
      expect(all).not.toMatch(/Amal|Haddad|123456782/);
    }
    expect(world.mailer.sent.some((m) => m.text.includes(`/tasks/`))).toBe(true);
  });

  it('shows the regisseur her inbox, unread first, with the full name of her own client; marks read', async () => {
    const page = await myNotifications(world.deps, rita, { limit: 5 });
    expect(page.items).toHaveLength(5);
    expect(page.cursor).toBeDefined();
    expect(page.items[0]).toMatchObject({ clientName: 'Amal Haddad', notification: { recipientId: 'rita' } });
    const rest = await myNotifications(world.deps, rita, { limit: 5, cursor: page.cursor! });
    expect(rest.items).toHaveLength(3);
    expect(rest.cursor).toBeUndefined();

    const oldest = rest.items.at(-1)!.notification.notificationId;
    expect((await markRead(world.deps, rita, oldest)).readAt).toBeDefined();
    expect((await myNotifications(world.deps, rita, { limit: 10 })).items.at(-1)!.notification.notificationId).toBe(oldest);
    expect(await markAllRead(world.deps, rita)).toBe(7);
    // Someone else's notification is not found.
    const beas = notes().find((n) => n.recipientId === 'bea')!.notificationId;
    await expect(markRead(world.deps, rita, beas)).rejects.toThrow(/No notification/);
    // A beheerder's inbox never names the client.
    expect((await myNotifications(world.deps, beheerder, { limit: 10 })).items[0]!.clientName).toBeUndefined();
  });
});

describe('legal deadlines', () => {
  it("reminds the client's regisseur 3 months and 1 month before, once each, naming the deadline but not the client", async () => {
    world.at('2025-02-01T09:00:00.000Z');
    const permit = await addDeadline(world.deps, beheerder, clientId, { kind: 'residence_permit_expiry', date: '2025-08-20' });
    const done = await addDeadline(world.deps, beheerder, clientId, { kind: 'other', label: 'Huurcontract', date: '2025-06-10' });
    await resolveDeadline(world.deps, beheerder, clientId, done.deadlineId);
    await days('2025-02-01', '2025-08-25');
    const reminders = notes().filter((n) => n.kind === 'legal_deadline');
    expect(reminders.map((n) => `${n.recipientId}:${n.occurrence}@${n.moment.slice(0, 10)}:${n.taskId}`)).toEqual([
      `rita:1@2025-05-20:${permit.deadlineId}`,
      `rita:2@2025-07-20:${permit.deadlineId}`,
    ]);
    const mails = world.mailer.sent.filter((m) => m.messageId.includes('legal_deadline'));
    expect(mails).toHaveLength(2);
    expect(mails[0]!.subject).toMatch(/verblijfsvergunning/);
    expect(mails[0]!.text).toContain(`/trajectories/${trajectoryId}`);
    for (const m of mails) expect(`${m.subject}${m.text}${m.html}`).not.toMatch(/Amal|Haddad|123456782/);
    // Both reminders are done: the deadline left the tick's index.
    expect(await world.store.listDeadlinesDue('2030-01-01T00:00:00.000Z')).toEqual([]);
  });
});

describe('a due date that moves', () => {
  it('reminds of the new date: a moved contact gets its own reminder and due-day mail', async () => {
    await days('2025-01-20', '2025-09-22', {
      '2025-07-15': complete({ heldOn: '2025-07-15', location: 'home' }),
      '2025-08-20': complete({ agreedOn: '2025-08-20', location: 'home', goals: [], baseline: { scores: { finances: 2 } } }),
      // The contact was due 20 September (reminded 13th, due mail 20th); now every three months: due 20 November.
      '2025-09-22': () => changeInterval(world.deps, rita, trajectoryId, 3),
    });
    await days('2025-09-23', '2025-11-21');
    const contact = kinds('rita').filter((k) => k.endsWith('-09-13') || k.endsWith('-09-20') || k.startsWith('reminder#1@2025-11') || k.startsWith('due#1@2025-11'));
    expect(contact).toEqual(['due#1@2025-09-20', 'due#1@2025-11-20', 'reminder#1@2025-09-13', 'reminder#1@2025-11-13']);
    expect(kinds('rita').filter((k) => k.startsWith('overdue'))).toEqual([]);
  });
});

describe('sending', () => {
  /** Moves the clock to 8 July 2025 09:00: the kennismaking's reminder is due. */
  const reminderDay = () => world.at(nine('2025-07-08'));

  it('retries a failing mail with backoff, then shows it to the beheerders as failed and counts it for the alarm', async () => {
    reminderDay();
    world.mailer.failing = 1_000;
    await tick(world.deps);
    for (let minute = 0; minute < 24 * 60; minute += 15) {
      world.at(new Date(Date.parse(nine('2025-07-08')) + minute * 60_000).toISOString());
      await tick(world.deps);
    }
    const [reminder] = notes();
    expect(reminder!.delivery).toMatchObject({ status: 'failed', attempts: SEND_ATTEMPTS, lastError: 'Error' });
    expect(world.gauges.filter(([name, value]) => name === 'NotificationsFailed' && value > 0)).toEqual([['NotificationsFailed', 1]]);
    const list = await beheerNotifications(world.deps, beheerder);
    expect(list.failedDeliveries.map((n) => n.notificationId)).toEqual([reminder!.notificationId]);
  });

  const at = (minutes: number) => new Date(Date.parse(nine('2025-07-08')) + minutes * 60_000).toISOString();

  it("sends what was recorded before a crash, once, when the dead tick's claim lapses", async () => {
    reminderDay();
    await recordDue(world.deps); // ... and the process dies before sending
    expect(notes()[0]!.delivery).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: at(5) });
    await Promise.all([tick(world.deps), tick(world.deps)]);
    expect(world.mailer.sent).toHaveLength(0);
    world.at(at(5));
    await Promise.all([tick(world.deps), tick(world.deps)]);
    expect(world.mailer.sent).toHaveLength(1);
    await tick(world.deps);
    expect(world.mailer.sent).toHaveLength(1);
  });

  it('sends a mail claimed by a sender that died after the claim, once that claim lapses', async () => {
    reminderDay();
    await recordDue(world.deps);
    const [n] = notes();
    world.at(at(5));
    // Another tick claimed it (its second attempt) and died before sending.
    expect(await world.deps.notifications.updateDelivery(n!.notificationId, 1, { ...n!.delivery, attempts: 2, nextAttemptAt: at(10) })).toBe(true);
    await sendPending(world.deps);
    expect(world.mailer.sent).toHaveLength(0);
    world.at(at(10));
    await sendPending(world.deps);
    expect(world.mailer.sent).toHaveLength(1);
    expect(notes()[0]!.delivery).toMatchObject({ status: 'sent', attempts: 3 });
  });
});
