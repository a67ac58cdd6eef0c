/**
 * The API end to end, over HTTP against the backend started as `npm start` starts it:
 * authentication, who sees what, bad input, and repeated or concurrent requests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUsers, as, caller, eventually, type Caller } from '../support/api-client';
import { startChildRuntime, type ChildRuntime } from '../support/child-runtime';
import { issueLocalToken } from '../../adapters/auth/local-issuer';

let dataDir: string;
let runtime: ChildRuntime;
let beheerder: Caller;
let rita: Caller;
let rob: Caller;
let gemeente: Caller;

const client = {
  firstName: 'Yusuf',
  lastName: 'Tesfay',
  birthDate: '1994-06-02',
  settledOn: '2025-01-15',
  address: { street: 'Molenstraat', houseNumber: '12', postalCode: '6511ab', city: 'Nijmegen' },
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'trajectregie-e2e-'));
  runtime = await startChildRuntime({ DATA_DIR: dataDir, CLOCK: 'virtual', CLOCK_START: '2025-01-15' });
  beheerder = await as(runtime.url, dataDir, 'beheerder', 'bea');
  rita = await as(runtime.url, dataDir, 'regisseur', 'rita');
  rob = await as(runtime.url, dataDir, 'regisseur', 'rob');
  gemeente = await as(runtime.url, dataDir, 'gemeente', 'klantregie');
  await addUsers(beheerder, { userId: 'rita', role: 'regisseur' }, { userId: 'rob', role: 'regisseur' }, { userId: 'klantregie', role: 'gemeente' });
});
afterAll(async () => {
  await runtime?.kill();
  await rm(dataDir, { recursive: true, force: true });
});

async function newTrajectory(regisseurId = 'rita'): Promise<{ clientId: string; trajectoryId: string; task: any }> {
  const { body: created } = await beheerder.post('/clients', client);
  const started = await beheerder.post('/trajectories', { clientId: created.clientId, regisseurId });
  expect(started.status).toBe(201);
  const regisseur = regisseurId === 'rita' ? rita : rob;
  const task = await eventually(async () => {
    const { body } = await regisseur.get('/tasks');
    return body.tasks.find((t: any) => t.trajectoryId === started.body.trajectoryId);
  }, 'the kennismaking task');
  return { clientId: created.clientId, trajectoryId: started.body.trajectoryId, task };
}

describe('authentication', () => {
  it('serves the OpenAPI 3.1 document without a token', async () => {
    const { status, body } = await caller(runtime.url, undefined).get('/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/clients', '/trajectories/{trajectoryId}', '/tasks/{taskId}/complete', '/handovers/{handoverId}/acknowledge']));
  });

  it('answers 401 with a problem when the token is missing, malformed or from another issuer key', async () => {
    const otherDir = await mkdtemp(join(tmpdir(), 'trajectregie-other-key-'));
    const forged = await issueLocalToken(otherDir, 'beheerder', 'mallory');
    await rm(otherDir, { recursive: true, force: true });
    for (const token of [undefined, 'not-a-jwt', forged]) {
      const reply = await caller(runtime.url, token).get('/tasks');
      expect(reply.status).toBe(401);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      expect(reply.body.detail).toBeTruthy();
    }
  });

  it('answers 403 when the role may not do it', async () => {
    const reply = await rita.post('/clients', client);
    expect(reply.status).toBe(403);
  });
});

describe('who sees what', () => {
  it("gives another regisseur 404 for a trajectory, a task and a completion that are not theirs", async () => {
    const { trajectoryId, task, clientId } = await newTrajectory('rita');
    expect((await rob.get(`/trajectories/${trajectoryId}`)).status).toBe(404);
    expect((await rob.get(`/tasks/${task.taskId}`)).status).toBe(404);
    expect((await rob.get(`/clients/${clientId}`)).status).toBe(404);
    expect((await rob.post(`/tasks/${task.taskId}/complete`, { heldOn: '2025-01-15', location: 'home' })).status).toBe(404);
    expect((await rob.get('/tasks')).body.tasks.some((t: any) => t.trajectoryId === trajectoryId)).toBe(false);
    expect((await rob.get('/trajectories')).body.trajectories.some((t: any) => t.trajectoryId === trajectoryId)).toBe(false);
    expect((await rita.get(`/trajectories/${trajectoryId}`)).status).toBe(200);
    expect((await beheerder.get(`/trajectories/${trajectoryId}`)).status).toBe(200);
  });

  it('logs every read and change of a client’s data, for the beheerder only', async () => {
    const { clientId, trajectoryId } = await newTrajectory('rita');
    await rita.get(`/trajectories/${trajectoryId}`);
    const { status, body } = await beheerder.get(`/clients/${clientId}/audit`);
    expect(status).toBe(200);
    expect(body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actorId: 'bea', action: 'create', detail: 'register client' }),
        expect.objectContaining({ actorId: 'bea', action: 'create', detail: `start trajectory ${trajectoryId}` }),
        expect.objectContaining({ actorId: 'rita', action: 'read', detail: `read trajectory ${trajectoryId}` }),
        expect.objectContaining({ actorId: 'rita', action: 'read', detail: 'list open tasks' }),
      ]),
    );
    expect((await rita.get(`/clients/${clientId}/audit`)).status).toBe(403);
  });
});

describe('bad input', () => {
  it('answers 400 naming each bad field, and stores no client', async () => {
    const before = (await beheerder.get('/clients')).body.clients.length;
    const reply = await beheerder.post('/clients', {
      ...client,
      lastName: undefined,
      birthDate: '1994-13-02',
      bsn: '123456783',
      email: 'not-an-email',
      nickname: 'x',
    });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    const fields = reply.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['lastName', 'birthDate', 'bsn', 'email']));
    expect(reply.body.errors.some((e: { message: string }) => /nickname/.test(e.message))).toBe(true);
    expect((await beheerder.post('/clients', '{"firstName": ')).status).toBe(400);
    expect((await beheerder.post('/clients', { ...client, settledOn: '2999-01-01' })).status).toBe(400);
    expect((await beheerder.get('/clients')).body.clients.length).toBe(before);
  });

  it('answers 400 naming an unknown query parameter or a bad filter value, never ignoring it', async () => {
    const unknown = await beheerder.get('/trajectories?workflowStatus=failed');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'workflowStatus' })]);
    const badPhase = await beheerder.get('/trajectories?phase=done');
    expect(badPhase.status).toBe(400);
    expect(badPhase.body.errors).toEqual([expect.objectContaining({ field: 'phase' })]);
    const unknownFilter = await rita.get('/tasks?sort=due');
    expect(unknownFilter.status).toBe(400);
    expect(unknownFilter.body.errors).toEqual([expect.objectContaining({ field: 'sort' })]);
    expect((await beheerder.get('/trajectories?phase=kennismaking')).status).toBe(200);
  });

  it('answers 400 for a trajectory of an unknown client and starts nothing', async () => {
    const before = (await beheerder.get('/trajectories')).body.trajectories.length;
    const reply = await beheerder.post('/trajectories', { clientId: 'NOSUCHCLIENT', regisseurId: 'rita' });
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([expect.objectContaining({ field: 'clientId' })]);
    expect((await beheerder.get('/trajectories')).body.trajectories.length).toBe(before);
  });

  it('answers 400 to a bad completion and leaves the trajectory as it was', async () => {
    const { trajectoryId, task } = await newTrajectory('rita');
    const before = (await rita.get(`/trajectories/${trajectoryId}`)).body;
    for (const bad of [
      { heldOn: '2025-01-15', location: 'moon' },
      { heldOn: '15-01-2025', location: 'home' },
      { location: 'home' },
      { heldOn: '2031-01-01', location: 'home' },
    ]) {
      const reply = await rita.post(`/tasks/${task.taskId}/complete`, bad);
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect(reply.body.errors.length).toBeGreaterThan(0);
    }
    const after = (await rita.get(`/trajectories/${trajectoryId}`)).body;
    expect(after.contacts).toEqual(before.contacts);
    expect(after.tasks).toEqual(before.tasks);
    expect(after.phase).toBe('kennismaking');
  });

  it('starts one trajectory when several starts for one client race', async () => {
    const { body: created } = await beheerder.post('/clients', client);
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => beheerder.post('/trajectories', { clientId: created.clientId, regisseurId: 'rita' })),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(7);
    const mine = (await beheerder.get('/trajectories')).body.trajectories.filter((t: any) => t.clientId === created.clientId);
    expect(mine).toHaveLength(1);
  });

  it('refuses a second active trajectory for one client', async () => {
    const { clientId } = await newTrajectory('rita');
    const reply = await beheerder.post('/trajectories', { clientId, regisseurId: 'rob' });
    expect(reply.status).toBe(409);
  });
});

describe('repeated and concurrent requests', () => {
  it('completes a task once: the same Idempotency-Key replays, a repeat without it conflicts', async () => {
    const { trajectoryId, task } = await newTrajectory('rita');
    const body = { heldOn: '2025-01-15', location: 'home' };
    const first = await rita.post(`/tasks/${task.taskId}/complete`, body, { 'idempotency-key': 'complete-kennismaking-1' });
    const replay = await rita.post(`/tasks/${task.taskId}/complete`, body, { 'idempotency-key': 'complete-kennismaking-1' });
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const otherBody = await rita.post(`/tasks/${task.taskId}/complete`, { ...body, location: 'library' }, { 'idempotency-key': 'complete-kennismaking-1' });
    expect(otherBody.status).toBe(400);
    const again = await rita.post(`/tasks/${task.taskId}/complete`, body);
    expect(again.status).toBe(409);

    const view = (await rita.get(`/trajectories/${trajectoryId}`)).body;
    expect(view.contacts).toHaveLength(1);
    expect(view.tasks.filter((t: any) => t.type === 'KENNISMAKING')).toHaveLength(1);
  });

  it('lets exactly one of many concurrent completions through', async () => {
    const { trajectoryId, task } = await newTrajectory('rita');
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) => rita.post(`/tasks/${task.taskId}/complete`, { heldOn: '2025-01-15', location: i % 2 ? 'home' : 'library' })),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(5);
    const view = (await rita.get(`/trajectories/${trajectoryId}`)).body;
    expect(view.contacts).toHaveLength(1);
    const next = await eventually(async () => {
      const { body } = await rita.get('/tasks');
      return body.tasks.find((t: any) => t.trajectoryId === trajectoryId && t.type === 'POP');
    }, 'the POP task');
    expect(next.dueAt).toBe('2025-02-15');
  });

  it('registers one client per BSN, also when registrations race', async () => {
    const before = (await beheerder.get('/clients')).body.clients.length;
    const replies = await Promise.all(Array.from({ length: 5 }, () => beheerder.post('/clients', { ...client, bsn: '111222333' })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(replies.find((r) => r.status === 409)?.body.detail).toMatch(/BSN/);
    expect((await beheerder.get('/clients')).body.clients.length).toBe(before + 1);
  });

  it('registers a client once per Idempotency-Key', async () => {
    const before = (await beheerder.get('/clients')).body.clients.length;
    const a = await beheerder.post('/clients', client, { 'idempotency-key': 'register-yusuf-0001' });
    const b = await beheerder.post('/clients', client, { 'idempotency-key': 'register-yusuf-0001' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.clientId).toBe(a.body.clientId);
    expect((await beheerder.get('/clients')).body.clients.length).toBe(before + 1);
  });

  it('keeps the municipality out of trajectories and tasks of regisseurs', async () => {
    expect((await gemeente.get('/trajectories')).status).toBe(403);
    expect((await gemeente.get('/tasks')).body.tasks).toEqual([]);
  });
});
