/**
 * The calendar feed (/me/calendar.ics) and the agenda (/me/agenda) end to end, on the local
 * runtime in-process with a virtual clock: the events a regisseur's calendar app would show
 * (read with an independent parser, ical.js), that no client's name is in them, that UIDs stay
 * while the same meeting is meant, the ETag and 304, and that every key that opens nothing —
 * rotated away, wrong, of an inactive user — answers the same 404.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../core/schemas';
import { as, caller, type Caller } from '../support/api-client';
import { startTestRuntime } from '../support/runtime';
import { TrajectoryDriver } from '../support/trajectory-driver';

let env: Awaited<ReturnType<typeof startTestRuntime>>;
let admin: Caller;
let rita: Caller;
let rob: Caller;

const BASELINE = { finances: 2, workEducation: 2, housing: 3, socialNetwork: 2 };
const CLIENTS = {
  amal: { firstName: 'Amal', lastName: 'Haddad', birthDate: '1990-03-01', settledOn: '2025-01-15', bsn: '123456782' },
  yusuf: { firstName: 'Yusuf', lastName: 'Tesfay', birthDate: '1994-06-02', settledOn: '2019-03-01' },
  sara: { firstName: 'Sara', lastName: 'Ghebremedhin', birthDate: '1988-11-20', settledOn: '2025-06-01' },
};
const NAMES = Object.values(CLIENTS).flatMap((c) => [c.firstName, c.lastName]);

/**
 * Puts people in the directory through POST /users (the bootstrap beheerder `admin`); while that
 * route is not there yet, straight into the store. Switch to POST /users only once it is.
 */
async function addUser(userId: string, role: Role): Promise<void> {
  const reply = await admin.post('/users', { userId, displayName: userId, email: `${userId}@example.nl`, role });
  if (reply.status === 201 || reply.status === 409) return;
  expect(reply.status, JSON.stringify(reply.body)).toBe(404);
  const now = env.runtime.deps.clock.now().toISOString();
  await env.runtime.deps.users.createUser({
    userId,
    displayName: userId,
    email: `${userId}@example.nl`,
    role,
    active: true,
    preferences: { email: 'none', digestHour: 7 },
    createdAt: now,
    createdBy: 'admin',
    updatedAt: now,
    version: 1,
  });
}

/** Deactivates a user through PATCH /users/{id}, or in the store while that route is not there yet. */
async function deactivate(userId: string): Promise<void> {
  const reply = await admin.patch(`/users/${userId}`, { active: false });
  if (reply.status === 200) return;
  expect(reply.status, JSON.stringify(reply.body)).toBe(404);
  const user = (await env.runtime.deps.users.getUser(userId))!;
  await env.runtime.deps.users.saveUser({ ...user, active: false, version: user.version + 1 }, user.version);
}

async function startTrajectory(client: object, regisseurId: string): Promise<string> {
  const created = await admin.post('/clients', client);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const started = await admin.post('/trajectories', { clientId: created.body.clientId, regisseurId });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  return started.body.trajectoryId;
}

const reference = (trajectoryId: string) => `TR-${trajectoryId.slice(-6).toUpperCase()}`;

interface FeedEvent {
  uid: string;
  summary: string;
  start: string;
  allDay: boolean;
  end: string;
  status: string;
  description: string;
}

/** The feed as a calendar app reads it (ical.js, not the library that wrote it). */
function parseFeed(text: string): FeedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  expect(calendar.name).toBe('vcalendar');
  return calendar.getAllSubcomponents('vevent').map((event) => {
    const start = event.getFirstPropertyValue('dtstart') as ICAL.Time;
    const end = event.getFirstPropertyValue('dtend') as ICAL.Time;
    return {
      uid: String(event.getFirstPropertyValue('uid')),
      summary: String(event.getFirstPropertyValue('summary')),
      start: start.toString(),
      allDay: start.isDate,
      end: end.toString(),
      status: String(event.getFirstPropertyValue('status')),
      description: String(event.getFirstPropertyValue('description')),
    };
  });
}

/** GET without a token, as a calendar app polls. */
async function poll(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url, { headers });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

let amal: TrajectoryDriver;
let yusufId: string;
let saraId: string;
let feedUrl: string;

beforeAll(async () => {
  env = await startTestRuntime('2025-01-15');
  admin = await as(env.runtime.url, env.dataDir, 'beheerder', 'admin');
  await addUser('rita', 'regisseur');
  await addUser('rob', 'regisseur');
  rita = await as(env.runtime.url, env.dataDir, 'regisseur', 'rita');
  rob = await as(env.runtime.url, env.dataDir, 'regisseur', 'rob');

  // Amal: kennismaking 2025-07-15, POP 2025-08-15, contacts 2025-09-15, 2025-10-15, 2025-12-15, each held on its due date.
  amal = new TrajectoryDriver(admin, rita, await startTrajectory(CLIENTS.amal, 'rita'));
  let task = await amal.throughPop(BASELINE);
  for (let i = 0; i < 3; i++) {
    await amal.advanceTo(task.dueAt);
    await amal.complete(task, { heldOn: task.dueAt, location: 'library' });
    task = await amal.nextTask(task.taskId);
  }
  expect(task).toMatchObject({ type: 'CONTACT', dueAt: '2026-02-15', zrmDue: true });
  // On 2025-12-15 Yusuf (settled in 2019: a late starter) starts with Rita, Sara with Rob.
  yusufId = await startTrajectory(CLIENTS.yusuf, 'rita');
  saraId = await startTrajectory(CLIENTS.sara, 'rob');
  await new TrajectoryDriver(admin, rita, yusufId).nextTask();
}, 120_000);
afterAll(async () => env?.stop());

describe('the calendar feed', () => {
  it('gives a new key once, as the feed’s URL, and stores only its hash', async () => {
    const made = await rita.post('/me/calendar-key');
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const { url, key } = made.body as { url: string; key: string };
    expect(key).toMatch(/^rita\.[A-Za-z0-9_-]{43}$/);
    expect(new URL(url).searchParams.get('key')).toBe(key);
    expect(new URL(url).pathname).toBe('/me/calendar.ics');
    const stored = await env.runtime.deps.users.getUser('rita');
    expect(stored?.calendarKeyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(key.split('.')[1]);
    feedUrl = url;
  });

  it('shows the open tasks and the meetings foreseen in the next three months, all day, without client names', async () => {
    const { status, text, headers } = await poll(feedUrl);
    expect(status, text).toBe(200);
    expect(headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(headers.get('cache-control')).toBe('private, no-cache');
    expect(headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);

    const events = parseFeed(text);
    const amalTask = (await amal.nextTask()).taskId;
    const [A, Y] = [reference(amal.trajectoryId), reference(yusufId)];
    // Today is 2025-12-15, so up to 2026-03-15. Yusuf's kennismaking is due 4 weeks after his start;
    // held then, the POP a month later and a contact a month after that. Amal's contact of
    // 2026-02-15 carries ZRM round 1; her next (2026-04-15) lies beyond the horizon.
    expect(events.map((e) => `${e.start} ${e.status} ${e.summary}`)).toEqual([
      `2026-01-12 CONFIRMED Kennismaking · ${Y}`,
      `2026-02-12 TENTATIVE POP-gesprek · ${Y}`,
      `2026-02-15 CONFIRMED Contactmoment · ${A}`,
      `2026-03-12 TENTATIVE Contactmoment · ${Y}`,
    ]);
    for (const e of events) {
      expect(e.allDay).toBe(true);
      expect(e.end).toBe(new Date(Date.parse(`${e.start}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10));
    }
    const contact = events.find((e) => e.summary.endsWith(A))!;
    expect(contact.uid).toBe(`${amalTask}@trajectregie`);
    expect(contact.description).toContain('ZRM');
    expect(contact.description).toContain(`${env.runtime.deps.settings.appBaseUrl}/tasks/${amalTask}`);
    expect(events.find((e) => e.summary.startsWith('POP'))!.description).toContain('Verwacht');

    for (const name of [...NAMES, CLIENTS.amal.bsn]) expect(text).not.toContain(name);
    expect(text).not.toContain(reference(saraId)); // Rob's
    expect(text).not.toContain(feedUrl.split('key=')[1]!.split('.')[1]);
  });

  it('answers the same bytes, ETag and UIDs at the next poll, and 304 with no body for If-None-Match', async () => {
    const first = await poll(feedUrl);
    const second = await poll(feedUrl);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(parseFeed(second.text).map((e) => e.uid)).toEqual(parseFeed(first.text).map((e) => e.uid));

    const etag = first.headers.get('etag')!;
    const unchanged = await poll(feedUrl, { 'if-none-match': etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect(unchanged.headers.get('etag')).toBe(etag);
    expect((await poll(feedUrl, { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    expect((await poll(feedUrl, { 'if-none-match': '"other"' })).status).toBe(200);
  });

  it('agrees with the agenda, which foresees as far as asked', async () => {
    const events = parseFeed((await poll(feedUrl)).text);
    // 13 weeks from 2025-12-15 is 2026-03-16; three months is 2026-03-15; nothing falls between.
    const { status, body } = await rita.get('/me/agenda?weeks=13');
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.items.map((i: any) => `${i.dueAt} ${i.title} ${i.eventId}@trajectregie`)).toEqual(events.map((e) => `${e.start} ${e.summary} ${e.uid}`));
    expect(body.items.map((i: any) => i.kind)).toEqual(['task', 'foreseen', 'task', 'foreseen']);
    expect(JSON.stringify(body)).not.toMatch(new RegExp(NAMES.join('|')));

    const twelve = (await rita.get('/me/agenda')).body.items; // the default: 12 weeks, up to 2026-03-09
    expect(twelve.map((i: any) => i.dueAt)).toEqual(['2026-01-12', '2026-02-12', '2026-02-15']);
    const half = (await rita.get('/me/agenda?weeks=26')).body.items; // up to 2026-06-15
    expect(half.filter((i: any) => i.trajectoryId === amal.trajectoryId).map((i: any) => `${i.dueAt}${i.zrmDue ? ' zrm' : ''}`)).toEqual([
      '2026-02-15 zrm',
      '2026-04-15',
      '2026-06-15',
    ]);
  });

  it('keeps a foreseen meeting’s UID when its task opens, and the ETag follows the change', async () => {
    const before = await poll(feedUrl);
    const pop = parseFeed(before.text).find((e) => e.summary.startsWith('POP'))!;
    const yusuf = new TrajectoryDriver(admin, rita, yusufId);
    const kennismaking = await yusuf.nextTask();
    await yusuf.advanceTo(kennismaking.dueAt);
    await yusuf.complete(kennismaking, { heldOn: kennismaking.dueAt, location: 'home' });
    const popTask = await yusuf.nextTask(kennismaking.taskId);

    const after = await poll(feedUrl, { 'if-none-match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    const opened = parseFeed(after.text).find((e) => e.summary.startsWith('POP'))!;
    expect(opened).toMatchObject({ uid: pop.uid, start: '2026-02-12', status: 'CONFIRMED' });
    expect(opened.uid).toBe(`${popTask.taskId}@trajectregie`);
  });
});

describe('the key', () => {
  it('once rotated, the old URL answers 404 and the new one the feed', async () => {
    const made = await rita.post('/me/calendar-key');
    expect(made.status).toBe(201);
    expect(made.body.key).not.toBe(new URL(feedUrl).searchParams.get('key'));
    const old = await poll(feedUrl);
    expect(old.status).toBe(404);
    expect(old.headers.get('content-type')).toContain('application/problem+json');
    expect((await poll(made.body.url)).status).toBe(200);
    feedUrl = made.body.url;
  });

  it('answers the same 404 for a missing, malformed, wrong or foreign key, never telling which part was wrong', async () => {
    const key = new URL(feedUrl).searchParams.get('key')!;
    const secret = key.split('.')[1]!;
    const base = `${env.runtime.url}/me/calendar.ics`;
    const robKey = (await rob.post('/me/calendar-key')).body.key as string;
    const wrong = [
      base,
      `${base}?key=`,
      `${base}?key=garbage`,
      `${base}?key=.${secret}`,
      `${base}?key=rita.${'A'.repeat(43)}`,
      `${base}?key=rita.${secret}x`,
      `${base}?key=rob.${secret}`,
      `${base}?key=nobody.${secret}`,
      `${base}?key=${encodeURIComponent(`rita.${robKey.split('.')[1]}`)}`,
      `${base}?key=${'x'.repeat(5000)}`,
    ];
    const answers = await Promise.all(wrong.map((url) => poll(url)));
    for (const [i, answer] of answers.entries()) {
      expect(answer.status, wrong[i]).toBe(404);
      expect(JSON.parse(answer.text)).toEqual(JSON.parse(answers[0]!.text));
    }
  });

  it('opens nothing once its user is deactivated', async () => {
    const made = await rob.post('/me/calendar-key');
    expect((await poll(made.body.url)).status).toBe(200);
    await deactivate('rob');
    const answer = await poll(made.body.url);
    expect(answer.status).toBe(404);
  });
});

describe('bad input', () => {
  it('answers 400 naming weeks when it is out of 1–26 or not a number, and an unknown parameter', async () => {
    for (const weeks of ['0', '27', 'abc', '2.5']) {
      const reply = await rita.get(`/me/agenda?weeks=${weeks}`);
      expect(reply.status, weeks).toBe(400);
      expect(reply.body.errors.map((e: any) => e.field)).toEqual(['weeks']);
    }
    const unknown = await rita.get('/me/agenda?days=3');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: any) => e.field)).toEqual(['days']);
  });

  it('keeps the agenda to regisseurs and the key to signed-in users', async () => {
    expect((await admin.get('/me/agenda')).status).toBe(403);
    expect((await caller(env.runtime.url, undefined).post('/me/calendar-key')).status).toBe(401);
    expect((await caller(env.runtime.url, undefined).get('/me/agenda')).status).toBe(401);
  });

  it('documents the routes, the feed without a token', async () => {
    const { body } = await caller(env.runtime.url, undefined).get('/openapi.json');
    expect(body.paths['/me/calendar.ics'].get.security).toBeUndefined();
    expect(body.paths['/me/calendar.ics'].get.parameters).toEqual([expect.objectContaining({ name: 'key', in: 'query', required: false })]);
    expect(body.paths['/me/calendar-key'].post.security).toEqual([{ Bearer: [] }]);
    expect(body.paths['/me/agenda'].get.parameters).toEqual([expect.objectContaining({ name: 'weeks', in: 'query', required: false })]);
  });
});
