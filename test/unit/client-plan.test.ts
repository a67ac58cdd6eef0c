/**
 * The plan itself and the client: the pure POP transitions (core/trajectory/pop.ts), and the
 * client, household and deadline use cases against the in-memory fakes (BSN claims, races,
 * who sees which name).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ConcurrentUpdateError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors';
import { ClientChange, NewDeadline, PopRevision, type Actor, type Client, type PopVersion, type Trajectory } from '../../core/schemas';
import { reviewPop, revisePop, MAX_GOALS } from '../../core/trajectory/pop';
import { bsnClaim } from '../../core/usecases/claims';
import { getClient, registerClient, updateClient } from '../../core/usecases/clients';
import { addDeadline, deadlinesOf, listDeadlines, resolveDeadline } from '../../core/usecases/deadlines';
import { householdOf, setHousehold } from '../../core/usecases/households';
import { startTrajectory } from '../../core/usecases/trajectories';
import { addUsers, fakeWorld, type FakeWorld } from '../support/fakes';

const NOW = new Date('2026-03-02T09:30:00.000Z');
const rita: Actor = { userId: 'rita', role: 'regisseur' };
const rob: Actor = { userId: 'rob', role: 'regisseur' };
const bea: Actor = { userId: 'bea', role: 'beheerder' };

const FIRST: PopVersion = {
  trajectoryId: 'TRJ1',
  version: 1,
  agreedOn: '2025-08-15',
  goals: [{ domain: 'workEducation', desiredSituation: 'Taalniveau B1', action: 'Taalcursus' }],
  ideas: 'Misschien later een eigen zaak',
  recordedBy: 'rita',
  recordedAt: '2025-08-15T10:00:00.000Z',
};

function inBegeleiding(overrides: Partial<Trajectory> = {}): Trajectory {
  return {
    trajectoryId: 'TRJ1',
    clientId: 'CLI1',
    regisseurId: 'rita',
    phase: 'begeleiding',
    status: 'active',
    workflow: { status: 'running', executionName: 'TRJ1-0', segment: 0 },
    settledOn: '2025-01-15',
    startedOn: '2025-01-15',
    kennismakingOn: '2025-07-15',
    popAgreedOn: '2025-08-15',
    lastContactOn: '2025-08-15',
    closedTasks: [],
    nextTaskSeq: 3,
    contacts: [],
    measurements: [],
    popVersions: [FIRST],
    createdAt: '2025-01-15T08:00:00.000Z',
    createdBy: 'bea',
    version: 7,
    ...overrides,
  };
}

const revision = (overrides: Partial<PopRevision> = {}): PopRevision => ({
  agreedOn: '2026-03-01',
  goals: [
    { domain: 'inburgering', shortTermGoal: 'A2 halen', targetDate: '2026-09-01', currentSituation: 'A1', desiredSituation: 'A2', action: 'Les 3x per week', longTermGoal: 'Werken als verpleegkundige' },
    { domain: 'finances', desiredSituation: 'Geen schulden', action: 'Budgetcoach' },
  ],
  ideas: 'Vrijwilligerswerk bij de bibliotheek',
  ...overrides,
});

function thrown<E extends Error>(kind: new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(kind);
    return error as E;
  }
  throw new Error(`expected a ${kind.name}`);
}

describe('revising the POP (pure)', () => {
  it('adds a new version with every goal field, keeps the earlier one and the three years, and audits', () => {
    const t = inBegeleiding();
    const { next, effects, answer } = revisePop(t, { revision: revision(), actor: rita, now: NOW });
    expect(answer).toMatchObject({ version: 2, agreedOn: '2026-03-01', origin: 'revision', recordedBy: 'rita', ideas: 'Vrijwilligerswerk bij de bibliotheek' });
    expect(answer.goals[0]).toEqual(revision().goals[0]);
    expect(next.popVersions).toEqual([FIRST, answer]);
    expect(next.popAgreedOn).toBe('2025-08-15');
    expect(t.popVersions).toEqual([FIRST]); // pure: the input is untouched
    expect(effects).toEqual([{ type: 'audit', entry: expect.objectContaining({ clientId: 'CLI1', actorId: 'rita', action: 'update', detail: 'revise POP: version 2' }) }]);
  });

  it('changes nothing for the same content again (a repeated PUT), even with a stale basedOnVersion', () => {
    const once = revisePop(inBegeleiding(), { revision: revision({ basedOnVersion: 1 }), actor: rita, now: NOW }).next;
    const again = revisePop(once, { revision: revision({ basedOnVersion: 1 }), actor: rita, now: NOW });
    expect(again.next).toBe(once);
    expect(again.effects).toEqual([]);
    expect(again.answer.version).toBe(2);
  });

  it('refuses a revision based on a version that is no longer current', () => {
    const once = revisePop(inBegeleiding(), { revision: revision(), actor: rita, now: NOW }).next;
    thrown(ConflictError, () => revisePop(once, { revision: revision({ goals: [], basedOnVersion: 1 }), actor: rita, now: NOW }));
  });

  it('names agreedOn when it is after today or before the version it replaces', () => {
    for (const agreedOn of ['2026-03-03', '2025-08-14']) {
      const error = thrown(ValidationError, () => revisePop(inBegeleiding(), { revision: revision({ agreedOn }), actor: rita, now: NOW }));
      expect(error.fields.map((f) => f.field)).toEqual(['agreedOn']);
    }
  });

  it('is for the begeleiding on: not before the first POP, not in the overdracht, not once closed', () => {
    thrown(ConflictError, () => revisePop(inBegeleiding({ phase: 'pop', popVersions: [], popAgreedOn: undefined }), { revision: revision(), actor: rita, now: NOW }));
    thrown(ConflictError, () => revisePop(inBegeleiding({ phase: 'overdracht' }), { revision: revision(), actor: rita, now: NOW }));
    thrown(ConflictError, () => revisePop(inBegeleiding({ phase: 'closed', status: 'closed' }), { revision: revision(), actor: rita, now: NOW }));
    expect(revisePop(inBegeleiding({ phase: 'afronding' }), { revision: revision(), actor: rita, now: NOW }).answer.version).toBe(2);
  });

  it("is the trajectory's own regisseur's: another regisseur or a beheerder does not find it", () => {
    thrown(NotFoundError, () => revisePop(inBegeleiding(), { revision: revision(), actor: rob, now: NOW }));
    thrown(NotFoundError, () => revisePop(inBegeleiding(), { revision: revision(), actor: bea, now: NOW }));
  });

  it('the revision body: goal areas are the ZRM domains and inburgering; unknown fields are named', () => {
    expect(PopRevision.safeParse(revision()).success).toBe(true);
    const bad = PopRevision.safeParse({ ...revision(), goals: [{ domain: 'hobbies' }], extra: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['goals.0.domain', '']));
  });
});

describe('reviewing the POP (pure)', () => {
  it('records a review without new goals and leaves the plan as it is', () => {
    const t = inBegeleiding();
    const { next, answer, effects } = reviewPop(t, {
      review: { heldOn: '2026-02-15', location: 'library', achieved: 'A1 gehaald', changes: 'Meer uren les' },
      reviewId: 'REV1',
      actor: rita,
      now: NOW,
    });
    expect(answer.popVersion).toBeUndefined();
    expect(answer.review).toMatchObject({ reviewId: 'REV1', heldOn: '2026-02-15', location: 'library', achieved: 'A1 gehaald', changes: 'Meer uren les', popVersion: 1 });
    expect(next.popVersions).toEqual([FIRST]);
    expect(next.popReviews).toEqual([answer.review]);
    expect(effects).toEqual([{ type: 'audit', entry: expect.objectContaining({ action: 'update', detail: 'review POP REV1' }) }]);
  });

  it('makes a new version from new goals: the current goals and ideas plus the new ones, agreed on the review day', () => {
    const newGoals = [{ domain: 'housing' as const, shortTermGoal: 'Groter huis aanvragen', targetDate: '2026-06-01' }];
    const { next, answer } = reviewPop(inBegeleiding(), { review: { heldOn: '2026-03-02', location: 'home', newGoals }, reviewId: 'REV2', actor: rita, now: NOW });
    expect(answer.popVersion).toMatchObject({ version: 2, agreedOn: '2026-03-02', goals: [...FIRST.goals, ...newGoals], ideas: FIRST.ideas, origin: 'review', reviewId: 'REV2' });
    expect(answer.review.popVersion).toBe(2);
    expect(next.popVersions.map((v) => v.version)).toEqual([1, 2]);
    expect(next.popAgreedOn).toBe('2025-08-15');
  });

  it('names heldOn and newGoals when they do not fit', () => {
    const early = thrown(ValidationError, () =>
      reviewPop(inBegeleiding(), { review: { heldOn: '2025-08-01', location: 'home' }, reviewId: 'R', actor: rita, now: NOW }),
    );
    expect(early.fields.map((f) => f.field)).toEqual(['heldOn']);
    const many = Array.from({ length: MAX_GOALS }, () => ({ domain: 'housing' as const }));
    const full = thrown(ValidationError, () =>
      reviewPop(inBegeleiding(), { review: { heldOn: '2026-03-01', location: 'home', newGoals: many }, reviewId: 'R', actor: rita, now: NOW }),
    );
    expect(full.fields.map((f) => f.field)).toEqual(['newGoals']);
  });
});

describe('clients, households and deadlines (use cases on fakes)', () => {
  let world: FakeWorld;
  let amal: Client;
  let yusuf: Client;

  const register = (firstName: string, extra: object = {}) =>
    registerClient(world.deps, bea, { firstName, lastName: 'Haddad', birthDate: '1990-03-01', settledOn: '2025-01-15', ...extra });

  beforeEach(async () => {
    world = fakeWorld('2025-02-01T09:00:00.000Z');
    addUsers(world, { userId: 'rita', role: 'regisseur' }, { userId: 'rob', role: 'regisseur' });
    amal = await register('Amal');
    yusuf = await register('Yusuf');
    await startTrajectory(world.deps, bea, { clientId: amal.clientId, regisseurId: 'rita' });
    await startTrajectory(world.deps, bea, { clientId: yusuf.clientId, regisseurId: 'rob' });
  });

  it('adds a BSN later under its claim; the same BSN for another client is a conflict and changes nothing', async () => {
    const changed = await updateClient(world.deps, rita, amal.clientId, { bsn: '123456782', phone: '+31 6 1234 5678', preferredLanguage: 'Arabisch', interpreterNeeded: true });
    expect(changed).toMatchObject({ bsn: '123456782', phone: '+31 6 1234 5678', preferredLanguage: 'Arabisch', interpreterNeeded: true, version: 2 });
    expect(world.store.claims.get(bsnClaim('123456782'))?.ownerId).toBe(amal.clientId);
    expect(world.store.audit.at(-1)).toMatchObject({ clientId: amal.clientId, action: 'update', detail: 'update client: bsn, phone, preferredLanguage, interpreterNeeded' });

    const before = structuredClone(world.store.clients.get(yusuf.clientId));
    const audit = world.store.audit.length;
    await expect(updateClient(world.deps, bea, yusuf.clientId, { bsn: '123456782' })).rejects.toBeInstanceOf(ConflictError);
    expect(world.store.clients.get(yusuf.clientId)).toEqual(before);
    expect(world.store.audit).toHaveLength(audit);
    expect(world.store.claims.get(bsnClaim('123456782'))?.ownerId).toBe(amal.clientId);
  });

  it('names bsn for a BSN that fails the elfproef, and nothing else', () => {
    const parsed = ClientChange.safeParse({ bsn: '123456783', phone: '+31 6 1234 5678' });
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(['bsn']);
    expect(ClientChange.safeParse({}).success).toBe(false);
    expect(ClientChange.safeParse({ expectedVersion: 1 }).success).toBe(false);
  });

  it('a recorded BSN is corrected by the beheerder only; the old BSN is free again', async () => {
    await updateClient(world.deps, rita, amal.clientId, { bsn: '123456782' });
    await expect(updateClient(world.deps, rita, amal.clientId, { bsn: '111222333' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(world.store.claims.has(bsnClaim('111222333'))).toBe(false);
    await updateClient(world.deps, bea, amal.clientId, { bsn: '111222333' });
    expect(world.store.claims.has(bsnClaim('123456782'))).toBe(false);
    expect(world.store.claims.get(bsnClaim('111222333'))?.ownerId).toBe(amal.clientId);
    await updateClient(world.deps, bea, yusuf.clientId, { bsn: '123456782' });
    expect((await getClient(world.deps, bea, yusuf.clientId)).bsn).toBe('123456782');
  });

  it('releases the BSN claim when the client is not written', async () => {
    world.store.saveClient = async () => {
      throw new Error('table unavailable');
    };
    await expect(updateClient(world.deps, rita, amal.clientId, { bsn: '123456782' })).rejects.toThrow('table unavailable');
    expect(world.store.claims.has(bsnClaim('123456782'))).toBe(false);
  });

  it('a concurrent change is applied again on the new version: both changes stay', async () => {
    const save = world.store.saveClient.bind(world.store);
    let raced = false;
    world.store.saveClient = async (client, expected) => {
      if (!raced) {
        raced = true;
        await updateClient(world.deps, bea, amal.clientId, { email: 'amal@example.nl' });
      }
      return save(client, expected);
    };
    const saved = await updateClient(world.deps, rita, amal.clientId, { phone: '0612345678' });
    expect(saved).toMatchObject({ email: 'amal@example.nl', phone: '0612345678', version: 3 });
    await expect(updateClient(world.deps, rita, amal.clientId, { phone: '0687654321', expectedVersion: 2 })).rejects.toBeInstanceOf(ConflictError);
  });

  it("another regisseur's client is not found; null removes a field", async () => {
    await expect(updateClient(world.deps, rob, amal.clientId, { phone: '0612345678' })).rejects.toBeInstanceOf(NotFoundError);
    await updateClient(world.deps, rita, amal.clientId, { phone: '0612345678' });
    const removed = await updateClient(world.deps, rita, amal.clientId, { phone: null });
    expect(removed.phone).toBeUndefined();
  });

  it('links a household with membership items; names only the clients the reader may see', async () => {
    await setHousehold(world.deps, bea, amal.clientId, 'HH1');
    await setHousehold(world.deps, bea, yusuf.clientId, 'HH1');
    expect(await world.store.listHouseholdMembers('HH1')).toEqual([amal.clientId, yusuf.clientId].sort());
    const forRita = await householdOf(world.deps, rita, world.store.clients.get(amal.clientId));
    expect(forRita).toEqual({ householdId: 'HH1', trajectories: [expect.objectContaining({ regisseurId: 'rob', phase: 'kennismaking', status: 'active' })] });
    expect(forRita!.trajectories[0]!.client).toBeUndefined();
    const forBea = await householdOf(world.deps, bea, world.store.clients.get(amal.clientId));
    expect(forBea!.trajectories[0]!.client).toEqual({ clientId: yusuf.clientId, name: 'Yusuf Haddad' });

    await setHousehold(world.deps, bea, yusuf.clientId, null);
    expect(await world.store.listHouseholdMembers('HH1')).toEqual([amal.clientId]);
    expect((await householdOf(world.deps, bea, world.store.clients.get(amal.clientId)))!.trajectories).toEqual([]);
    await expect(setHousehold(world.deps, rita, amal.clientId, 'HH2')).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('a membership item whose client names another household is ignored', async () => {
    await setHousehold(world.deps, bea, amal.clientId, 'HH1');
    await world.store.putHouseholdMember('HH1', yusuf.clientId, 'x'); // left by a crash before the client was written
    expect((await householdOf(world.deps, bea, world.store.clients.get(amal.clientId)))!.trajectories).toEqual([]);
  });

  it('records, lists and resolves deadlines; deadlinesOf gives the open ones by date', async () => {
    const expiry = await addDeadline(world.deps, rita, amal.clientId, { kind: 'residence_permit_expiry', date: '2030-01-15' });
    const term = await addDeadline(world.deps, bea, amal.clientId, { kind: 'inburgering_term_end', date: '2028-01-15', note: 'Termijn DUO' });
    expect((await deadlinesOf(world.deps, amal.clientId)).map((d) => d.deadlineId)).toEqual([term.deadlineId, expiry.deadlineId]);
    const resolved = await resolveDeadline(world.deps, rita, amal.clientId, term.deadlineId);
    expect(resolved).toMatchObject({ resolvedBy: 'rita', version: 2 });
    expect(await resolveDeadline(world.deps, rita, amal.clientId, term.deadlineId)).toEqual(resolved);
    expect((await deadlinesOf(world.deps, amal.clientId)).map((d) => d.deadlineId)).toEqual([expiry.deadlineId]);
    expect(await listDeadlines(world.deps, rita, amal.clientId)).toHaveLength(2);
    await expect(listDeadlines(world.deps, rob, amal.clientId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(resolveDeadline(world.deps, rob, amal.clientId, term.deadlineId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(resolveDeadline(world.deps, rita, amal.clientId, 'nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(NewDeadline.safeParse({ kind: 'other', date: '2027-01-01' }).error!.issues.map((i) => i.path.join('.'))).toEqual(['label']);
  });

  it('gives up after five lost races with a ConcurrentUpdateError', async () => {
    world.store.saveClient = async () => {
      throw new ConcurrentUpdateError('always');
    };
    await expect(updateClient(world.deps, rita, amal.clientId, { phone: '0612345678' })).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });
});
