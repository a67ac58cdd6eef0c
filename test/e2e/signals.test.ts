/**
 * Signals end to end on the local runtime in-process with a virtual clock: recording (on a
 * trajectory only by its regisseur or a beheerder, never naming the client), who sees which,
 * every filter against signals recorded on known days, pagination newest first, bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUsers, as, type Caller } from '../support/api-client';
import { startTestRuntime } from '../support/runtime';

let env: Awaited<ReturnType<typeof startTestRuntime>>;
let admin: Caller;
let rita: Caller;
let rob: Caller;
let gemeente: Caller;
let ritasTrajectory: string;
let robsTrajectory: string;

const base = {
  theme: 'inburgering',
  nature: 'structural',
  partner: 'Taalaanbieder De Brug',
  description: 'Lessen vallen samen met de werktijden; er is geen avondgroep.',
  advice: 'Een avondgroep openen.',
};

async function startTrajectory(firstName: string, regisseurId: string): Promise<string> {
  const created = await admin.post('/clients', { firstName, lastName: 'Haddad', birthDate: '1990-03-01', settledOn: '2025-01-15' });
  expect(created.status).toBe(201);
  const started = await admin.post('/trajectories', { clientId: created.body.clientId, regisseurId });
  expect(started.status).toBe(201);
  return started.body.trajectoryId;
}

async function record(who: Caller, body: object): Promise<{ signalId: string; createdAt: string }> {
  const reply = await who.post('/signals', body);
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}

async function advance(days: number): Promise<void> {
  expect((await admin.post('/local/clock', { advanceDays: days })).status).toBe(200);
}

/** Ids of every signal a query lists, following the cursor. */
async function ids(who: Caller, query = '', limit = 50): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const sep = query ? '&' : '';
    const reply = await who.get(`/signals?limit=${limit}${sep}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.signals.length).toBeLessThanOrEqual(limit);
    found.push(...reply.body.signals.map((s: { signalId: string }) => s.signalId));
    cursor = reply.body.cursor;
  } while (cursor);
  return found;
}

/** Recorded in the beforeAll, newest last: [day, id]. */
const made: Record<string, string> = {};

beforeAll(async () => {
  env = await startTestRuntime('2025-01-15');
  admin = await as(env.runtime.url, env.dataDir, 'beheerder', 'admin');
  await addUsers(admin, { userId: 'rita', role: 'regisseur' }, { userId: 'rob', role: 'regisseur' }, { userId: 'klantregie', role: 'gemeente' });
  rita = await as(env.runtime.url, env.dataDir, 'regisseur', 'rita');
  rob = await as(env.runtime.url, env.dataDir, 'regisseur', 'rob');
  gemeente = await as(env.runtime.url, env.dataDir, 'gemeente', 'klantregie');
  ritasTrajectory = await startTrajectory('Amal', 'rita');
  robsTrajectory = await startTrajectory('Yusuf', 'rob');

  // 2025-01-15
  made.r1 = (await record(rita, base)).signalId;
  made.r2 = (await record(rita, { ...base, theme: 'housing', nature: 'personal', partner: 'Woningcorporatie Portaal', trajectoryId: ritasTrajectory })).signalId;
  await advance(10); // 2025-01-25
  made.o1 = (await record(rob, { ...base, theme: 'finances', partner: 'Werkbedrijf', trajectoryId: robsTrajectory })).signalId;
  made.r3 = (await record(rita, { ...base, theme: 'education', partner: 'ROC Nijmegen' })).signalId;
  await advance(20); // 2025-02-14
  made.b1 = (await record(admin, { ...base, theme: 'social_integration_health', nature: 'personal', partner: 'GGD', trajectoryId: ritasTrajectory })).signalId;
  made.r4 = (await record(rita, { ...base, partner: 'taalaanbieder de brug' })).signalId;
});
afterAll(async () => {
  await env?.stop();
});

describe('POST /signals', () => {
  it('records a signal with who and when, on a trajectory of the regisseur’s own', async () => {
    const reply = await rita.get(`/signals/${made.r2}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      ...base,
      theme: 'housing',
      nature: 'personal',
      partner: 'Woningcorporatie Portaal',
      trajectoryId: ritasTrajectory,
      signalId: made.r2,
      createdAt: expect.stringMatching(/^2025-01-15T/),
      createdBy: 'rita',
      createdByRole: 'regisseur',
    });
  });

  it('refuses another regisseur’s trajectory and an unknown one alike (400 naming trajectoryId)', async () => {
    for (const trajectoryId of [robsTrajectory, 'NOSUCHTRAJECTORY']) {
      const reply = await rita.post('/signals', { ...base, trajectoryId });
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toEqual([expect.objectContaining({ field: 'trajectoryId' })]);
    }
    made.b2 = (await record(admin, { ...base, trajectoryId: robsTrajectory })).signalId; // 2025-02-14
  });

  it('refuses text naming the client of the trajectory, or a BSN', async () => {
    const named = await rita.post('/signals', { ...base, trajectoryId: ritasTrajectory, description: 'Amal kan niet naar de les.' });
    expect(named.status).toBe(400);
    expect(named.body.errors).toEqual([expect.objectContaining({ field: 'description', message: expect.stringContaining('must not name the client') })]);
    const bsn = await rita.post('/signals', { ...base, advice: 'Zie BSN 123456782.' });
    expect(bsn.status).toBe(400);
    expect(bsn.body.errors).toEqual([expect.objectContaining({ field: 'advice' })]);
  });

  it('answers 400 naming bad fields, 403 for the municipality', async () => {
    const bad = await rita.post('/signals', { ...base, theme: 'weather', nature: 'both', description: 'x'.repeat(1001), advice: '', partner: undefined, extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['advice', 'description', 'extra', 'nature', 'partner', 'theme']);
    expect((await gemeente.post('/signals', base)).status).toBe(403);
    expect((await gemeente.get('/signals')).status).toBe(403);
  });
});

describe('GET /signals and /signals/{id}', () => {
  it('shows a regisseur her own signals only; another’s answers 404; the beheerder sees all', async () => {
    expect(await ids(rita)).toEqual([made.r4, made.r3, made.r2, made.r1]);
    expect(await ids(rob)).toEqual([made.o1]);
    expect((await rob.get(`/signals/${made.r1}`)).status).toBe(404);
    expect((await rita.get(`/signals/${made.b1}`)).status).toBe(404);
    expect((await rita.get('/signals/NOSUCHSIGNAL')).status).toBe(404);
    expect((await admin.get(`/signals/${made.o1}`)).status).toBe(200);
    const all = await ids(admin);
    expect(all).toEqual([made.b2, made.r4, made.b1, made.r3, made.o1, made.r2, made.r1]);
  });

  it('filters by theme, nature, partner (part, any case), trajectory and days recorded', async () => {
    expect(await ids(rita, 'theme=inburgering')).toEqual([made.r4, made.r1]);
    expect(await ids(rita, 'nature=personal')).toEqual([made.r2]);
    expect(await ids(rita, 'partner=DE%20BRUG')).toEqual([made.r4, made.r1]);
    expect(await ids(admin, 'partner=werkbedrijf')).toEqual([made.o1]);
    expect(await ids(admin, `trajectoryId=${ritasTrajectory}`)).toEqual([made.b1, made.r2]);
    expect(await ids(rita, `trajectoryId=${ritasTrajectory}`)).toEqual([made.r2]);
    expect(await ids(admin, 'from=2025-01-25&to=2025-01-25')).toEqual([made.r3, made.o1]);
    expect(await ids(rita, 'from=2025-01-16')).toEqual([made.r4, made.r3]);
    expect(await ids(rita, 'to=2025-01-24')).toEqual([made.r2, made.r1]);
    expect(await ids(admin, 'nature=structural&from=2025-01-20&to=2025-02-14&theme=inburgering')).toEqual([made.b2, made.r4]);
    expect(await ids(admin, `trajectoryId=${robsTrajectory}`)).toEqual([made.b2, made.o1]);
  });

  it('pages newest first, every signal once, a cursor only while more follow', async () => {
    expect(await ids(rita, '', 1)).toEqual([made.r4, made.r3, made.r2, made.r1]);
    expect(await ids(admin, 'nature=structural', 2)).toEqual(await ids(admin, 'nature=structural'));
    const last = await rita.get('/signals?limit=4');
    expect(last.body.signals).toHaveLength(4);
    expect(last.body.cursor).toBeUndefined();
    const first = await rita.get('/signals?limit=3');
    expect(first.body.cursor).toEqual(expect.any(String));
  });

  it('answers 400 naming the field for bad queries', async () => {
    for (const [query, field] of [
      ['theme=weather', 'theme'],
      ['limit=0', 'limit'],
      ['cursor=abc', 'cursor'],
      ['from=2025-02-01&to=2025-01-01', 'from'],
      ['to=2025-13-01', 'to'],
      ['colour=red', 'colour'],
    ] as const) {
      const reply = await admin.get(`/signals?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.errors.map((e: { field: string }) => e.field), query).toContain(field);
    }
  });
});
