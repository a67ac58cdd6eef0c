/**
 * The worklist (GET /tasks) end to end on the local runtime in-process with a virtual clock: each
 * filter against due dates worked out by hand, pagination that visits every task once in due
 * order (a regisseur's partition, and the beheerder's merge of all), the last contact, one audit
 * entry per list read that the client's audit shows, and bad input naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUsers, as, type Caller } from '../support/api-client';
import { startTestRuntime } from '../support/runtime';

let env: Awaited<ReturnType<typeof startTestRuntime>>;
let admin: Caller;
let rita: Caller;
let rob: Caller;

/**
 * Trajectories start on 2025-01-15; the kennismaking is due 6 months after settling or 4 weeks
 * after the start (2025-02-12), whichever is later.
 */
const RITA = {
  A: { settledOn: '2019-03-01', due: '2025-02-12' },
  F: { settledOn: '2024-08-14', due: '2025-02-14' },
  B: { settledOn: '2024-08-20', due: '2025-02-20' },
  C: { settledOn: '2024-09-10', due: '2025-03-10' },
  D: { settledOn: '2024-10-05', due: '2025-04-05' },
  E: { settledOn: '2025-01-15', due: '2025-07-15' },
} as const;
type Name = keyof typeof RITA | 'G';

const clientOf = {} as Record<Name, string>;
const trajectoryOf = {} as Record<Name, string>;
const nameOfTrajectory = new Map<string, Name>();

async function start(name: Name, settledOn: string, regisseurId: string): Promise<void> {
  const created = await admin.post('/clients', { firstName: `Client${name}`, lastName: 'Worklist', birthDate: '1990-01-01', settledOn });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const started = await admin.post('/trajectories', { clientId: created.body.clientId, regisseurId });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  clientOf[name] = created.body.clientId;
  trajectoryOf[name] = started.body.trajectoryId;
  nameOfTrajectory.set(started.body.trajectoryId, name);
}

interface Listed {
  taskId: string;
  trajectoryId: string;
  clientName?: string;
  type: string;
  dueAt: string;
  overdue: boolean;
  zrmDue: boolean;
  lastContact?: { on: string; location: string };
}

async function list(who: Caller, query = ''): Promise<{ tasks: Listed[]; cursor?: string }> {
  const reply = await who.get(`/tasks${query}`);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
}

/** The names of the clients of a list, in its order. */
async function names(who: Caller, query = ''): Promise<string[]> {
  const { tasks, cursor } = await list(who, query);
  expect(cursor).toBeUndefined();
  return tasks.map((t) => nameOfTrajectory.get(t.trajectoryId) ?? t.trajectoryId);
}

async function advance(days: number): Promise<void> {
  expect((await admin.post('/local/clock', { advanceDays: days })).status).toBe(200);
}

/** The client's audit entries for list reads of the worklist by `actorId`. */
async function listReadsOf(name: Name, actorId: string): Promise<number> {
  const reply = await admin.get(`/clients/${clientOf[name]}/audit`);
  expect(reply.status).toBe(200);
  return reply.body.entries.filter((e: { actorId: string; detail: string; action: string }) => e.actorId === actorId && e.detail === 'list open tasks' && e.action === 'read')
    .length;
}

/** Every page, following the cursor; checks each page's size. */
async function allPages(who: Caller, limit: number, query = ''): Promise<{ tasks: Listed[]; pages: number }> {
  const tasks: Listed[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await list(who, `?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    pages++;
    expect(page.tasks.length).toBeLessThanOrEqual(limit);
    if (page.cursor) expect(page.tasks).toHaveLength(limit);
    tasks.push(...page.tasks);
    cursor = page.cursor;
    expect(pages).toBeLessThan(50);
  } while (cursor);
  return { tasks, pages };
}

beforeAll(async () => {
  env = await startTestRuntime('2025-01-15');
  admin = await as(env.runtime.url, env.dataDir, 'beheerder', 'admin');
  await addUsers(admin, { userId: 'rita', role: 'regisseur' }, { userId: 'rob', role: 'regisseur' });
  rita = await as(env.runtime.url, env.dataDir, 'regisseur', 'rita');
  rob = await as(env.runtime.url, env.dataDir, 'regisseur', 'rob');
  for (const [name, c] of Object.entries(RITA)) await start(name as Name, c.settledOn, 'rita');
  await start('G', '2025-01-15', 'rob');
});
afterAll(async () => {
  await env?.stop();
});

describe('GET /tasks on 2025-01-15', () => {
  it('lists a regisseur’s own tasks in due order, each naming the client, and no one else’s', async () => {
    const { tasks, cursor } = await list(rita);
    expect(cursor).toBeUndefined();
    expect(tasks.map((t) => [nameOfTrajectory.get(t.trajectoryId), t.dueAt, t.type])).toEqual(
      Object.entries(RITA).map(([name, c]) => [name, c.due, 'KENNISMAKING']),
    );
    expect(tasks[0]).toMatchObject({ clientName: 'ClientA Worklist', overdue: false, zrmDue: false });
    expect(tasks[0]!.lastContact).toBeUndefined();
    expect(await names(rob)).toEqual(['G']);
  });

  it('filters by a due-date range (both ends inclusive), and the due windows from today', async () => {
    expect(await names(rita, '?from=2025-02-14&to=2025-03-10')).toEqual(['F', 'B', 'C']);
    expect(await names(rita, '?from=2025-03-11')).toEqual(['D', 'E']);
    expect(await names(rita, '?to=2025-02-13')).toEqual(['A']);
    expect(await names(rita, '?due=today')).toEqual([]);
    expect(await names(rita, '?due=overdue')).toEqual([]);
    // week: 2025-01-15 … 2025-01-21; month: 2025-01-15 … 2025-02-14.
    expect(await names(rita, '?due=week')).toEqual([]);
    expect(await names(rita, '?due=month')).toEqual(['A', 'F']);
    expect(await names(rita, '?due=month&from=2025-02-13')).toEqual(['F']);
    expect(await names(rita, '?type=POP')).toEqual([]);
    expect(await names(rita, '?type=KENNISMAKING&to=2025-02-20')).toEqual(['A', 'F', 'B']);
    expect(await names(rita, '?zrmDue=true')).toEqual([]);
    expect(await names(rita, '?zrmDue=false&from=2025-04-01')).toEqual(['D', 'E']);
  });

  it('pages through a regisseur’s tasks: every task once, in due order, a cursor only while more follow', async () => {
    const { tasks, pages } = await allPages(rita, 2);
    expect(pages).toBe(3);
    expect(tasks.map((t) => nameOfTrajectory.get(t.trajectoryId))).toEqual(['A', 'F', 'B', 'C', 'D', 'E']);
    const filtered = await allPages(rita, 1, '&from=2025-02-13&to=2025-04-05');
    expect(filtered.tasks.map((t) => nameOfTrajectory.get(t.trajectoryId))).toEqual(['F', 'B', 'C', 'D']);
    expect(filtered.pages).toBe(4);
  });

  it('pages through every task for the beheerder, merged from the regisseurs’ queues, with the clients’ names', async () => {
    for (const limit of [1, 3, 200]) {
      const { tasks } = await allPages(admin, limit);
      expect(new Set(tasks.map((t) => t.taskId)).size).toBe(tasks.length);
      expect(tasks.map((t) => nameOfTrajectory.get(t.trajectoryId)).sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G']);
      const dues = tasks.map((t) => t.dueAt);
      expect(dues).toEqual([...dues].sort());
      expect(tasks.find((t) => nameOfTrajectory.get(t.trajectoryId) === 'G')).toMatchObject({ clientName: 'ClientG Worklist', dueAt: '2025-07-15' });
    }
    expect((await list(admin, '?from=2025-07-15')).tasks.map((t) => nameOfTrajectory.get(t.trajectoryId)).sort()).toEqual(['E', 'G']);
  });

  it('answers 400 naming the field for bad input', async () => {
    const cases: Array<[string, string]> = [
      ['?due=soon', 'due'],
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=ten', 'limit'],
      ['?cursor=not-a-cursor', 'cursor'],
      ['?cursor=2025-02-30.X-1', 'cursor'],
      ['?from=2025-03-01&to=2025-02-01', 'from'],
      ['?from=2025-02-30', 'from'],
      ['?type=VISIT', 'type'],
      ['?zrmDue=yes', 'zrmDue'],
      ['?sort=due', 'sort'],
    ];
    for (const [query, field] of cases) {
      const reply = await rita.get(`/tasks${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.errors.map((e: { field: string }) => e.field), query).toContain(field);
    }
  });
});

describe('as the days pass', () => {
  it('a day’s due window, the week and the month, then a completed kennismaking: its POP with the last contact and a ZRM round due', async () => {
    await advance(28); // 2025-02-12
    expect(await names(rita, '?due=today')).toEqual(['A']);
    expect(await names(rita, '?due=overdue')).toEqual([]);
    expect(await names(rita, '?due=week')).toEqual(['A', 'F']); // … 2025-02-18
    expect(await names(rita, '?due=month')).toEqual(['A', 'F', 'B', 'C']); // … 2025-03-11

    const [kennismaking] = (await list(rita, '?due=today')).tasks;
    const done = await rita.post(`/tasks/${kennismaking!.taskId}/complete`, { heldOn: '2025-02-12', location: 'library' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);

    const pop = (await list(rita, '?type=POP')).tasks;
    expect(pop).toHaveLength(1);
    expect(pop[0]).toMatchObject({
      trajectoryId: trajectoryOf.A,
      type: 'POP',
      dueAt: '2025-03-12',
      zrmDue: true,
      clientName: 'ClientA Worklist',
      lastContact: { on: '2025-02-12', location: 'library' },
    });
    expect(await names(rita, '?zrmDue=true')).toEqual(['A']);
    expect(await names(rita, '?zrmDue=false')).toEqual(['F', 'B', 'C', 'D', 'E']);
    expect(await names(rita, '?type=KENNISMAKING&due=month')).toEqual(['F', 'B', 'C']);
    expect(await names(rita)).toEqual(['F', 'B', 'C', 'A', 'D', 'E']);
  });

  it('overdue from the day after the due date', async () => {
    await advance(7); // 2025-02-19
    const overdue = await list(rita, '?due=overdue');
    expect(overdue.tasks.map((t) => [nameOfTrajectory.get(t.trajectoryId), t.overdue])).toEqual([['F', true]]);
    expect(await names(rita, '?due=today')).toEqual([]);
    expect(await names(rita, '?due=week')).toEqual(['B']); // 2025-02-19 … 2025-02-25
    expect(await names(rita, '?due=overdue&from=2025-02-15')).toEqual([]);
    expect(await names(admin, '?due=overdue')).toEqual(['F']);
    await advance(1); // 2025-02-20: B is due today, not overdue
    expect(await names(rita, '?due=overdue')).toEqual(['F']);
    expect(await names(rita, '?due=today')).toEqual(['B']);
  });
});

describe('the audit of list reads', () => {
  it('one entry per list read, naming the clients shown, that each client’s audit shows', async () => {
    const before = { A: await listReadsOf('A', 'rita'), B: await listReadsOf('B', 'rita'), G: await listReadsOf('G', 'rita') };
    expect(before.A).toBeGreaterThan(0);
    expect(before.G).toBe(0);

    await list(rita); // shows A and B
    expect(await listReadsOf('A', 'rita')).toBe(before.A + 1);
    expect(await listReadsOf('B', 'rita')).toBe(before.B + 1);

    await list(rita, '?type=POP'); // shows A only
    expect(await listReadsOf('A', 'rita')).toBe(before.A + 2);
    expect(await listReadsOf('B', 'rita')).toBe(before.B + 1);

    await list(rita, '?from=2030-01-01'); // shows no one
    expect(await listReadsOf('A', 'rita')).toBe(before.A + 2);
    expect(await listReadsOf('G', 'rita')).toBe(0);

    const adminBefore = await listReadsOf('G', 'admin');
    await list(admin, '?from=2025-07-15'); // E and G
    expect(await listReadsOf('G', 'admin')).toBe(adminBefore + 1);
    const entry = (await admin.get(`/clients/${clientOf.G}/audit`)).body.entries.at(-1);
    expect(entry).toMatchObject({ actorId: 'admin', actorRole: 'beheerder', action: 'read', detail: 'list open tasks' });
  });
});
