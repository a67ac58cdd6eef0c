/**
 * The user directory on the in-memory fakes: who may change it, the version on every save, the
 * identity provider kept in step, the regisseur check before a trajectory starts, the bootstrap
 * admin; and the Cognito adapter's exact commands.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminUpdateUserAttributesCommand,
  AdminEnableUserCommand,
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
} from '@aws-sdk/client-cognito-identity-provider';
import * as cognitoSdk from '@aws-sdk/client-cognito-identity-provider';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors';
import type { Actor, NewUser } from '../../core/schemas';
import { registerClient } from '../../core/usecases/clients';
import { startTrajectory } from '../../core/usecases/trajectories';
import {
  bootstrapDirectory,
  changeUser,
  createUser,
  getPreferences,
  getUser,
  listUsers,
  me,
  requireActiveRegisseur,
  setPreferences,
} from '../../core/usecases/users';
import { CognitoIdentity, cognitoIdentity } from '../../adapters/identity/cognito';
import { userOut } from '../../api/user-routes';
import { addUsers, fakeWorld, type FakeWorld } from '../support/fakes';

const bea: Actor = { userId: 'bea', role: 'beheerder' };
const rita: Actor = { userId: 'rita', role: 'regisseur' };
const RITA: NewUser = { userId: 'rita', displayName: 'Rita de Vries', email: 'rita@vwon.nl', role: 'regisseur', organisation: 'VWON' };

let world: FakeWorld;
beforeEach(() => {
  world = fakeWorld('2025-01-20T09:00:00.000Z');
});

const reject = async (run: Promise<unknown>) => {
  try {
    await run;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('creating users', () => {
  it('stores a new user active, at version 1, with the default preferences, after creating their sign-in', async () => {
    const created = await createUser(world.deps, bea, RITA);
    expect(created).toEqual({
      ...RITA,
      active: true,
      preferences: { email: 'each', digestHour: 7 },
      createdAt: '2025-01-20T09:00:00.000Z',
      createdBy: 'bea',
      updatedAt: '2025-01-20T09:00:00.000Z',
      version: 1,
    });
    expect(await world.users.getUser('rita')).toEqual(created);
    expect(world.identity.calls).toEqual([{ call: 'createUser', userId: 'rita' }]);
  });

  it('is for beheerders only: a regisseur stores nothing and creates no sign-in', async () => {
    expect(await reject(createUser(world.deps, rita, { ...RITA, userId: 'other' }))).toBeInstanceOf(ForbiddenError);
    expect(await reject(listUsers(world.deps, rita))).toBeInstanceOf(ForbiddenError);
    expect(await reject(getUser(world.deps, rita, 'rita'))).toBeInstanceOf(ForbiddenError);
    expect(await reject(changeUser(world.deps, rita, 'rita', { active: false }))).toBeInstanceOf(ForbiddenError);
    expect(world.users.users.size).toBe(0);
    expect(world.identity.calls).toEqual([]);
  });

  it('refuses an id that exists (409) without touching the identity provider or the stored user', async () => {
    await createUser(world.deps, bea, RITA);
    const error = await reject(createUser(world.deps, bea, { ...RITA, email: 'other@vwon.nl', role: 'beheerder' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).status).toBe(409);
    expect(world.identity.calls).toHaveLength(1);
    expect((await world.users.getUser('rita'))?.role).toBe('regisseur');
  });

  it('answers 409 when the id was taken between the check and the write', async () => {
    const original = world.users.createUser.bind(world.users);
    world.users.createUser = async (user) => {
      await original({ ...user, displayName: 'the other one' });
      return original(user);
    };
    expect(await reject(createUser(world.deps, bea, RITA))).toBeInstanceOf(ConflictError);
  });

  it('refuses an e-mail address another user has (Cognito signs in by it)', async () => {
    await createUser(world.deps, bea, RITA);
    expect(await reject(createUser(world.deps, bea, { ...RITA, userId: 'rita2', email: 'RITA@vwon.nl' }))).toBeInstanceOf(ConflictError);
    expect(world.users.users.has('rita2')).toBe(false);
  });

  it('lists and reads users; an unknown id is 404', async () => {
    await createUser(world.deps, bea, RITA);
    world.at('2025-01-21T09:00:00.000Z');
    await createUser(world.deps, bea, { userId: 'klantregie', displayName: 'Klantregie', email: 'klantregie@arnhem.nl', role: 'gemeente' });
    expect((await listUsers(world.deps, bea)).map((u) => u.userId)).toEqual(['rita', 'klantregie']);
    expect((await getUser(world.deps, bea, 'rita')).email).toBe('rita@vwon.nl');
    expect(await reject(getUser(world.deps, bea, 'nobody'))).toBeInstanceOf(NotFoundError);
  });
});

describe('changing users', () => {
  beforeEach(async () => {
    await createUser(world.deps, bea, RITA);
    world.identity.calls = [];
  });

  it('changes fields conditionally on the version, and removes the organisation with null', async () => {
    world.at('2025-02-01T10:00:00.000Z');
    const changed = await changeUser(world.deps, bea, 'rita', { displayName: 'Rita Jansen', organisation: null });
    expect(changed).toMatchObject({ displayName: 'Rita Jansen', version: 2, updatedAt: '2025-02-01T10:00:00.000Z', active: true });
    expect(changed).not.toHaveProperty('organisation');
    expect(await world.users.getUser('rita')).toEqual(changed);
    expect(world.identity.calls).toEqual([]);
  });

  it('deactivates and reactivates: the record, then the sign-in', async () => {
    expect((await changeUser(world.deps, bea, 'rita', { active: false })).active).toBe(false);
    expect(world.identity.calls).toEqual([{ call: 'setActive', userId: 'rita', active: false }]);
    expect((await changeUser(world.deps, bea, 'rita', { active: true })).active).toBe(true);
    expect(world.identity.calls.at(-1)).toEqual({ call: 'setActive', userId: 'rita', active: true });
    expect((await world.users.getUser('rita'))?.version).toBe(3);
  });

  it('keeps the directory as it was when the identity provider fails, so a retry is whole', async () => {
    world.identity.setActive = async () => {
      throw new Error('Cognito unavailable');
    };
    // The record is saved first; the request fails, and repeating it tells the provider again.
    await expect(changeUser(world.deps, bea, 'rita', { active: false })).rejects.toThrow('Cognito unavailable');
    world.identity.setActive = async (userId, active) => void world.identity.calls.push({ call: 'setActive', userId, active });
    await changeUser(world.deps, bea, 'rita', { active: false });
    expect(world.identity.calls).toEqual([{ call: 'setActive', userId: 'rita', active: false }]);
    expect((await world.users.getUser('rita'))?.active).toBe(false);
  });

  it('loads and applies again when another change won the race, losing neither', async () => {
    const original = world.users.saveUser.bind(world.users);
    let raced = false;
    world.users.saveUser = async (user, expectedVersion) => {
      if (!raced) {
        raced = true;
        const stored = world.users.users.get('rita')!;
        world.users.users.set('rita', { ...stored, email: 'rita.new@vwon.nl', version: stored.version + 1 });
      }
      return original(user, expectedVersion);
    };
    const changed = await changeUser(world.deps, bea, 'rita', { displayName: 'Rita J.' });
    expect(changed).toMatchObject({ displayName: 'Rita J.', email: 'rita.new@vwon.nl', version: 3 });
  });

  it('answers 404 for an unknown user and changes nothing', async () => {
    expect(await reject(changeUser(world.deps, bea, 'nobody', { active: false }))).toBeInstanceOf(NotFoundError);
    expect(world.identity.calls).toEqual([]);
    expect([...world.users.users.keys()]).toEqual(['rita']);
  });
});

describe('the signed-in user', () => {
  it('reads their own record and sets their preferences on it', async () => {
    await createUser(world.deps, bea, RITA);
    expect((await me(world.deps, rita)).userId).toBe('rita');
    expect(await getPreferences(world.deps, rita)).toEqual({ email: 'each', digestHour: 7 });
    expect(await setPreferences(world.deps, rita, { email: 'digest', digestHour: 17 })).toEqual({ email: 'digest', digestHour: 17 });
    expect(await world.users.getUser('rita')).toMatchObject({ preferences: { email: 'digest', digestHour: 17 }, version: 2 });
  });

  it('answers 404 to a user the directory does not know', async () => {
    expect(await reject(me(world.deps, rita))).toBeInstanceOf(NotFoundError);
    expect(await reject(setPreferences(world.deps, rita, { email: 'none', digestHour: 7 }))).toBeInstanceOf(NotFoundError);
    expect(world.users.users.size).toBe(0);
  });

  it('never shows the calendar key hash', () => {
    const shown = userOut({ ...RITA, active: true, preferences: { email: 'each', digestHour: 7 }, calendarKeyHash: 'abc', createdAt: 'x', createdBy: 'bea', updatedAt: 'x', version: 1 });
    expect(shown).not.toHaveProperty('calendarKeyHash');
    expect(shown.userId).toBe('rita');
  });
});

describe('who may be given a trajectory', () => {
  beforeEach(() => {
    addUsers(world, { userId: 'rita', role: 'regisseur' }, { userId: 'rob', role: 'regisseur', active: false }, { userId: 'bea', role: 'beheerder' });
  });

  it('an active regisseur of the directory', async () => {
    expect((await requireActiveRegisseur(world.deps, 'rita')).userId).toBe('rita');
  });

  it.each([
    ['an unknown user', 'nobody', /no user nobody/],
    ['a deactivated regisseur', 'rob', /not active/],
    ['a beheerder', 'bea', /is a beheerder, not a regisseur/],
  ])('not %s: a ValidationError naming regisseurId', async (_, regisseurId, message) => {
    const error = await reject(requireActiveRegisseur(world.deps, regisseurId));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields).toEqual([{ field: 'regisseurId', message: expect.stringMatching(message) }]);
  });

  it('starting a trajectory for a deactivated regisseur is a 400 naming regisseurId, with nothing stored or started', async () => {
    const client = await registerClient(world.deps, bea, { firstName: 'Amal', lastName: 'Haddad', birthDate: '1990-03-01', settledOn: '2025-01-15' });
    const audited = world.store.audit.length;
    for (const regisseurId of ['rob', 'nobody', 'bea']) {
      const error = await reject(startTrajectory(world.deps, bea, { clientId: client.clientId, regisseurId }));
      expect(error, regisseurId).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((f) => f.field)).toEqual(['regisseurId']);
    }
    expect(world.store.trajectories.size).toBe(0);
    expect(world.store.claims.size).toBe(0);
    expect(world.store.audit).toHaveLength(audited);
    expect(world.engine.started).toEqual([]);
    // The client can still be given to an active regisseur.
    await startTrajectory(world.deps, bea, { clientId: client.clientId, regisseurId: 'rita' });
    expect(world.store.trajectories.size).toBe(1);
  });
});

describe('the first beheerder', () => {
  it('is created in an empty directory, once', async () => {
    const admin = await bootstrapDirectory(world.deps, 'admin', new Date('2025-01-20T09:00:00.000Z'));
    expect(admin).toMatchObject({ userId: 'admin', role: 'beheerder', active: true, version: 1, createdBy: 'system' });
    expect(await world.users.getUser('admin')).toEqual(admin);
    expect(await bootstrapDirectory(world.deps, 'admin', new Date())).toBeUndefined();
    expect(world.users.users.size).toBe(1);
  });

  it('is not created when the directory has a beheerder (another one)', async () => {
    addUsers(world, { userId: 'rita', role: 'regisseur' });
    addUsers(world, { userId: 'bea', role: 'beheerder' });
    expect(await bootstrapDirectory(world.deps, 'admin', new Date())).toBeUndefined();
    expect(world.users.users.has('admin')).toBe(false);
  });

  it('is created once when starts race, and neither fails', async () => {
    const made = await Promise.all([1, 2, 3].map(() => bootstrapDirectory(world.deps, 'admin', new Date())));
    expect(made.filter(Boolean)).toHaveLength(1);
    expect([...world.users.users.keys()]).toEqual(['admin']);
  });
});

describe('the Cognito identity provider', () => {
  const POOL = 'eu-central-1_TEST';
  const USER: NewUser = { userId: 'rita', displayName: 'Rita de Vries', email: 'rita@vwon.nl', role: 'regisseur' };

  /** A client that records each command and answers from `fail` (by command name) or with {}. */
  function fakeClient(fail: Record<string, Error> = {}) {
    const sent: object[] = [];
    return {
      sent,
      send: async (command: object) => {
        sent.push(command);
        const error = fail[command.constructor.name];
        if (error) throw error;
        return {};
      },
    };
  }

  const exception = (name: string) =>
    new CognitoIdentityProviderServiceException({ name, $fault: 'client', $metadata: {}, message: name });

  it('creates the user with a verified e-mail and Cognito’s invitation mail, then adds them to their role’s group', async () => {
    const client = fakeClient();
    await new CognitoIdentity(cognitoSdk, client, POOL).createUser(USER);
    expect(client.sent.map((c) => c.constructor)).toEqual([AdminCreateUserCommand, AdminAddUserToGroupCommand]);
    expect((client.sent[0] as AdminCreateUserCommand).input).toEqual({
      UserPoolId: POOL,
      Username: 'rita',
      UserAttributes: [
        { Name: 'email', Value: 'rita@vwon.nl' },
        { Name: 'email_verified', Value: 'true' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect((client.sent[1] as AdminAddUserToGroupCommand).input).toEqual({ UserPoolId: POOL, Username: 'rita', GroupName: 'regisseur' });
  });

  it('does not fail a retry for a user that exists: it adds the group again', async () => {
    const client = fakeClient({ AdminCreateUserCommand: exception('UsernameExistsException') });
    await new CognitoIdentity(cognitoSdk, client, POOL).createUser(USER);
    expect(client.sent.map((c) => c.constructor)).toEqual([AdminCreateUserCommand, AdminAddUserToGroupCommand]);
  });

  it('fails on any other error, before adding a group', async () => {
    const client = fakeClient({ AdminCreateUserCommand: exception('InvalidParameterException') });
    await expect(new CognitoIdentity(cognitoSdk, client, POOL).createUser(USER)).rejects.toThrow('InvalidParameterException');
    expect(client.sent).toHaveLength(1);
  });

  it('changes the sign-in e-mail with the directory, verified', async () => {
    const client = fakeClient();
    await new CognitoIdentity(cognitoSdk, client, POOL).setEmail('rita', 'rita.nieuw@example.nl');
    expect(client.sent.map((c) => c.constructor)).toEqual([AdminUpdateUserAttributesCommand]);
    expect((client.sent[0] as AdminUpdateUserAttributesCommand).input).toEqual({
      UserPoolId: POOL,
      Username: 'rita',
      UserAttributes: [
        { Name: 'email', Value: 'rita.nieuw@example.nl' },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
  });

  it('disables a deactivated user and enables a reactivated one', async () => {
    const client = fakeClient();
    const identity = new CognitoIdentity(cognitoSdk, client, POOL);
    await identity.setActive('rita', false);
    await identity.setActive('rita', true);
    expect(client.sent.map((c) => c.constructor)).toEqual([AdminDisableUserCommand, AdminEnableUserCommand]);
    expect(client.sent.map((c) => (c as AdminDisableUserCommand).input)).toEqual([
      { UserPoolId: POOL, Username: 'rita' },
      { UserPoolId: POOL, Username: 'rita' },
    ]);
  });

  it('loads the SDK on first use and sends through the real client (stopped by a middleware before the network)', async () => {
    const seen: Array<[string, unknown]> = [];
    const identity = cognitoIdentity(POOL, (client) => {
      (client as CognitoIdentityProviderClient).middlewareStack.add(
        (_next, context) => async (args) => {
          seen.push([context.commandName!, args.input]);
          return { output: { $metadata: {} } as never, response: {} };
        },
        { step: 'initialize', name: 'recordCommand' },
      );
      return client;
    });
    await identity.createUser({ ...USER, role: 'gemeente' });
    await identity.setActive('rita', false);
    expect(seen.map(([name]) => name)).toEqual(['AdminCreateUserCommand', 'AdminAddUserToGroupCommand', 'AdminDisableUserCommand']);
    expect(seen[1]![1]).toEqual({ UserPoolId: POOL, Username: 'rita', GroupName: 'gemeente' });
  });

  it('refuses to act without USER_POOL_ID', async () => {
    await expect(cognitoIdentity('').setActive('rita', false)).rejects.toThrow(/USER_POOL_ID/);
  });
});
