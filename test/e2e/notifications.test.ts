/**
 * Notifications end to end, on the local runtime with its virtual clock and a real SMTP server on
 * loopback: two trajectories driven through three years, with a contact held late and a handover
 * left waiting; after every clock move the tick runs twice more, at once. Then exactly the
 * notifications the rule expects are in the inboxes, each mailed once (or in one digest a day),
 * with Dutch texts that never carry a client's name or BSN. And a SIGKILL between recording and
 * sending loses nothing and doubles nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { occurrencesBetween } from '../../core/notifications/schedule';
import { notificationIdOf } from '../../core/usecases/notify';
import { tick } from '../../core/usecases/oversight';
import { addDays, daysBetween } from '../../core/rules/dates';
import { startRuntime, type Runtime } from '../../local/runtime';
import type { Trajectory } from '../../core/schemas';
import { addUsers, as, eventually, type Caller } from '../support/api-client';
import { startChildRuntime } from '../support/child-runtime';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

const CLIENTS = {
  A: { firstName: 'Amal', lastName: 'Haddad', birthDate: '1990-03-01', settledOn: '2025-01-15', bsn: '123456782' },
  B: { firstName: 'Yonas', lastName: 'Tesfamariam', birthDate: '1988-11-20', settledOn: '2025-01-15', bsn: '111222333' },
};
const PRIVATE = /Amal|Haddad|123456782|Yonas|Tesfamariam|111222333/;

async function allNotifications(user: Caller): Promise<Array<{ notificationId: string; kind: string; read: boolean; clientName?: string }>> {
  const all = [];
  let cursor: string | undefined;
  do {
    const { status, body } = await user.get(`/me/notifications?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(status).toBe(200);
    all.push(...body.notifications);
    cursor = body.cursor;
  } while (cursor);
  return all;
}

describe('three years of two trajectories', () => {
  let sink: SmtpSink;
  let runtime: Runtime;
  let dataDir: string;
  let admin: Caller, bea: Caller, rita: Caller, ravi: Caller, klantregie: Caller;
  const ids: Record<'A' | 'B', string> = { A: '', B: '' };

  beforeAll(async () => {
    sink = await startSmtpSink();
    dataDir = await mkdtemp(join(tmpdir(), 'trajectregie-notify-'));
    runtime = await startRuntime({ DATA_DIR: dataDir, CLOCK: 'virtual', CLOCK_START: '2025-01-15', PORT: '0', SMTP_URL: sink.url, POWERTOOLS_LOG_LEVEL: 'ERROR' });
    admin = await as(runtime.url, dataDir, 'beheerder', 'admin');
    await addUsers(admin, { userId: 'bea', role: 'beheerder' }, { userId: 'rita', role: 'regisseur' }, { userId: 'ravi', role: 'regisseur' }, { userId: 'klantregie', role: 'gemeente' });
    [bea, rita, ravi, klantregie] = await Promise.all([
      as(runtime.url, dataDir, 'beheerder', 'bea'),
      as(runtime.url, dataDir, 'regisseur', 'rita'),
      as(runtime.url, dataDir, 'regisseur', 'ravi'),
      as(runtime.url, dataDir, 'gemeente', 'klantregie'),
    ]);
    expect((await ravi.put('/me/preferences', { email: 'digest', digestHour: 7 })).status).toBe(200);

    for (const [key, regisseurId] of [['A', 'rita'], ['B', 'ravi']] as const) {
      const client = await admin.post('/clients', CLIENTS[key]);
      const started = await admin.post('/trajectories', { clientId: client.body.clientId, regisseurId });
      expect(started.status).toBe(201);
      ids[key] = started.body.trajectoryId;
    }
    await drive();
  }, 300_000);

  afterAll(async () => {
    await runtime?.stop();
    await sink?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const contactsHeld = { A: 0, B: 0 };

  /**
   * Both trajectories to their end: each task completed on its due date, but the third contact
   * 20 days late for A and 10 for B (whose regisseur reads a daily digest, which leaves out what
   * is done by then), and A's handover acknowledged after 10 days.
   */
  async function drive() {
    const now = async () => (await admin.post<{ now: string }>('/local/clock', { advanceDays: 0 })).body.now;
    for (let step = 0; step < 200; step++) {
      const open: Array<{ key: 'A' | 'B'; task: NonNullable<Trajectory['openTask']> }> = [];
      for (const key of ['A', 'B'] as const) {
        const t = await runtime.deps.store.getTrajectory(ids[key]);
        if (t?.openTask) open.push({ key, task: t.openTask });
      }
      if (open.length === 0) return;
      const when = ({ key, task }: (typeof open)[number]) =>
        task.type === 'ACKNOWLEDGE'
          ? addDays(task.openedAt.slice(0, 10), 10)
          : task.type === 'CONTACT' && contactsHeld[key] === 2
            ? addDays(task.dueAt, key === 'A' ? 20 : 10)
            : task.dueAt;
      const next = open.sort((a, b) => when(a).localeCompare(when(b)))[0]!;
      const day = when(next);
      // To the due date at once; a task held late, a day at a time from there, as a real clock passes
      // the digest hours while the task is still open. After every move the tick runs twice more, at once.
      const stops = day > next.task.dueAt ? [next.task.dueAt, ...Array.from({ length: daysBetween(next.task.dueAt, day) }, (_, i) => addDays(next.task.dueAt, i + 1))] : [day];
      for (const stop of stops) {
        const days = daysBetween((await now()).slice(0, 10), stop);
        if (days > 0) expect((await admin.post('/local/clock', { advanceDays: days })).status).toBe(200);
        await Promise.all([tick(runtime.deps), tick(runtime.deps)]);
      }
      await complete(next.key, next.task.taskId, next.task.type, next.task.zrmDue, day);
      // Wait for the workflow to catch up (the next task, or the end) before the clock moves on.
      await runtime.engine.whenIdle();
    }
    throw new Error('The trajectories did not end');
  }

  async function complete(key: 'A' | 'B', taskId: string, type: string, zrmDue: boolean, day: string) {
    const regisseur = key === 'A' ? rita : ravi;
    const scores = key === 'A' ? { finances: 2, housing: 3, workEducation: 2 } : { finances: 4, housing: 4, workEducation: 4 };
    let reply;
    if (type === 'ACKNOWLEDGE') {
      const handover = await eventually(async () => (await klantregie.get('/handovers')).body.handovers.find((h: any) => h.trajectoryId === ids[key]), 'the handover');
      reply = await klantregie.post(`/handovers/${handover.handoverId}/acknowledge`);
    } else {
      const body =
        type === 'KENNISMAKING'
          ? { heldOn: day, location: 'home' }
          : type === 'POP'
            ? { agreedOn: day, location: 'home', goals: [], baseline: { scores } }
            : type === 'CONTACT'
              ? { heldOn: day, location: 'library', ...(zrmDue ? { zrm: { scores } } : {}) }
              : { final: { measuredOn: day, scores }, decision: key === 'A' ? 'handover' : 'close', ...(key === 'A' ? { consent: true } : {}) };
      if (type === 'CONTACT') contactsHeld[key]++;
      reply = await regisseur.post(`/tasks/${taskId}/complete`, body);
    }
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  }

  /** What the rule says each user was told: every task of both trajectories, from its opening to its completion. */
  async function expected(): Promise<Record<string, string[]>> {
    const byUser: Record<string, string[]> = { admin: [], bea: [], rita: [], ravi: [], klantregie: [] };
    for (const id of Object.values(ids)) {
      const t = (await runtime.deps.store.getTrajectory(id))!;
      expect(t.status).toBe('closed');
      for (const task of t.closedTasks) {
        for (const o of occurrencesBetween(task, new Date(task.openedAt), new Date(task.completedAt!), runtime.deps.settings.notify)) {
          const to = o.to === 'assignee' ? [t.regisseurId] : o.to === 'beheerder' ? ['admin', 'bea'] : ['klantregie'];
          for (const user of to) byUser[user]!.push(notificationIdOf(task.taskId, o, user));
        }
      }
    }
    return byUser;
  }

  it('puts exactly the expected notifications in each inbox, and only there', async () => {
    const want = await expected();
    const users = { admin, bea, rita, ravi, klantregie };
    for (const [userId, user] of Object.entries(users)) {
      const got = (await allNotifications(user)).map((n) => n.notificationId);
      expect(got.sort(), userId).toEqual([...want[userId]!].sort());
    }
    // Every kind happened: reminders, due days, overdue reminders and an escalation for A's late contact, the unacknowledged handover.
    const kinds = new Set(Object.values(want).flat().map((id) => id.split('.')[1]));
    expect([...kinds].sort()).toEqual(['due', 'escalation', 'handover_unacknowledged', 'overdue', 'reminder']);
    // Someone else's notification is not found.
    await expect(rita.post(`/me/notifications/${encodeURIComponent(want.ravi![0]!)}/read`)).resolves.toMatchObject({ status: 404 });
  });

  it('mails each notification once, to its recipient, and a digest at most once a day', async () => {
    const want = await expected();
    for (const userId of ['admin', 'bea', 'rita', 'klantregie']) {
      const { email } = (await admin.get(`/users/${userId}`)).body;
      const mails = sink.mails.filter((m) => m.to.includes(email));
      expect(mails.map((m) => m.messageId).sort(), userId).toEqual(want[userId]!.map((id) => `<${id}@trajectregie>`).sort());
    }
    const digests = sink.mails.filter((m) => m.to.includes('ravi@example.nl'));
    expect(digests.length).toBeGreaterThan(0);
    expect(digests.length).toBeLessThanOrEqual(want.ravi!.length);
    // One digest a day: each digest names its day (the recipient's digest moment) in its Message-ID.
    const digestDays = digests.map((m) => /<digest\.ravi\.(\d{4}-\d{2}-\d{2})@/.exec(m.messageId)?.[1]);
    expect(digestDays.every(Boolean), digests.map((m) => m.messageId).join(' ')).toBe(true);
    expect(new Set(digestDays).size).toBe(digests.length);
  });

  it('writes Dutch mails that link to the task and never carry a full name or BSN', () => {
    expect(sink.mails.length).toBeGreaterThan(30);
    for (const mail of sink.mails) expect(mail.raw).not.toMatch(PRIVATE);
    expect(sink.mails.some((m) => /Contactmoment|contactmoment/.test(m.raw))).toBe(true);
    expect(sink.mails.every((m) => m.raw.includes('/tasks/'))).toBe(true);
  });

  it("shows the regisseur her own client's name in the inbox, and marks all read", async () => {
    const mine = await allNotifications(rita);
    expect(mine.every((n) => n.clientName === 'Amal Haddad' && !n.read)).toBe(true);
    expect((await allNotifications(bea)).every((n) => n.clientName === undefined)).toBe(true);
    expect((await rita.post('/me/notifications/read')).body).toEqual({ marked: mine.length });
    expect((await allNotifications(rita)).every((n) => n.read)).toBe(true);
  });

  it('answers bad input with a 400 naming the field', async () => {
    for (const [path, field] of [
      ['/me/notifications?limit=0', 'limit'],
      ['/me/notifications?limit=abc', 'limit'],
      ['/me/notifications?cursor=nonsense', 'cursor'],
      ['/me/notifications?unknown=1', 'unknown'],
    ] as const) {
      const { status, body } = await rita.get(path);
      expect(status, path).toBe(400);
      expect(JSON.stringify(body), path).toContain(field);
    }
    expect((await rita.post('/me/notifications/bad%20id/read')).status).toBe(400);
  });

  it('lists the escalations with their resolved state for the beheerders only', async () => {
    const { status, body } = await bea.get('/notifications');
    expect(status).toBe(200);
    expect(body.notifications.length).toBeGreaterThan(0);
    expect(body.notifications.every((e: any) => e.resolved === true)).toBe(true);
    expect(body.failedDeliveries).toEqual([]);
    expect((await rita.get('/notifications')).status).toBe(403);
  });
});

describe('a crash between recording and sending', () => {
  it('loses no mail and sends none twice', async () => {
    const sink = await startSmtpSink();
    const dataDir = await mkdtemp(join(tmpdir(), 'trajectregie-notify-kill-'));
    const env = { DATA_DIR: dataDir, CLOCK: 'virtual', CLOCK_START: '2025-01-15', SMTP_URL: sink.url };
    let child = await startChildRuntime(env);
    try {
      const admin = await as(child.url, dataDir, 'beheerder', 'admin');
      await addUsers(admin, { userId: 'rita', role: 'regisseur' });
      const client = await admin.post('/clients', CLIENTS.A);
      expect((await admin.post('/trajectories', { clientId: client.body.clientId, regisseurId: 'rita' })).status).toBe(201);

      // The kennismaking is due 15 July: its reminder on 8 July is recorded, and the process dies as it connects to send it.
      let killed = false;
      sink.onConnect = () => {
        if (killed) return;
        killed = true;
        child.process.kill('SIGKILL');
        return false;
      };
      await admin.post('/local/clock', { advanceDays: daysBetween('2025-01-15', '2025-07-08') }).catch(() => undefined);
      await eventually(async () => (killed && child.process.exitCode !== null) || child.process.signalCode !== null || undefined, 'the kill');
      expect(sink.mails).toHaveLength(0);

      // Started again on the same data. The dead process had claimed the mail as it connected: the
      // claim lapses after 5 minutes (on the virtual clock, once it moves), then the tick sends it, once.
      child = await startChildRuntime(env);
      const again = await as(child.url, dataDir, 'beheerder', 'admin');
      await again.post('/local/clock', { advanceDays: 0 });
      expect(sink.mails).toHaveLength(0);
      await again.post('/local/clock', { advanceDays: 1 });
      await again.post('/local/clock', { advanceDays: 0 });
      expect(sink.mails.map((m) => m.messageId)).toHaveLength(1);
      expect(sink.mails[0]!.messageId).toMatch(/\.reminder\.1\.2025-07-08\.rita@trajectregie>$/);

      // And the next one, on the due date, comes once too.
      await again.post('/local/clock', { advanceDays: 6 });
      expect(sink.mails.map((m) => m.messageId)).toHaveLength(2);
      expect(new Set(sink.mails.map((m) => m.messageId)).size).toBe(2);
    } finally {
      await child.kill();
      await sink.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
