/**
 * Changes to the plan (issue 9) against the in-memory fakes: a missed contact, an extra contact, a
 * rescheduled task and a reassigned trajectory each re-plan the open task through the aggregate,
 * tell the waiting execution to plan again (never start a new one), and are audited.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ReplanRequestedError, ValidationError } from '../../core/errors';
import { DEFAULT_SETTINGS } from '../../core/ports';
import type { Actor, Trajectory } from '../../core/schemas';
import * as aggregate from '../../core/trajectory/aggregate';
import { changeTrajectorySettings, recordExtraContact, recordMissedContact, rescheduleTask } from '../../core/usecases/caseload';
import { registerClient } from '../../core/usecases/clients';
import { completeTask } from '../../core/usecases/tasks';
import { startTrajectory } from '../../core/usecases/trajectories';
import { openTask, plan } from '../../core/usecases/workflow-steps';
import { addUsers, fakeWorld, type FakeWorld } from '../support/fakes';

const beheerder: Actor = { userId: 'bea', role: 'beheerder' };
const rita: Actor = { userId: 'rita', role: 'regisseur' };
const otto: Actor = { userId: 'otto', role: 'regisseur' };

let world: FakeWorld;
let trajectoryId: string;
let tokens = 0;

const stored = (): Trajectory => world.store.trajectories.get(trajectoryId)!;
const open = () => stored().openTask!;

/** The state machine's part: plan the phase and register a fresh token on its task. */
async function workflowWaits(phase: 'kennismaking' | 'pop' | 'begeleiding' | 'afronding'): Promise<string> {
  const ctx = { trajectoryId, segment: 0, executionName: `${trajectoryId}-0`, executionStartedAt: world.deps.clock.now().toISOString() };
  const planned = await plan(world.deps, { ...ctx, phase });
  const token = `token-${++tokens}`;
  await openTask(world.deps, { ...ctx, taskType: planned.taskType!, taskToken: token });
  return token;
}

/** Kennismaking 2025-07-15, POP 2025-08-15: the first contact is due 2025-09-15, its execution waiting. */
async function toBegeleiding(): Promise<string> {
  await workflowWaits('kennismaking');
  world.at('2025-07-15');
  await completeTask(world.deps, rita, open().taskId, { heldOn: '2025-07-15', location: 'home' });
  world.at('2025-08-15');
  await completeTask(world.deps, rita, open().taskId, {
    agreedOn: '2025-08-15',
    location: 'home',
    goals: [],
    baseline: { scores: { finances: 2, housing: 3 } },
  });
  return workflowWaits('begeleiding');
}

beforeEach(async () => {
  world = fakeWorld('2025-01-20T09:00:00.000Z');
  addUsers(world, { userId: 'rita', role: 'regisseur' }, { userId: 'otto', role: 'regisseur' }, { userId: 'bea', role: 'beheerder' }, { userId: 'bob', role: 'beheerder' });
  const client = await registerClient(world.deps, beheerder, { firstName: 'Amal', lastName: 'Haddad', birthDate: '1990-03-01', settledOn: '2025-01-15' });
  trajectoryId = (await startTrajectory(world.deps, beheerder, { clientId: client.clientId, regisseurId: 'rita' })).trajectoryId;
});

/** Nothing stored: the same version, nothing told, nothing audited. */
async function refusedWithout(change: () => Promise<unknown>, error: unknown): Promise<void> {
  const before = { version: stored().version, failures: world.engine.failures.length, audit: world.store.audit.length };
  await expect(change()).rejects.toThrow(error as Error);
  expect({ version: stored().version, failures: world.engine.failures.length, audit: world.store.audit.length }).toEqual(before);
}

describe('a missed contact', () => {
  it('keeps the miss and makes the same task due two weeks later; the waiting execution plans again', async () => {
    const token = await toBegeleiding();
    const contact = open();
    expect(contact).toMatchObject({ type: 'CONTACT', dueAt: '2025-09-15', escalateOn: '2025-09-29' });
    world.at('2025-09-16');
    const answer = await recordMissedContact(world.deps, rita, contact.taskId, { on: '2025-09-15', reason: 'no_show', note: 'Niet thuis' });
    expect(answer.missedInARow).toBe(1);
    expect(open()).toMatchObject({ taskId: contact.taskId, dueAt: '2025-09-29', escalateOn: '2025-10-13', status: 'open', token });
    expect(stored().missedContacts).toEqual([
      { on: '2025-09-15', reason: 'no_show', note: 'Niet thuis', taskId: contact.taskId, recordedBy: 'rita', recordedAt: '2025-09-16T09:00:00.000Z' },
    ]);
    expect(world.engine.failures).toEqual([{ token, error: 'Trajectory.Replan' }]);
    expect(world.engine.started).toHaveLength(1);
    expect(world.store.audit.at(-1)).toMatchObject({ actorId: 'rita', action: 'update', detail: `missed CONTACT task ${contact.taskId} on 2025-09-15 (no_show)` });

    // Its wait plans again on the stored task: the same task, the new escalation moment.
    const planned = await plan(world.deps, { trajectoryId, segment: 0, executionName: `${trajectoryId}-0`, executionStartedAt: '2025-08-15T09:00:00.000Z', phase: 'begeleiding' });
    expect(planned).toMatchObject({ next: 'contact', openTaskId: contact.taskId, openTaskEscalateOn: '2025-10-13' });
    // The next contact is planned from the contact held, not from the miss.
    world.at('2025-09-29');
    const done = await completeTask(world.deps, rita, contact.taskId, { heldOn: '2025-09-29', location: 'home' });
    expect(done.nextTask).toMatchObject({ type: 'CONTACT', dueAt: '2025-10-29' });
  });

  it('follows the deployment setting, and never makes a task due before today', async () => {
    await toBegeleiding();
    world.deps.settings = { ...DEFAULT_SETTINGS, missedContactRetryDays: 7 };
    world.at('2025-09-16');
    await recordMissedContact(world.deps, rita, open().taskId, { on: '2025-09-15', reason: 'unreachable' });
    expect(open()).toMatchObject({ dueAt: '2025-09-22', escalateOn: '2025-10-06' });
    world.at('2025-10-01');
    await recordMissedContact(world.deps, rita, open().taskId, { on: '2025-09-22', reason: 'cancelled' });
    expect(open()).toMatchObject({ dueAt: '2025-10-01', escalateOn: '2025-10-15' });
  });

  it('alerts every active beheerder from the third miss in a row; a contact held starts the count again', async () => {
    await toBegeleiding();
    const contact = open().taskId;
    for (const [on, expected] of [['2025-09-15', 1], ['2025-09-29', 2], ['2025-10-13', 3], ['2025-10-27', 4]] as const) {
      world.at(on);
      expect((await recordMissedContact(world.deps, rita, contact, { on, reason: 'no_show' })).missedInARow).toBe(expected);
    }
    const alerts = [...world.notifications.notes.values()].filter((n) => n.kind === 'missed_contacts');
    expect(alerts.map((n) => `${n.taskId} ${n.occurrence} ${n.recipientId}`).sort()).toEqual([
      `${contact} 3 bea`,
      `${contact} 3 bob`,
      `${contact} 4 bea`,
      `${contact} 4 bob`,
    ]);
    expect(alerts.every((n) => n.recipientRole === 'beheerder' && n.taskType === 'CONTACT' && n.delivery.status === 'pending')).toBe(true);

    world.at('2025-11-05');
    const done = await completeTask(world.deps, rita, contact, { heldOn: '2025-11-05', location: 'home' });
    world.at('2025-12-05');
    expect((await recordMissedContact(world.deps, rita, done.nextTask!.taskId, { on: '2025-12-05', reason: 'no_show' })).missedInARow).toBe(1);
    expect(stored().missedContacts).toHaveLength(5);
  });

  it('records the same miss once', async () => {
    await toBegeleiding();
    world.at('2025-09-16');
    const taskId = open().taskId;
    await recordMissedContact(world.deps, rita, taskId, { on: '2025-09-15', reason: 'no_show' });
    const version = stored().version;
    const again = await recordMissedContact(world.deps, rita, taskId, { on: '2025-09-15', reason: 'no_show' });
    expect(again).toMatchObject({ missedInARow: 1, task: { dueAt: '2025-09-29' } });
    expect(stored().version).toBe(version);
    await expect(recordMissedContact(world.deps, rita, taskId, { on: '2025-09-15', reason: 'other' })).rejects.toThrow(ConflictError);
  });

  it('refuses a day in the future, before the task opened or before the last miss, and stores nothing', async () => {
    await toBegeleiding();
    world.at('2025-09-16');
    const taskId = open().taskId;
    await refusedWithout(() => recordMissedContact(world.deps, rita, taskId, { on: '2025-09-17', reason: 'no_show' }), ValidationError);
    await refusedWithout(() => recordMissedContact(world.deps, rita, taskId, { on: '2025-08-14', reason: 'no_show' }), ValidationError);
    await recordMissedContact(world.deps, rita, taskId, { on: '2025-09-10', reason: 'no_show' });
    await refusedWithout(() => recordMissedContact(world.deps, rita, taskId, { on: '2025-09-01', reason: 'no_show' }), ValidationError);
    const error = await recordMissedContact(world.deps, rita, taskId, { on: '2025-09-17', reason: 'no_show' }).catch((e: ValidationError) => e);
    expect((error as ValidationError).fields).toEqual([{ field: 'on', message: 'must not be after today (2025-09-16)' }]);
  });

  it('is only for the task’s regisseur, and only for a contact', async () => {
    const kennismaking = open().taskId;
    await refusedWithout(() => recordMissedContact(world.deps, rita, kennismaking, { on: '2025-01-20', reason: 'no_show' }), ConflictError);
    await toBegeleiding();
    const taskId = open().taskId;
    world.at('2025-09-16');
    await refusedWithout(() => recordMissedContact(world.deps, otto, taskId, { on: '2025-09-15', reason: 'no_show' }), NotFoundError);
    await refusedWithout(() => recordMissedContact(world.deps, beheerder, taskId, { on: '2025-09-15', reason: 'no_show' }), ForbiddenError);
  });

  it('cancels the contact for the afronding when the retry would fall on or after it', async () => {
    const token = await toBegeleiding();
    const contact = open();
    // An older trajectory: its afronding is due on 2025-09-20, before the retry.
    world.store.trajectories.set(trajectoryId, { ...stored(), popAgreedOn: '2022-09-20' }); // afronding due 2025-09-20
    world.at('2025-09-15');
    const answer = await recordMissedContact(world.deps, rita, contact.taskId, { on: '2025-09-15', reason: 'no_show' });
    expect(answer.task).toMatchObject({ taskId: contact.taskId, status: 'cancelled' });
    expect(stored()).toMatchObject({ phase: 'afronding' });
    expect(stored().openTask).toBeUndefined();
    expect(stored().closedTasks.at(-1)).toMatchObject({ taskId: contact.taskId, status: 'cancelled' });
    expect(world.engine.failures).toEqual([{ token, error: 'Trajectory.AfrondingRequested' }]);
  });
});

describe('an extra contact', () => {
  it('counts as the last contact, adds an extra ZRM measurement, and plans the open contact from it', async () => {
    const token = await toBegeleiding();
    const contact = open().taskId;
    world.at('2025-09-01');
    const { contactId } = await recordExtraContact(world.deps, rita, trajectoryId, {
      heldOn: '2025-09-01',
      location: 'library',
      zrm: { scores: { finances: 3 }, scoredBy: 'together' },
    });
    const t = stored();
    expect(t.lastContactOn).toBe('2025-09-01');
    expect(t.contacts.at(-1)).toMatchObject({ contactId, heldOn: '2025-09-01', location: 'library', extra: true, taskId: contact });
    expect(t.measurements.at(-1)).toMatchObject({ kind: 'interim', measuredOn: '2025-09-01', scores: { finances: 3 } });
    expect(t.measurements.at(-1)!.round).toBeUndefined();
    expect(t.openTask).toMatchObject({ taskId: contact, dueAt: '2025-10-01', escalateOn: '2025-10-15' });
    expect(world.engine.failures).toEqual([{ token, error: 'Trajectory.Replan' }]);
    expect(world.store.audit.at(-1)).toMatchObject({ actorId: 'rita', detail: 'extra contact on 2025-09-01 with a ZRM measurement' });
    // The ZRM rounds stay on the six-month grid from the POP.
    expect(aggregate.scheduleFacts(t).interimRounds).toBe(0);
  });

  it('refuses a day in the future or before the last contact, another regisseur, and the time before the begeleiding', async () => {
    world.at('2025-02-01');
    await refusedWithout(() => recordExtraContact(world.deps, rita, trajectoryId, { heldOn: '2025-02-01', location: 'home' }), ConflictError);
    await toBegeleiding();
    world.at('2025-09-01');
    await refusedWithout(() => recordExtraContact(world.deps, rita, trajectoryId, { heldOn: '2025-09-02', location: 'home' }), ValidationError);
    await refusedWithout(() => recordExtraContact(world.deps, rita, trajectoryId, { heldOn: '2025-08-14', location: 'home' }), ValidationError);
    await refusedWithout(() => recordExtraContact(world.deps, otto, trajectoryId, { heldOn: '2025-09-01', location: 'home' }), NotFoundError);
    await refusedWithout(() => recordExtraContact(world.deps, beheerder, trajectoryId, { heldOn: '2025-09-01', location: 'home' }), ForbiddenError);
  });

  it('ends a run of missed contacts', async () => {
    await toBegeleiding();
    const contact = open().taskId;
    world.at('2025-09-15');
    await recordMissedContact(world.deps, rita, contact, { on: '2025-09-15', reason: 'no_show' });
    world.at('2025-09-20');
    await recordExtraContact(world.deps, rita, trajectoryId, { heldOn: '2025-09-20', location: 'home' });
    expect(aggregate.missedInARow(stored())).toBe(0);
    expect(open()).toMatchObject({ taskId: contact, dueAt: '2025-10-20' });
  });
});

describe('a rescheduled task', () => {
  it('moves the open contact within limits; the escalation follows and the wait plans again', async () => {
    const token = await toBegeleiding();
    const contact = open().taskId;
    world.at('2025-09-10');
    const moved = await rescheduleTask(world.deps, rita, contact, { dueAt: '2025-09-24', reason: 'Cliënt op vakantie' });
    expect(moved).toMatchObject({ taskId: contact, dueAt: '2025-09-24', escalateOn: '2025-10-08' });
    expect(open()).toMatchObject({ dueAt: '2025-09-24', escalateOn: '2025-10-08' });
    expect(world.engine.failures).toEqual([{ token, error: 'Trajectory.Replan' }]);
    expect(world.store.audit.at(-1)).toMatchObject({ detail: `reschedule CONTACT task ${contact} from 2025-09-15 to 2025-09-24: Cliënt op vakantie` });

    await refusedWithout(() => rescheduleTask(world.deps, rita, contact, { dueAt: '2025-09-09', reason: 'x' }), ValidationError);
    await refusedWithout(() => rescheduleTask(world.deps, rita, contact, { dueAt: '2028-08-15', reason: 'x' }), ValidationError);
    await refusedWithout(() => rescheduleTask(world.deps, otto, contact, { dueAt: '2025-09-20', reason: 'x' }), NotFoundError);
    await refusedWithout(() => rescheduleTask(world.deps, beheerder, contact, { dueAt: '2025-09-20', reason: 'x' }), ForbiddenError);
    const error = await rescheduleTask(world.deps, rita, contact, { dueAt: '2028-08-15', reason: 'x' }).catch((e: ValidationError) => e);
    expect((error as ValidationError).fields).toEqual([{ field: 'dueAt', message: 'must be before the afronding is due (2028-08-15)' }]);
  });

  it('moves a kennismaking and a POP by the deadlines rule (the POP escalates not before the kennismakingsperiode ends)', async () => {
    await workflowWaits('kennismaking');
    const kennismaking = open().taskId;
    await rescheduleTask(world.deps, rita, kennismaking, { dueAt: '2025-03-01', reason: 'Eerder beschikbaar' });
    expect(open()).toMatchObject({ dueAt: '2025-03-01', escalateOn: '2025-03-15' });
    // The kennismaking's wait plans again (WAIT_SIGNALS): its timeout follows the new escalation date.
    expect(world.engine.failures).toEqual([expect.objectContaining({ error: 'Trajectory.Replan' })]);
    world.at('2025-03-01');
    await completeTask(world.deps, rita, kennismaking, { heldOn: '2025-03-01', location: 'home' });
    const pop = open();
    expect(pop).toMatchObject({ type: 'POP', dueAt: '2025-04-01', escalateOn: '2025-06-01' });
    await rescheduleTask(world.deps, rita, pop.taskId, { dueAt: '2025-04-10', reason: 'Tolk pas later' });
    expect(open()).toMatchObject({ dueAt: '2025-04-10', escalateOn: '2025-06-01' });
  });

  it('re-plans a wait whose token was not registered yet when the execution registers it', async () => {
    await toBegeleiding();
    const contact = open();
    world.at('2025-09-10');
    await rescheduleTask(world.deps, rita, contact.taskId, { dueAt: '2025-09-20', reason: 'x' });
    const wait = { taskType: 'CONTACT' as const, token: 't', executionName: 'e', segment: 0, executionStartedAt: '2025-08-15T09:00:00.000Z', now: world.deps.clock.now() };
    expect(() => aggregate.openTask(stored(), { ...wait, openTaskId: contact.taskId, openTaskEscalateOn: contact.escalateOn })).toThrow(ReplanRequestedError);
  });
});

describe('a reassigned trajectory', () => {
  it('moves the open task to the new regisseur (worklist and access follow) and keeps the interval change working', async () => {
    await toBegeleiding();
    const contact = open().taskId;
    const changed = await changeTrajectorySettings(world.deps, beheerder, trajectoryId, { regisseurId: 'otto', intervalMonths: 3 });
    expect(changed).toMatchObject({ regisseurId: 'otto', intervalMonths: 3, openTask: { taskId: contact, assigneeId: 'otto', dueAt: '2025-11-15' } });
    expect((await world.store.listOpenTasks({ assignee: { role: 'regisseur', id: 'otto' } })).map((t) => t.taskId)).toEqual([contact]);
    expect(await world.store.listOpenTasks({ assignee: { role: 'regisseur', id: 'rita' } })).toEqual([]);
    await expect(rescheduleTask(world.deps, rita, contact, { dueAt: '2025-10-01', reason: 'x' })).rejects.toThrow(NotFoundError);
    expect(world.store.audit.map((e) => e.detail)).toEqual(expect.arrayContaining(['reassign trajectory from rita to otto', 'contact interval 3']));
    // The next task opens for the new regisseur.
    world.at('2025-11-15');
    const done = await completeTask(world.deps, otto, contact, { heldOn: '2025-11-15', location: 'home' });
    expect(stored().openTask).toMatchObject({ taskId: done.nextTask!.taskId, assigneeId: 'otto' });
    expect(stored().closedTasks.find((t) => t.type === 'KENNISMAKING')).toMatchObject({ assigneeId: 'rita' });
  });

  it('is for a beheerder, to an active regisseur of the directory', async () => {
    addUsers(world, { userId: 'ina', role: 'regisseur', active: false });
    await refusedWithout(() => changeTrajectorySettings(world.deps, rita, trajectoryId, { regisseurId: 'otto' }), ForbiddenError);
    for (const regisseurId of ['nobody', 'ina', 'bea']) {
      const error = await changeTrajectorySettings(world.deps, beheerder, trajectoryId, { regisseurId }).catch((e: ValidationError) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((f) => f.field)).toEqual(['regisseurId']);
    }
    expect(stored().regisseurId).toBe('rita');
    // The regisseur still sets the interval alone.
    expect((await changeTrajectorySettings(world.deps, rita, trajectoryId, { intervalMonths: 2 })).intervalMonths).toBe(2);
  });
});
