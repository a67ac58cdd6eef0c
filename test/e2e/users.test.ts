/**
 * The user directory over HTTP against the started backend: the bootstrap beheerder, /users for
 * beheerders only, bad input named field by field with nothing stored, 404 and 409, /me and its
 * preferences, a deactivated regisseur who can no longer be given a trajectory, and the token
 * command (its own process, while the runtime holds the database) refusing whom the directory
 * does not allow.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, caller, type Caller } from '../support/api-client';
import { startTestRuntime } from '../support/runtime';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let env: Awaited<ReturnType<typeof startTestRuntime>>;
let admin: Caller;

/** `npm run token -- <role> <userId>` as its own process, on the test's data folder. */
function token(dataDir: string, role: string, userId: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'local/token.ts', role, userId],
      { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const RITA = { userId: 'rita', displayName: 'Rita de Vries', email: 'rita@vwon.nl', role: 'regisseur', organisation: 'VWON' };

beforeAll(async () => {
  env = await startTestRuntime('2025-01-15');
  const issued = await token(env.dataDir, 'beheerder', 'admin');
  expect(issued.code, issued.stderr).toBe(0);
  admin = caller(env.runtime.url, issued.stdout.trim());
});
afterAll(async () => env?.stop());

const userIds = async () => ((await admin.get('/users')).body.users as Array<{ userId: string }>).map((u) => u.userId);

describe('the directory', () => {
  it('starts with the bootstrap beheerder, who can sign in with the token command', async () => {
    const me = await admin.get('/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userId: 'admin', role: 'beheerder', active: true, version: 1 });
    expect(await userIds()).toEqual(['admin']);
  });

  it('creates a user (201) that GET /users/{id} and the list show, without the calendar key hash', async () => {
    const created = await admin.post('/users', RITA);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ ...RITA, active: true, version: 1, preferences: { email: 'each', digestHour: 7 }, createdBy: 'admin' });
    expect((await admin.get('/users/rita')).body).toEqual(created.body);
    expect(await userIds()).toContain('rita');

    // A hash stored on the record never leaves by any route.
    const { users } = env.runtime.deps;
    const stored = (await users.getUser('rita'))!;
    await users.saveUser({ ...stored, calendarKeyHash: 'f'.repeat(64), version: stored.version + 1 }, stored.version);
    const rita = await as(env.runtime.url, env.dataDir, 'regisseur', 'rita');
    const shown = [(await admin.get('/users/rita')).body, (await admin.get('/users')).body, (await rita.get('/me')).body];
    for (const body of shown) expect(JSON.stringify(body)).not.toContain('calendarKeyHash');
    const patched = await admin.patch('/users/rita', { displayName: 'Rita de Vries' });
    expect(patched.body).not.toHaveProperty('calendarKeyHash');
  });

  it('answers 409 to an id that exists, and changes nothing', async () => {
    await admin.post('/users', { ...RITA, userId: 'wim', email: 'wim@bindkracht10.nl', organisation: 'Bindkracht10' });
    const again = await admin.post('/users', { ...RITA, userId: 'wim', email: 'wim2@bindkracht10.nl', role: 'beheerder' });
    expect(again.status).toBe(409);
    expect((await admin.get('/users/wim')).body).toMatchObject({ role: 'regisseur', email: 'wim@bindkracht10.nl', version: 1 });
  });

  it('answers 400 naming each bad field, and stores nothing', async () => {
    const before = await userIds();
    for (const [bad, fields] of [
      [{ ...RITA, userId: 'no spaces allowed', email: 'not-an-email' }, ['userId', 'email']],
      [{ ...RITA, userId: 'x1', role: 'koning' }, ['role']],
      [{ ...RITA, userId: 'x2', displayName: '' }, ['displayName']],
      [{ ...RITA, userId: 'x3', active: false }, ['active']],
      [{ userId: 'x4' }, ['displayName', 'email', 'role']],
    ] as const) {
      const reply = await admin.post('/users', bad);
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      expect(reply.body.errors.map((e: { field: string }) => e.field).sort(), JSON.stringify(bad)).toEqual([...fields].sort());
    }
    expect(await userIds()).toEqual(before);
  });

  it('answers 400 to a bad change naming the field, 404 to an unknown user, and changes nothing', async () => {
    const before = (await admin.get('/users/rita')).body;
    for (const [bad, field] of [
      [{ active: 'no' }, 'active'],
      [{ role: 'beheerder' }, 'role'],
      [{ email: 'nope' }, 'email'],
      [{}, '(body)'],
    ] as const) {
      const reply = await admin.patch('/users/rita', bad);
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect(reply.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await admin.get('/users/rita')).body).toEqual(before);
    expect((await admin.get('/users/nobody')).status).toBe(404);
    expect((await admin.patch('/users/nobody', { active: false })).status).toBe(404);
    expect((await admin.get('/users/bad%20id')).status).toBe(400);
    expect(await userIds()).not.toContain('nobody');
  });

  it('is for beheerders: a regisseur and the municipality get 403 and store nothing', async () => {
    const before = await userIds();
    for (const [role, id] of [['regisseur', 'rita'], ['gemeente', 'klantregie']] as const) {
      const other = await as(env.runtime.url, env.dataDir, role, id);
      expect((await other.post('/users', { ...RITA, userId: 'sneaky', email: 'sneaky@example.nl' })).status).toBe(403);
      expect((await other.get('/users')).status).toBe(403);
      expect((await other.get('/users/rita')).status).toBe(403);
      expect((await other.patch('/users/rita', { active: false })).status).toBe(403);
    }
    expect(await userIds()).toEqual(before);
    expect((await admin.get('/users/rita')).body.active).toBe(true);
  });

  it('lists the routes in the OpenAPI document', async () => {
    const { body } = await caller(env.runtime.url, undefined).get('/openapi.json');
    expect(Object.keys(body.paths['/users'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(body.paths['/users/{userId}'])).toEqual(expect.arrayContaining(['get', 'patch']));
    expect(Object.keys(body.paths['/me/preferences'])).toEqual(expect.arrayContaining(['get', 'put']));
  });
});

describe('your own record and preferences', () => {
  it('shows every signed-in user their own record and keeps their preferences on it', async () => {
    await admin.post('/users', { userId: 'klantregie', displayName: 'Klantregie Arnhem', email: 'klantregie@arnhem.nl', role: 'gemeente' });
    const gemeente = await as(env.runtime.url, env.dataDir, 'gemeente', 'klantregie');
    expect((await gemeente.get('/me')).body).toMatchObject({ userId: 'klantregie', role: 'gemeente' });
    expect((await gemeente.get('/me/preferences')).body).toEqual({ email: 'each', digestHour: 7 });
    const set = await gemeente.put('/me/preferences', { email: 'digest', digestHour: 16 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ email: 'digest', digestHour: 16 });
    expect((await gemeente.get('/me/preferences')).body).toEqual({ email: 'digest', digestHour: 16 });
    expect((await gemeente.get('/me')).body.preferences).toEqual({ email: 'digest', digestHour: 16 });
  });

  it('answers 400 to bad preferences naming each field, and keeps the ones stored', async () => {
    const gemeente = await as(env.runtime.url, env.dataDir, 'gemeente', 'klantregie');
    for (const [bad, fields] of [
      [{ email: 'weekly', digestHour: 7 }, ['email']],
      [{ email: 'each', digestHour: 24 }, ['digestHour']],
      [{ email: 'each', digestHour: 7.5 }, ['digestHour']],
      [{ email: 'none' }, ['digestHour']],
      [{ email: 'none', digestHour: 7, sms: true }, ['sms']],
    ] as const) {
      const reply = await gemeente.put('/me/preferences', bad);
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect(reply.body.errors.map((e: { field: string }) => e.field), JSON.stringify(bad)).toEqual(fields);
    }
    expect((await gemeente.get('/me/preferences')).body).toEqual({ email: 'digest', digestHour: 16 });
  });

  it('answers 404 to a signed-in user the directory does not know', async () => {
    const stranger = await as(env.runtime.url, env.dataDir, 'regisseur', 'stranger');
    expect((await stranger.get('/me')).status).toBe(404);
    expect((await stranger.get('/me/preferences')).status).toBe(404);
    expect((await stranger.put('/me/preferences', { email: 'none', digestHour: 7 })).status).toBe(404);
    expect(await userIds()).not.toContain('stranger');
  });
});

describe('who may be given a trajectory', () => {
  it('refuses a deactivated, unknown or non-regisseur user with 400 naming regisseurId, stores nothing, and takes a reactivated one', async () => {
    await admin.post('/users', { userId: 'rob', displayName: 'Rob', email: 'rob@wijland.nl', role: 'regisseur', organisation: 'Bureau Wijland' });
    const off = await admin.patch('/users/rob', { active: false });
    expect(off.body).toMatchObject({ active: false, version: 2 });

    const { body: client } = await admin.post('/clients', { firstName: 'Amal', lastName: 'Haddad', birthDate: '1990-03-01', settledOn: '2025-01-15' });
    const before = (await admin.get('/trajectories')).body.trajectories.length;
    for (const regisseurId of ['rob', 'nobody', 'admin', 'klantregie']) {
      const reply = await admin.post('/trajectories', { clientId: client.clientId, regisseurId });
      expect(reply.status, regisseurId).toBe(400);
      expect(reply.body.errors, regisseurId).toEqual([expect.objectContaining({ field: 'regisseurId' })]);
    }
    expect((await admin.get('/trajectories')).body.trajectories.length).toBe(before);

    expect((await admin.patch('/users/rob', { active: true })).body.active).toBe(true);
    const started = await admin.post('/trajectories', { clientId: client.clientId, regisseurId: 'rob' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
  });
});

describe('the token command', () => {
  it('gives a token to an active user in their own role', async () => {
    const issued = await token(env.dataDir, 'regisseur', 'rita');
    expect(issued.code, issued.stderr).toBe(0);
    const rita = caller(env.runtime.url, issued.stdout.trim());
    expect((await rita.get('/me')).body.userId).toBe('rita');
  });

  it('refuses an unknown user, another role than the directory’s, and a deactivated user', async () => {
    const unknown = await token(env.dataDir, 'beheerder', 'mallory');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/mallory is not in the directory/);

    const otherRole = await token(env.dataDir, 'beheerder', 'rita');
    expect(otherRole.code).toBe(1);
    expect(otherRole.stderr).toMatch(/rita is a regisseur in the directory, not a beheerder/);

    await admin.post('/users', { userId: 'gone', displayName: 'Gone', email: 'gone@vwon.nl', role: 'regisseur' });
    expect((await token(env.dataDir, 'regisseur', 'gone')).code).toBe(0);
    await admin.patch('/users/gone', { active: false });
    const deactivated = await token(env.dataDir, 'regisseur', 'gone');
    expect(deactivated.code).toBe(1);
    expect(deactivated.stderr).toMatch(/gone is deactivated/);
  });

  it('refuses in a data folder the runtime has not started in yet', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'trajectregie-no-directory-'));
    try {
      const refused = await token(empty, 'beheerder', 'admin');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/start the runtime first/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
