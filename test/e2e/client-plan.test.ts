/**
 * The plan itself and the client, end to end over HTTP on the local runtime in-process (virtual
 * clock): POP revisions and reviews with every version readable; PATCH /clients (a BSN added
 * later under the one-client-per-BSN claim, nothing stored on bad input, concurrent changes);
 * households linking two trajectories with names shown on a need-to-know basis; legal deadlines
 * in the trajectory view.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUsers, as, type Caller } from '../support/api-client';
import { startTestRuntime } from '../support/runtime';
import { TrajectoryDriver } from '../support/trajectory-driver';

let env: Awaited<ReturnType<typeof startTestRuntime>>;
let admin: Caller;
let rita: Caller;
let rob: Caller;
let amal: { clientId: string; trajectoryId: string; driver: TrajectoryDriver };
let yusuf: { clientId: string; trajectoryId: string };
let sara: { clientId: string; trajectoryId: string };

const BASELINE = { finances: 2, workEducation: 2, housing: 3, socialNetwork: 2 };

async function start(client: object, regisseurId: string): Promise<{ clientId: string; trajectoryId: string }> {
  const created = await admin.post('/clients', client);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const started = await admin.post('/trajectories', { clientId: created.body.clientId, regisseurId });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  return { clientId: created.body.clientId, trajectoryId: started.body.trajectoryId };
}

const fields = (reply: { body: { errors?: Array<{ field: string }> } }) => (reply.body.errors ?? []).map((e) => e.field);

beforeAll(async () => {
  env = await startTestRuntime('2025-01-15');
  admin = await as(env.runtime.url, env.dataDir, 'beheerder', 'admin');
  await addUsers(admin, { userId: 'rita', role: 'regisseur' }, { userId: 'rob', role: 'regisseur' });
  rita = await as(env.runtime.url, env.dataDir, 'regisseur', 'rita');
  rob = await as(env.runtime.url, env.dataDir, 'regisseur', 'rob');
  const a = await start({ firstName: 'Amal', lastName: 'Haddad', birthDate: '1990-03-01', settledOn: '2025-01-15' }, 'rita');
  amal = { ...a, driver: new TrajectoryDriver(admin, rita, a.trajectoryId) };
  yusuf = await start({ firstName: 'Yusuf', lastName: 'Haddad', birthDate: '1988-06-02', settledOn: '2025-01-15' }, 'rob');
  sara = await start({ firstName: 'Sara', lastName: 'Haddad', birthDate: '2005-11-20', settledOn: '2025-01-15' }, 'rita');
  // Kennismaking 2025-07-15, POP (version 1, no goals) 2025-08-15; the clock stands on 2025-08-15.
  await amal.driver.throughPop(BASELINE);
}, 60_000);
afterAll(async () => {
  await env?.stop();
});

describe('the POP after the POP task', () => {
  const goals = [
    { domain: 'inburgering', shortTermGoal: 'A2 halen', targetDate: '2026-02-01', currentSituation: 'A1', desiredSituation: 'A2', action: 'Taalcursus 3x per week', longTermGoal: 'Verpleegkundige worden' },
    { domain: 'workEducation', desiredSituation: 'Stage in de zorg', action: 'Gesprek met het Werkbedrijf' },
  ];

  it('is revised into a new version; the earlier one stays readable and the trajectory shows the current one', async () => {
    const revised = await rita.put(`/trajectories/${amal.trajectoryId}/pop`, { agreedOn: '2025-08-15', goals, ideas: 'Misschien later een eigen zaak', basedOnVersion: 1 });
    expect(revised.status, JSON.stringify(revised.body)).toBe(200);
    expect(revised.body).toMatchObject({ version: 2, agreedOn: '2025-08-15', goals, ideas: 'Misschien later een eigen zaak', origin: 'revision' });
    expect(revised.body.recordedBy).toBeUndefined();

    // The same PUT again makes no third version.
    expect((await rita.put(`/trajectories/${amal.trajectoryId}/pop`, { agreedOn: '2025-08-15', goals, ideas: 'Misschien later een eigen zaak', basedOnVersion: 1 })).body.version).toBe(2);
    // A revision of a version that is no longer current is a conflict.
    expect((await rita.put(`/trajectories/${amal.trajectoryId}/pop`, { agreedOn: '2025-08-15', goals: [], basedOnVersion: 1 })).status).toBe(409);

    const history = await rita.get(`/trajectories/${amal.trajectoryId}/pop`);
    expect(history.status).toBe(200);
    expect(history.body.current).toBe(2);
    expect(history.body.versions.map((v: { version: number; goals: unknown[] }) => [v.version, v.goals.length])).toEqual([[1, 0], [2, 2]]);
    const view = await amal.driver.view();
    expect(view.pop).toMatchObject({ version: 2, versions: 2, goals });
    expect(view.popAgreedOn).toBe('2025-08-15'); // the three years still run from the first POP
  });

  it('records a review; new goals make a new version with the earlier goals', async () => {
    const plain = await rita.post(`/trajectories/${amal.trajectoryId}/pop/reviews`, { heldOn: '2025-08-15', location: 'library', achieved: 'Inschrijving taalcursus' });
    expect(plain.status, JSON.stringify(plain.body)).toBe(201);
    expect(plain.body.popVersion).toBeUndefined();
    expect(plain.body.review).toMatchObject({ popVersion: 2, achieved: 'Inschrijving taalcursus', location: 'library' });

    const body = { heldOn: '2025-08-15', location: 'home', changes: 'Ook werk zoeken', newGoals: [{ domain: 'finances', shortTermGoal: 'Toeslagen aanvragen', targetDate: '2025-10-01' }] };
    const withGoals = await rita.post(`/trajectories/${amal.trajectoryId}/pop/reviews`, body, { 'idempotency-key': 'review-amal-1' });
    expect(withGoals.status, JSON.stringify(withGoals.body)).toBe(201);
    expect(withGoals.body.popVersion).toMatchObject({ version: 3, origin: 'review', reviewId: withGoals.body.review.reviewId, goals: [...goals, ...body.newGoals] });
    // A retry with the same key replays the answer and records nothing more.
    const replay = await rita.post(`/trajectories/${amal.trajectoryId}/pop/reviews`, body, { 'idempotency-key': 'review-amal-1' });
    expect(replay.body).toEqual(withGoals.body);

    const history = (await admin.get(`/trajectories/${amal.trajectoryId}/pop`)).body;
    expect(history.versions.map((v: { version: number }) => v.version)).toEqual([1, 2, 3]);
    expect(history.reviews.map((r: { popVersion: number }) => r.popVersion)).toEqual([2, 3]);
    expect((await amal.driver.view()).pop).toMatchObject({ version: 3, versions: 3 });
  });

  it('names bad fields, and is for the trajectory’s own regisseur from the begeleiding on', async () => {
    const bad = await rita.put(`/trajectories/${amal.trajectoryId}/pop`, { agreedOn: '2025-08-16', goals: [{ domain: 'hobbies' }] });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['goals.0.domain']);
    const future = await rita.post(`/trajectories/${amal.trajectoryId}/pop/reviews`, { heldOn: '2025-09-01', location: 'home' });
    expect(future.status).toBe(400);
    expect(fields(future)).toEqual(['heldOn']);
    expect((await rob.put(`/trajectories/${amal.trajectoryId}/pop`, { agreedOn: '2025-08-15', goals: [] })).status).toBe(404);
    expect((await rob.get(`/trajectories/${amal.trajectoryId}/pop`)).status).toBe(404);
    expect((await rob.post(`/trajectories/${amal.trajectoryId}/pop/reviews`, { heldOn: '2025-08-15', location: 'home' })).status).toBe(404);
    expect((await admin.put(`/trajectories/${amal.trajectoryId}/pop`, { agreedOn: '2025-08-15', goals: [] })).status).toBe(403);
    // Sara has no POP yet: it is agreed through the POP task first.
    expect((await rita.put(`/trajectories/${sara.trajectoryId}/pop`, { agreedOn: '2025-08-15', goals: [] })).status).toBe(409);
    expect((await rita.get(`/trajectories/${amal.trajectoryId}/pop`)).body.versions).toHaveLength(3);
  });
});

describe('PATCH /clients/{id}', () => {
  it('adds contact details, language, interpreter and a BSN later, audited by field name', async () => {
    const reply = await rita.patch(`/clients/${amal.clientId}`, {
      bsn: '123456782',
      phone: '+31 6 1234 5678',
      email: 'amal@example.nl',
      address: { street: 'Molenstraat', houseNumber: '12', postalCode: '6511ab', city: 'Nijmegen' },
      preferredLanguage: 'Arabisch',
      interpreterNeeded: true,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({ bsn: '123456782', preferredLanguage: 'Arabisch', interpreterNeeded: true, address: { postalCode: '6511 AB' }, version: 2 });
    const audit = (await admin.get(`/clients/${amal.clientId}/audit`)).body.entries;
    // Entries of one (virtual) moment are in no particular order.
    expect(audit).toContainEqual(
      expect.objectContaining({ actorId: 'rita', action: 'update', detail: 'update client: phone, email, address, preferredLanguage, interpreterNeeded, bsn' }),
    );
    expect(JSON.stringify(audit)).not.toContain('123456782');
  });

  it('a BSN of another client is a conflict, a bad one a 400 naming bsn; neither stores anything', async () => {
    const before = (await admin.get(`/clients/${yusuf.clientId}`)).body;
    const audit = (await admin.get(`/clients/${yusuf.clientId}/audit`)).body.entries;
    const taken = await admin.patch(`/clients/${yusuf.clientId}`, { bsn: '123456782', phone: '0612345678' });
    expect(taken.status).toBe(409);
    const bad = await admin.patch(`/clients/${yusuf.clientId}`, { bsn: '123456783', phone: '0612345678' });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['bsn']);
    const badPhone = await admin.patch(`/clients/${yusuf.clientId}`, { phone: 'call me' });
    expect(fields(badPhone)).toEqual(['phone']);
    expect((await admin.get(`/clients/${yusuf.clientId}/audit`)).body.entries).toEqual(audit);
    expect((await admin.get(`/clients/${yusuf.clientId}`)).body).toEqual(before);
    // Free BSNs still work for him.
    expect((await admin.patch(`/clients/${yusuf.clientId}`, { bsn: '111222333' })).status).toBe(200);
  });

  it('a recorded BSN is corrected by the beheerder; another regisseur does not find the client', async () => {
    expect((await rita.patch(`/clients/${amal.clientId}`, { bsn: '012345672' })).status).toBe(403);
    expect((await rob.patch(`/clients/${amal.clientId}`, { phone: '0612345678' })).status).toBe(404);
    expect((await rita.patch(`/clients/${amal.clientId}`, {})).status).toBe(400);
  });

  it('changes a client registered before clients had versions', async () => {
    const clientId = 'LEGACY1';
    await env.runtime.deps.store.createClient({ clientId, firstName: 'Omar', lastName: 'Haddad', birthDate: '1960-01-01', settledOn: '2025-01-15', createdAt: '2025-01-15T09:00:00.000Z', createdBy: 'admin' });
    const reply = await admin.patch(`/clients/${clientId}`, { interpreterNeeded: true, expectedVersion: 0 });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({ interpreterNeeded: true, version: 1 });
    expect((await admin.patch(`/clients/${clientId}`, { interpreterNeeded: false, expectedVersion: 0 })).status).toBe(409);
  });

  it('two changes at once both land', async () => {
    const [a, b] = await Promise.all([
      rita.patch(`/clients/${sara.clientId}`, { phone: '0611111111' }),
      admin.patch(`/clients/${sara.clientId}`, { preferredLanguage: 'Tigrinya' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const stored = (await admin.get(`/clients/${sara.clientId}`)).body;
    expect(stored).toMatchObject({ phone: '0611111111', preferredLanguage: 'Tigrinya', version: 3 });
    expect((await rita.patch(`/clients/${sara.clientId}`, { phone: '0622222222', expectedVersion: 2 })).status).toBe(409);
  });
});

describe('households', () => {
  it('links the trajectories of one household; names only for who may see the client', async () => {
    for (const { clientId } of [amal, yusuf, sara]) {
      const reply = await admin.put(`/clients/${clientId}/household`, { householdId: 'haddad' });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toEqual({ clientId, householdId: 'haddad' });
    }
    expect((await rita.put(`/clients/${amal.clientId}/household`, { householdId: 'other' })).status).toBe(403);

    const forRita = (await rita.get(`/trajectories/${amal.trajectoryId}`)).body.household;
    expect(forRita.householdId).toBe('haddad');
    const byId = Object.fromEntries(forRita.trajectories.map((t: { trajectoryId: string }) => [t.trajectoryId, t]));
    // Yusuf's trajectory is Rob's: Rita sees that it exists, its phase and its regisseur, not his name.
    expect(byId[yusuf.trajectoryId]).toEqual({ trajectoryId: yusuf.trajectoryId, phase: 'kennismaking', status: 'active', regisseurId: 'rob' });
    // Sara is Rita's own client.
    expect(byId[sara.trajectoryId]).toMatchObject({ regisseurId: 'rita', client: { clientId: sara.clientId, name: 'Sara Haddad' } });
    expect(JSON.stringify(forRita)).not.toContain('Yusuf');
    // The link shows no more than that: his trajectory itself is still not found for her.
    expect((await rita.get(`/trajectories/${yusuf.trajectoryId}`)).status).toBe(404);

    const forRob = (await rob.get(`/trajectories/${yusuf.trajectoryId}`)).body.household;
    expect(forRob.trajectories.map((t: { trajectoryId: string }) => t.trajectoryId).sort()).toEqual([amal.trajectoryId, sara.trajectoryId].sort());
    expect(JSON.stringify(forRob)).not.toMatch(/Amal|Sara/);

    const forAdmin = (await admin.get(`/trajectories/${amal.trajectoryId}`)).body.household;
    expect(forAdmin.trajectories.find((t: { trajectoryId: string }) => t.trajectoryId === yusuf.trajectoryId).client).toEqual({ clientId: yusuf.clientId, name: 'Yusuf Haddad' });

    // Sara leaves the household.
    expect((await admin.put(`/clients/${sara.clientId}/household`, { householdId: null })).body).toEqual({ clientId: sara.clientId });
    expect((await rob.get(`/trajectories/${yusuf.trajectoryId}`)).body.household.trajectories.map((t: { trajectoryId: string }) => t.trajectoryId)).toEqual([amal.trajectoryId]);
    expect((await rita.get(`/trajectories/${sara.trajectoryId}`)).body.household).toBeUndefined();
  });
});

describe('legal deadlines', () => {
  it('are recorded, listed, resolved and shown in the trajectory view', async () => {
    const expiry = await rita.post(`/clients/${amal.clientId}/deadlines`, { kind: 'residence_permit_expiry', date: '2030-01-15' });
    expect(expiry.status, JSON.stringify(expiry.body)).toBe(201);
    const term = await admin.post(`/clients/${amal.clientId}/deadlines`, { kind: 'inburgering_term_end', date: '2028-01-15', note: 'Termijn DUO' });
    const other = await rita.post(`/clients/${amal.clientId}/deadlines`, { kind: 'other', label: 'Huurcontract verlengen', date: '2026-06-01' });
    expect([term.status, other.status]).toEqual([201, 201]);

    const view = await amal.driver.view();
    expect(view.deadlines.map((d: { kind: string }) => d.kind)).toEqual(['other', 'inburgering_term_end', 'residence_permit_expiry']);

    const resolved = await rita.post(`/clients/${amal.clientId}/deadlines/${other.body.deadlineId}/resolve`);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ deadlineId: other.body.deadlineId, resolvedBy: 'rita' });
    expect((await amal.driver.view()).deadlines.map((d: { deadlineId: string }) => d.deadlineId)).toEqual([term.body.deadlineId, expiry.body.deadlineId]);
    const list = await rita.get(`/clients/${amal.clientId}/deadlines`);
    expect(list.body.deadlines).toHaveLength(3);
    expect(list.body.deadlines[0]).toMatchObject({ kind: 'other', resolvedAt: expect.any(String) });

    const audit = (await admin.get(`/clients/${amal.clientId}/audit`)).body.entries.map((e: { detail: string }) => e.detail);
    expect(audit).toEqual(expect.arrayContaining([`add deadline ${expiry.body.deadlineId} (residence_permit_expiry)`, `resolve deadline ${other.body.deadlineId}`, 'read deadlines']));
  });

  it('names bad fields and hides another regisseur’s client', async () => {
    const badKind = await rita.post(`/clients/${amal.clientId}/deadlines`, { kind: 'visa', date: '2030-01-15' });
    expect(badKind.status).toBe(400);
    expect(fields(badKind)).toEqual(['kind']);
    const noLabel = await rita.post(`/clients/${amal.clientId}/deadlines`, { kind: 'other', date: '2030-01-15' });
    expect(fields(noLabel)).toEqual(['label']);
    expect(fields(await rita.post(`/clients/${amal.clientId}/deadlines`, { kind: 'other', label: 'x', date: '2030-02-30' }))).toEqual(['date']);
    expect((await rob.get(`/clients/${amal.clientId}/deadlines`)).status).toBe(404);
    expect((await rob.post(`/clients/${amal.clientId}/deadlines`, { kind: 'residence_permit_expiry', date: '2030-01-15' })).status).toBe(404);
    expect((await rita.get(`/clients/${amal.clientId}/deadlines`)).body.deadlines).toHaveLength(3);
  });
});
