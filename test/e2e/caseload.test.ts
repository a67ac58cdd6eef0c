/**
 * Changes to the plan end to end (issue 9), on the in-process runtime with its virtual clock and
 * the real ASL on the local engine: a rescheduled task, an extra contact, missed contacts and a
 * reassigned trajectory each move the open task (due date, escalation date, worklist, agenda)
 * and the plans after it, bad input stores nothing, and a trajectory with all of them runs to its
 * afronding on the cadence rules with its workflow finishing normally.
 */
import { addDays } from '../../core/rules/dates';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMonths, daysBetween } from '../../core/rules/dates';
import { addUsers, as, eventually, type Caller } from '../support/api-client';
import { startTestRuntime } from '../support/runtime';
import { TrajectoryDriver, type OpenTask } from '../support/trajectory-driver';

const SETTLED = '2025-01-15';
const BASELINE = { finances: 2, workEducation: 2, housing: 3, socialNetwork: 2 };
const INTERIM = { finances: 3, workEducation: 3, housing: 3, socialNetwork: 2 };
const FINAL = { finances: 3, workEducation: 3, housing: 4, socialNetwork: 3 };

let env: Awaited<ReturnType<typeof startTestRuntime>>;
let admin: Caller, bea: Caller, rita: Caller, ravi: Caller;

beforeEach(async () => {
  env = await startTestRuntime(SETTLED);
  admin = await as(env.runtime.url, env.dataDir, 'beheerder', 'admin');
  await addUsers(admin, { userId: 'bea', role: 'beheerder' }, { userId: 'rita', role: 'regisseur' }, { userId: 'ravi', role: 'regisseur' });
  [bea, rita, ravi] = await Promise.all([
    as(env.runtime.url, env.dataDir, 'beheerder', 'bea'),
    as(env.runtime.url, env.dataDir, 'regisseur', 'rita'),
    as(env.runtime.url, env.dataDir, 'regisseur', 'ravi'),
  ]);
}, 60_000);
afterEach(async () => env.stop());

async function startTrajectory(): Promise<{ driver: TrajectoryDriver; clientId: string }> {
  const client = await bea.post('/clients', { firstName: 'Amal', lastName: 'Haddad', birthDate: '1990-03-01', settledOn: SETTLED });
  expect(client.status).toBe(201);
  const started = await bea.post('/trajectories', { clientId: client.body.clientId, regisseurId: 'rita' });
  expect(started.status).toBe(201);
  return { driver: new TrajectoryDriver(bea, rita, started.body.trajectoryId), clientId: client.body.clientId };
}

/** The stored version, once the workflows have caught up (a clock move of 0 days waits for them). */
async function version(driver: TrajectoryDriver): Promise<number> {
  await driver.today();
  return (await env.runtime.deps.store.getTrajectory(driver.trajectoryId))!.version;
}

/** A 400 that names `field`, and nothing stored. */
async function refused(driver: TrajectoryDriver, send: () => Promise<{ status: number; body: any }>, field: string): Promise<void> {
  const before = await version(driver);
  const reply = await send();
  expect(reply.status, JSON.stringify(reply.body)).toBe(400);
  expect(reply.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  expect(await version(driver)).toBe(before);
}

async function openTaskOf(caller: Caller, trajectoryId: string): Promise<any> {
  return (await caller.get('/tasks')).body.tasks.find((t: OpenTask) => t.trajectoryId === trajectoryId);
}

async function agendaOf(caller: Caller, trajectoryId: string): Promise<Array<{ kind: string; type: string; dueAt: string; taskId?: string }>> {
  const reply = await caller.get('/me/agenda?weeks=26');
  expect(reply.status).toBe(200);
  return reply.body.items.filter((i: { trajectoryId: string }) => i.trajectoryId === trajectoryId);
}

describe('changes to the plan through HTTP', () => {
  it('reschedules, records an extra and a missed contact, and reassigns, each moving the open task and what follows it', async () => {
    const { driver, clientId } = await startTrajectory();
    const id = driver.trajectoryId;
    const contact = await driver.throughPop(BASELINE); // kennismaking 2025-07-15, POP 2025-08-15
    expect(contact).toMatchObject({ type: 'CONTACT', dueAt: '2025-09-15' });

    // Reschedule: the regisseur moves the contact; the escalation follows, and so does the agenda.
    await refused(driver, () => rita.patch(`/tasks/${contact.taskId}`, { dueAt: '2025-08-14', reason: 'Vakantie' }), 'dueAt');
    await refused(driver, () => rita.patch(`/tasks/${contact.taskId}`, { dueAt: '2028-08-15', reason: 'Vakantie' }), 'dueAt');
    await refused(driver, () => rita.patch(`/tasks/${contact.taskId}`, { dueAt: '2025-09-25' }), 'reason');
    expect((await ravi.patch(`/tasks/${contact.taskId}`, { dueAt: '2025-09-25', reason: 'Vakantie' })).status).toBe(404);
    expect((await bea.patch(`/tasks/${contact.taskId}`, { dueAt: '2025-09-25', reason: 'Vakantie' })).status).toBe(403);
    const moved = await rita.patch(`/tasks/${contact.taskId}`, { dueAt: '2025-09-25', reason: 'Vakantie' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ taskId: contact.taskId, dueAt: '2025-09-25', escalateOn: '2025-10-09' });
    expect(await openTaskOf(rita, id)).toMatchObject({ taskId: contact.taskId, dueAt: '2025-09-25', escalateOn: '2025-10-09' });
    expect(await agendaOf(rita, id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'task', taskId: contact.taskId, dueAt: '2025-09-25' }),
        expect.objectContaining({ kind: 'foreseen', type: 'CONTACT', dueAt: '2025-10-25' }),
      ]),
    );

    // Extra contact: it is the last contact now, and the open contact is planned a month from it.
    await driver.advanceTo('2025-09-05');
    const path = `/trajectories/${id}/contacts`;
    await refused(driver, () => rita.post(path, { heldOn: '2025-09-06', location: 'library' }), 'heldOn');
    await refused(driver, () => rita.post(path, { heldOn: '2025-08-14', location: 'library' }), 'heldOn');
    await refused(driver, () => rita.post(path, { heldOn: '2025-09-05', location: 'cafe' }), 'location');
    await refused(driver, () => rita.post(path, { heldOn: '2025-09-05', location: 'library', zrm: { scores: { finances: 7 } } }), 'zrm.scores.finances');
    expect((await ravi.post(path, { heldOn: '2025-09-05', location: 'library' })).status).toBe(404);
    expect((await bea.post(path, { heldOn: '2025-09-05', location: 'library' })).status).toBe(403);
    const extra = await rita.post(path, { heldOn: '2025-09-05', location: 'library', zrm: { scores: { finances: 3 } } });
    expect(extra.status, JSON.stringify(extra.body)).toBe(201);
    expect(extra.body.trajectory.currentTask).toMatchObject({ taskId: contact.taskId, dueAt: '2025-10-05', escalateOn: '2025-10-19' });
    expect(await agendaOf(rita, id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'task', taskId: contact.taskId, dueAt: '2025-10-05' }),
        expect.objectContaining({ kind: 'foreseen', type: 'CONTACT', dueAt: '2025-11-05' }),
      ]),
    );

    // Missed contact: the same task is due two weeks after the day it was missed.
    await driver.advanceTo('2025-10-05');
    const missed = `/tasks/${contact.taskId}/missed`;
    await refused(driver, () => rita.post(missed, { on: '2025-10-06', reason: 'no_show' }), 'on');
    await refused(driver, () => rita.post(missed, { on: '2025-09-05', reason: 'no_show' }), 'on');
    await refused(driver, () => rita.post(missed, { on: '2025-10-05', reason: 'sick' }), 'reason');
    expect((await ravi.post(missed, { on: '2025-10-05', reason: 'no_show' })).status).toBe(404);
    expect((await bea.post(missed, { on: '2025-10-05', reason: 'no_show' })).status).toBe(403);
    const miss = await rita.post(missed, { on: '2025-10-05', reason: 'no_show', note: 'Niet thuis' });
    expect(miss.status, JSON.stringify(miss.body)).toBe(200);
    expect(miss.body).toMatchObject({ missedInARow: 1, task: { taskId: contact.taskId, dueAt: '2025-10-19', escalateOn: '2025-11-02', status: 'open' } });
    expect(await openTaskOf(rita, id)).toMatchObject({ dueAt: '2025-10-19', escalateOn: '2025-11-02' });
    const seen = await driver.view();
    expect(seen.missedContacts).toEqual([expect.objectContaining({ on: '2025-10-05', reason: 'no_show', note: 'Niet thuis', taskId: contact.taskId })]);
    expect(seen.contacts.at(-1)).toMatchObject({ heldOn: '2025-09-05', extra: true });

    // Held on the new due date: the next contact follows from it (two months: the kennismakingsperiode is over).
    await driver.advanceTo('2025-10-19');
    const done = await rita.post(`/tasks/${contact.taskId}/complete`, { heldOn: '2025-10-19', location: 'home' });
    expect(done.body.nextTask).toMatchObject({ type: 'CONTACT', dueAt: '2025-12-19' });
    const next = await driver.nextTask(contact.taskId);

    // Reassign: only a beheerder, only to an active regisseur; the open task follows.
    expect((await rita.patch(`/trajectories/${id}`, { regisseurId: 'ravi' })).status).toBe(403);
    await refused(driver, () => bea.patch(`/trajectories/${id}`, { regisseurId: 'nobody' }), 'regisseurId');
    await refused(driver, () => bea.patch(`/trajectories/${id}`, { regisseurId: 'bea' }), 'regisseurId');
    await refused(driver, () => bea.patch(`/trajectories/${id}`, {}), '(body)');
    const reassigned = await bea.patch(`/trajectories/${id}`, { regisseurId: 'ravi' });
    expect(reassigned.status, JSON.stringify(reassigned.body)).toBe(200);
    expect(reassigned.body).toMatchObject({ regisseurId: 'ravi', currentTask: { taskId: next.taskId, assignee: { role: 'regisseur', id: 'ravi' }, dueAt: '2025-12-19' } });
    expect(await openTaskOf(rita, id)).toBeUndefined();
    expect(await openTaskOf(ravi, id)).toMatchObject({ taskId: next.taskId });
    expect(await agendaOf(rita, id)).toEqual([]);
    expect((await agendaOf(ravi, id)).map((i) => i.kind)).toContain('task');
    expect((await rita.get(`/trajectories/${id}`)).status).toBe(404);
    expect((await rita.post(`/tasks/${next.taskId}/missed`, { on: '2025-10-19', reason: 'no_show' })).status).toBe(404);
    // The interval still changes through the same route, by the new regisseur.
    const quarterly = await ravi.patch(`/trajectories/${id}`, { intervalMonths: 3 });
    expect(quarterly.body.currentTask).toMatchObject({ taskId: next.taskId, dueAt: '2026-01-19' });

    // One execution carried it all (a replan is not a restart), and every change is audited.
    const view = (await ravi.get(`/trajectories/${id}`)).body;
    expect(view.workflow.status).toBe('running');
    expect(view.workflow.executions.map((e: { status: string }) => e.status)).toEqual(['RUNNING']);
    const audit = (await bea.get(`/clients/${clientId}/audit`)).body.entries.map((e: { detail: string }) => e.detail);
    expect(audit).toEqual(
      expect.arrayContaining([
        `reschedule CONTACT task ${contact.taskId} from 2025-09-15 to 2025-09-25: Vakantie`,
        'extra contact on 2025-09-05 with a ZRM measurement',
        `missed CONTACT task ${contact.taskId} on 2025-10-05 (no_show)`,
        'reassign trajectory from rita to ravi',
        'contact interval 3',
      ]),
    );

    // Moved earlier, the task escalates at its new moment, not the one its wait started with: the
    // waiting execution planned again.
    const sooner = await ravi.patch(`/tasks/${next.taskId}`, { dueAt: '2025-11-01', reason: 'Eerder nodig' });
    expect(sooner.body).toMatchObject({ dueAt: '2025-11-01', escalateOn: '2025-11-15' });
    await driver.advanceTo('2025-11-14');
    expect((await bea.get('/notifications')).body.notifications).toEqual([]);
    await driver.advanceTo('2025-11-15');
    expect((await bea.get('/notifications')).body.notifications).toEqual([expect.objectContaining({ taskId: next.taskId, kind: 'escalation' })]);
  }, 120_000);

  it('re-plans the kennismaking wait when it is rescheduled: it escalates at the new moment, and the workflow goes on', async () => {
    const { driver } = await startTrajectory();
    const kennismaking = await driver.nextTask();
    const today = await driver.today();
    const sooner = addDays(today, 10);
    const moved = await rita.patch(`/tasks/${kennismaking.taskId}`, { dueAt: sooner, reason: 'Cliënt kan eerder' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ dueAt: sooner, escalateOn: addDays(sooner, 14) });
    await driver.advanceTo(addDays(sooner, 13));
    expect((await bea.get('/notifications')).body.notifications).toEqual([]);
    await driver.advanceTo(addDays(sooner, 14));
    expect((await bea.get('/notifications')).body.notifications).toEqual([expect.objectContaining({ taskId: kennismaking.taskId, kind: 'escalation' })]);
    // Held late, the trajectory goes on to its POP in the same workflow.
    await driver.complete(kennismaking, { heldOn: addDays(sooner, 14), location: 'home' });
    expect((await driver.nextTask(kennismaking.taskId)).type).toBe('POP');
    const t = (await env.runtime.deps.store.getTrajectory(driver.trajectoryId))!;
    expect(t.workflow.status).toBe('running');
  }, 120_000);

  it('runs a trajectory with missed, extra and rescheduled contacts to its afronding on the cadence rules', async () => {
    const { driver } = await startTrajectory();
    const id = driver.trajectoryId;
    const pop = '2025-08-15';
    const c1 = await driver.throughPop(BASELINE);
    expect(c1.dueAt).toBe('2025-09-15');

    // Three misses in a row, each on the day the task is due: the beheerders are alerted at the third.
    for (const [on, reason, inARow, dueAgain] of [
      ['2025-09-15', 'no_show', 1, '2025-09-29'],
      ['2025-09-29', 'unreachable', 2, '2025-10-13'],
      ['2025-10-13', 'cancelled', 3, '2025-10-27'],
    ] as const) {
      await driver.advanceTo(on);
      const reply = await rita.post(`/tasks/${c1.taskId}/missed`, { on, reason });
      expect(reply.body, JSON.stringify(reply.body)).toMatchObject({ missedInARow: inARow, task: { dueAt: dueAgain } });
    }
    await driver.advanceTo('2025-10-14'); // the tick mails what was recorded
    for (const beheerder of [admin, bea]) {
      const inbox = (await beheerder.get('/me/notifications?limit=50')).body.notifications;
      expect(inbox.filter((n: { kind: string }) => n.kind === 'missed_contacts')).toEqual([
        expect.objectContaining({ kind: 'missed_contacts', occurrence: 3, taskId: c1.taskId }),
      ]);
    }
    expect((await rita.get('/me/notifications?limit=50')).body.notifications.filter((n: { kind: string }) => n.kind === 'missed_contacts')).toEqual([]);
    // No escalation: the wait followed every new due date.
    expect((await bea.get('/notifications')).body.notifications.filter((n: { kind: string }) => n.kind === 'escalation')).toEqual([]);

    await driver.advanceTo('2025-10-27');
    await driver.complete(c1, { heldOn: '2025-10-27', location: 'home' });
    const c2 = await driver.nextTask(c1.taskId);
    expect(c2).toMatchObject({ type: 'CONTACT', dueAt: '2025-12-27', zrmDue: false });

    // An extra contact: the open contact follows it, and now carries the first ZRM round (due 2026-02-15).
    await driver.advanceTo('2025-12-01');
    expect((await rita.post(`/trajectories/${id}/contacts`, { heldOn: '2025-12-01', location: 'community_centre' })).status).toBe(201);
    expect(await openTaskOf(rita, id)).toMatchObject({ taskId: c2.taskId, dueAt: '2026-02-01', zrmDue: true });
    // Rescheduled a little later.
    expect((await rita.patch(`/tasks/${c2.taskId}`, { dueAt: '2026-02-10', reason: 'Tolk beschikbaar' })).status).toBe(200);

    // And given to another regisseur, who carries it to the end.
    expect((await bea.patch(`/trajectories/${id}`, { regisseurId: 'ravi' })).status).toBe(200);
    const rest = new TrajectoryDriver(bea, ravi, id);
    let task: OpenTask = await rest.nextTask();
    expect(task).toMatchObject({ taskId: c2.taskId, dueAt: '2026-02-10', zrmDue: true });
    const held: Array<{ heldOn: string; next: OpenTask }> = [];
    while (task.type === 'CONTACT') {
      await rest.advanceTo(task.dueAt);
      await rest.complete(task, { heldOn: task.dueAt, location: 'home', ...(task.zrmDue ? { zrm: { scores: INTERIM } } : {}) });
      const next = await rest.nextTask(task.taskId);
      held.push({ heldOn: task.dueAt, next });
      task = next;
    }
    expect(task).toMatchObject({ type: 'AFRONDING', dueAt: '2028-08-15' });

    // Cadence: every planned contact two months after the last one held, the afronding once the next would reach it.
    for (const { heldOn, next } of held.slice(0, -1)) expect(next.dueAt, `after ${heldOn}`).toBe(addMonths(heldOn, 2));
    expect(addMonths(held.at(-1)!.heldOn, 2) >= '2028-08-15').toBe(true);
    // ZRM rounds on the six-month grid from the POP: five interim rounds, each held near its date.
    const view = await rest.view();
    const rounds = view.zrmRounds.filter((m: { round?: number }) => m.round !== undefined);
    expect(rounds.map((m: { round: number }) => m.round)).toEqual([1, 2, 3, 4, 5]);
    rounds.forEach((m: { measuredOn: string; round: number }) => {
      expect(Math.abs(daysBetween(addMonths(pop, 6 * m.round), m.measuredOn)), `round ${m.round}`).toBeLessThanOrEqual(31);
    });
    expect(view.zrmRounds.filter((m: { round?: number; kind: string }) => m.kind === 'interim' && m.round === undefined)).toEqual([]);
    expect(view.contacts.filter((c: { extra?: boolean }) => c.extra).map((c: { heldOn: string }) => c.heldOn)).toEqual(['2025-12-01']);
    expect(view.missedContacts.map((m: { on: string }) => m.on)).toEqual(['2025-09-15', '2025-09-29', '2025-10-13']);

    // The afronding closes it; the workflow ends normally.
    await rest.advanceTo(task.dueAt);
    // The final scores improve on the baseline everywhere: closing follows the proposal.
    await rest.complete(task, { final: { measuredOn: task.dueAt, scores: FINAL }, decision: 'close' });
    const closed = await eventually(async () => {
      const v = await rest.view();
      return v.workflow.status === 'done' && v.workflow.executions.every((e: { status: string }) => e.status !== 'RUNNING') ? v : undefined;
    }, 'the workflow to finish');
    expect(closed).toMatchObject({ phase: 'closed', status: 'closed' });
    // Every execution ended well: the successors continued as new, the last closed (none failed, none restarted).
    expect(new Set(closed.workflow.executions.map((e: { status: string }) => e.status))).toEqual(new Set(['SUCCEEDED']));
    expect(closed.tasks.filter((t: { status: string }) => t.status === 'cancelled')).toEqual([]);
    expect(closed.outcome).toMatchObject({ reason: 'completed', handedOver: false });
  }, 240_000);
});
