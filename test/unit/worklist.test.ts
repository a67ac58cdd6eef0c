/**
 * The worklist's rules against the in-memory fakes: the due windows in Dutch calendar days, the
 * page and its cursor, one audit entry per list read (and the client's audit still showing it),
 * the last contact in the summary, and the signals' access rules.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../core/errors';
import type { Actor, Contact } from '../../core/schemas';
import { auditLog } from '../../core/usecases/oversight';
import { registerClient } from '../../core/usecases/clients';
import { dueRange, listTaskPage } from '../../core/usecases/tasks';
import { getSignal, listSignals, recordSignal } from '../../core/usecases/signals';
import { startTrajectory } from '../../core/usecases/trajectories';
import { lastContactOf } from '../../core/trajectory/summary';
import { addUsers, fakeWorld, type FakeWorld } from '../support/fakes';

const bea: Actor = { userId: 'bea', role: 'beheerder' };
const rita: Actor = { userId: 'rita', role: 'regisseur' };
const otto: Actor = { userId: 'otto', role: 'regisseur' };

describe('dueRange: Dutch calendar days', () => {
  // 23:30 UTC on 31 March is already 1 April in Amsterdam (summer time, UTC+2).
  const lateEvening = new Date('2025-03-31T23:30:00.000Z');
  it('counts from the Amsterdam day, not the UTC one', () => {
    expect(dueRange({ due: 'today' }, lateEvening)).toEqual({ from: '2025-04-01', to: '2025-04-01' });
    expect(dueRange({ due: 'overdue' }, lateEvening)).toEqual({ to: '2025-03-31' });
    expect(dueRange({ due: 'week' }, lateEvening)).toEqual({ from: '2025-04-01', to: '2025-04-07' });
    expect(dueRange({ due: 'month' }, lateEvening)).toEqual({ from: '2025-04-01', to: '2025-04-30' });
  });
  it('a month from the 31st ends on the last day of the next month, minus one', () => {
    expect(dueRange({ due: 'month' }, new Date('2025-01-31T10:00:00.000Z'))).toEqual({ from: '2025-01-31', to: '2025-02-27' });
  });
  it('intersects the window with from/to, and is empty when they do not meet', () => {
    expect(dueRange({ due: 'week', from: '2025-04-03', to: '2025-05-01' }, lateEvening)).toEqual({ from: '2025-04-03', to: '2025-04-07' });
    expect(dueRange({ due: 'overdue', from: '2025-04-01' }, lateEvening)).toBeNull();
    expect(dueRange({}, lateEvening)).toEqual({});
  });
});

describe('lastContactOf', () => {
  const contact = (heldOn: string, location: Contact['location']): Contact => ({
    contactId: heldOn,
    trajectoryId: 'T',
    heldOn,
    location,
    taskType: 'CONTACT',
    taskId: 'T-1',
    recordedBy: 'rita',
  });
  it('is the latest contact held, with its place; none before the kennismaking', () => {
    expect(lastContactOf({ contacts: [] })).toBeUndefined();
    expect(lastContactOf({ contacts: [contact('2025-07-15', 'home'), contact('2025-08-15', 'library')] })).toEqual({ on: '2025-08-15', location: 'library' });
  });
});

describe('listTaskPage', () => {
  let world: FakeWorld;
  const clients: string[] = [];
  beforeEach(async () => {
    world = fakeWorld('2025-01-15T09:00:00.000Z');
    addUsers(world, { userId: 'rita', role: 'regisseur' }, { userId: 'otto', role: 'regisseur' });
    clients.length = 0;
    for (const [i, settledOn] of ['2025-01-15', '2024-09-10', '2019-03-01'].entries()) {
      const client = await registerClient(world.deps, bea, { firstName: `C${i}`, lastName: 'Test', birthDate: '1990-01-01', settledOn });
      clients.push(client.clientId);
      await startTrajectory(world.deps, bea, { clientId: client.clientId, regisseurId: i === 1 ? 'otto' : 'rita' });
    }
  });

  it('writes one audit entry per list read naming the clients shown, which each client’s audit shows', async () => {
    const before = world.store.audit.length;
    const page = await listTaskPage(world.deps, rita);
    expect(page.tasks.map((t) => [t.clientName, t.task.dueAt])).toEqual([
      ['C2 Test', '2025-02-12'],
      ['C0 Test', '2025-07-15'],
    ]);
    expect(world.store.audit).toHaveLength(before);
    expect(world.store.listReads).toEqual([
      { at: '2025-01-15T09:00:00.000Z', actorId: 'rita', actorRole: 'regisseur', detail: 'list open tasks', clientIds: [clients[2], clients[0]] },
    ]);
    expect((await auditLog(world.deps, bea, clients[0]!)).at(-1)).toMatchObject({ actorId: 'rita', action: 'read', detail: 'list open tasks' });
    expect((await auditLog(world.deps, bea, clients[1]!)).some((e) => e.actorId === 'rita')).toBe(false);
    await listTaskPage(world.deps, rita, { from: '2030-01-01' });
    expect(world.store.listReads).toHaveLength(1); // nobody shown, nothing read
  });

  it('gives the beheerder every regisseur’s tasks, a page at a time, with a cursor while more follow', async () => {
    const first = await listTaskPage(world.deps, bea, { limit: 2 });
    expect(first.tasks.map((t) => t.task.dueAt)).toEqual(['2025-02-12', '2025-03-10']);
    expect(first.cursor).toBe(`2025-03-10.${first.tasks[1]!.task.taskId}`);
    const second = await listTaskPage(world.deps, bea, { limit: 2, cursor: first.cursor! });
    expect(second.tasks.map((t) => t.task.dueAt)).toEqual(['2025-07-15']);
    expect(second.cursor).toBeUndefined();
  });

  it('refuses a bad limit, cursor or range, naming the field', async () => {
    for (const [filter, field] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 201 }, 'limit'],
      [{ cursor: 'x' }, 'cursor'],
      [{ from: '2025-02-01', to: '2025-01-01' }, 'from'],
    ] as const) {
      const error = await listTaskPage(world.deps, rita, filter).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((p) => p.field)).toEqual([field]);
    }
  });
});

describe('signals', () => {
  let world: FakeWorld;
  const signal = { theme: 'housing', nature: 'structural', partner: 'Portaal', description: 'Wachtlijst', advice: 'Urgentie' } as const;
  beforeEach(() => {
    world = fakeWorld('2025-01-15T09:00:00.000Z');
    addUsers(world, { userId: 'rita', role: 'regisseur' }, { userId: 'otto', role: 'regisseur' });
  });
  it('a regisseur sees her own; another’s is not found; the beheerder sees all', async () => {
    const mine = await recordSignal(world.deps, rita, signal);
    const his = await recordSignal(world.deps, otto, { ...signal, nature: 'personal' });
    await expect(getSignal(world.deps, otto, mine.signalId)).rejects.toBeInstanceOf(NotFoundError);
    expect(await getSignal(world.deps, bea, mine.signalId)).toEqual(mine);
    expect((await listSignals(world.deps, rita)).signals).toEqual([mine]);
    expect((await listSignals(world.deps, bea)).signals.map((s) => s.signalId).sort()).toEqual([mine.signalId, his.signalId].sort());
  });
  it('an unknown trajectory is a 400 on trajectoryId', async () => {
    const error = await recordSignal(world.deps, rita, { ...signal, trajectoryId: 'NOPE' }).catch((e: unknown) => e);
    expect((error as ValidationError).fields).toEqual([expect.objectContaining({ field: 'trajectoryId' })]);
  });
});
