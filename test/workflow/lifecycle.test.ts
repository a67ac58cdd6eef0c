/**
 * Whole trajectories through the real ASL file on the local engine, embedded DynamoDB and a
 * virtual clock: every task's type and due date, the ZRM rounds, the outcome, and the
 * executions that carried the trajectory (bounded to a year each, continued as new).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { daysBetween } from '../../core/rules/dates';
import { tick } from '../../core/usecases/oversight';
import { addUsers, as, eventually, type Caller } from '../support/api-client';
import { startTestRuntime } from '../support/runtime';
import { monthsAfter, TrajectoryDriver, type OpenTask } from '../support/trajectory-driver';

const SETTLED = '2025-01-15';
const KENNISMAKING = '2025-07-15'; // six months after settling
const POP = monthsAfter(KENNISMAKING, 1);
/** Monthly while inside the three months after the kennismaking, then every two months. */
const CONTACT_MONTHS = [2, 3, ...Array.from({ length: 16 }, (_, i) => 5 + 2 * i)]; // K+2, K+3, K+5 … K+35
const AFRONDING = monthsAfter(POP, 36);
/** ZRM every six months after the baseline at the POP: asked in the contacts due then. */
const ZRM_DUE = [6, 12, 18, 24, 30].map((m) => monthsAfter(POP, m));

const EXPECTED: Array<{ type: string; dueAt: string; zrmDue: boolean }> = [
  { type: 'KENNISMAKING', dueAt: KENNISMAKING, zrmDue: false },
  { type: 'POP', dueAt: POP, zrmDue: true },
  ...CONTACT_MONTHS.map((m) => {
    const dueAt = monthsAfter(KENNISMAKING, m);
    return { type: 'CONTACT', dueAt, zrmDue: ZRM_DUE.includes(dueAt) };
  }),
  { type: 'AFRONDING', dueAt: AFRONDING, zrmDue: true },
];

const BASELINE = { finances: 2, workEducation: 2, housing: 3, socialNetwork: 2, participation: 3, mentalHealth: 4 };
const INTERIM = { finances: 3, workEducation: 2, housing: 3, socialNetwork: 3, participation: 3, mentalHealth: 4 };

let env: Awaited<ReturnType<typeof startTestRuntime>>;
let beheerder: Caller;
let regisseur: Caller;

beforeEach(async () => {
  env = await startTestRuntime(SETTLED);
  beheerder = await as(env.runtime.url, env.dataDir, 'beheerder', 'bea');
  regisseur = await as(env.runtime.url, env.dataDir, 'regisseur', 'rita');
  await addUsers(beheerder, { userId: 'rita', role: 'regisseur' });
});
afterEach(async () => env.stop());

async function startTrajectory(): Promise<TrajectoryDriver> {
  const client = await beheerder.post('/clients', {
    firstName: 'Amal',
    lastName: 'Haddad',
    birthDate: '1990-03-01',
    settledOn: SETTLED,
    bsn: '123456782',
  });
  expect(client.status).toBe(201);
  const trajectory = await beheerder.post('/trajectories', { clientId: client.body.clientId, regisseurId: 'rita' });
  expect(trajectory.status).toBe(201);
  return new TrajectoryDriver(beheerder, regisseur, trajectory.body.trajectoryId);
}

/** Runs the trajectory until the AFRONDING task (or the task `stop` picks) is open, and returns it. */
async function runToAfronding(
  driver: TrajectoryDriver,
  stop: (task: OpenTask) => boolean = (task) => task.type === 'AFRONDING',
): Promise<{ seen: OpenTask[]; afronding: OpenTask }> {
  const seen: OpenTask[] = [];
  let previous: string | undefined;
  for (;;) {
    const task = await driver.nextTask(previous);
    seen.push(task);
    if (stop(task)) return { seen, afronding: task };
    await driver.advanceTo(task.dueAt);
    const held = task.dueAt;
    if (task.type === 'KENNISMAKING') await driver.complete(task, { heldOn: held, location: 'home' });
    if (task.type === 'POP') {
      await driver.complete(task, {
        agreedOn: held,
        location: 'home',
        goals: [{ domain: 'workEducation', desiredSituation: 'Taalniveau B1', action: 'Taalcursus bij de bibliotheek' }],
        baseline: { scores: BASELINE, scoredBy: 'together' },
      });
    }
    if (task.type === 'CONTACT') {
      await driver.complete(task, {
        heldOn: held,
        location: 'library',
        ...(task.zrmDue ? { zrm: { scores: INTERIM, scoredBy: 'regisseur' } } : {}),
      });
    }
    previous = task.taskId;
  }
}

async function expectBoundedExecutions(driver: TrajectoryDriver, count: number): Promise<void> {
  const view = await driver.view();
  const executions: Array<{ name: string; status: string; startedAt: string; stoppedAt?: string }> = view.workflow.executions;
  expect(executions.map((e) => e.name)).toEqual(Array.from({ length: count }, (_, i) => `${driver.trajectoryId}-${i}`));
  expect(executions.every((e) => e.status === 'SUCCEEDED')).toBe(true);
  for (const e of executions) {
    expect(daysBetween(e.startedAt, e.stoppedAt!), `${e.name} spans at most a year`).toBeLessThanOrEqual(365);
  }
}

describe('a whole trajectory on the local stack', () => {
  it('improves, closes successful, and plans every task on its due date', async () => {
    const driver = await startTrajectory();
    const { seen, afronding } = await runToAfronding(driver);
    expect(seen.map(({ type, dueAt, zrmDue }) => ({ type, dueAt, zrmDue }))).toEqual(EXPECTED);

    await driver.advanceTo(afronding.dueAt);
    await driver.complete(afronding, {
      final: { measuredOn: afronding.dueAt, scores: { ...INTERIM, finances: 4, workEducation: 4, socialNetwork: 4 }, scoredBy: 'together' },
      decision: 'close',
    });
    const closed = await eventually(async () => {
      const view = await driver.view();
      return view.workflow.status === 'done' ? view : undefined;
    }, 'the trajectory to close');

    expect(closed.phase).toBe('closed');
    expect(closed.outcome).toMatchObject({ successful: true, handedOver: false, improvedDomains: ['finances', 'workEducation', 'socialNetwork'] });
    expect(closed.proposal).toBe('close');
    expect(closed.zrmRounds.map((r: { kind: string; measuredOn: string }) => [r.kind, r.measuredOn])).toEqual([
      ['baseline', POP],
      ...ZRM_DUE.map((d) => ['interim', d]),
      ['final', AFRONDING],
    ]);
    expect(closed.tasks).toHaveLength(EXPECTED.length);
    expect(new Set(closed.tasks.map((t: OpenTask) => t.taskId)).size).toBe(EXPECTED.length);
    // Continued as new after 300 days at the first planning past it: 2025-12, 2026-10, 2027-08, 2028-06.
    await expectBoundedExecutions(driver, 5);
    expect((await regisseur.get('/tasks')).body.tasks).toEqual([]);
    const { body: overview } = await beheerder.get('/overview');
    expect(overview.trajectories).toMatchObject({ total: 1, byPhase: { closed: 1 }, workflowsFailed: 0 });
    expect(overview.outcomes).toEqual({ closed: 1, successful: 1, handedOver: 0, withdrawn: 0, successRate: 1, target: 0.8 });
  });

  it('hands over with consent; the municipality acknowledges and the trajectory closes as handed over', async () => {
    const driver = await startTrajectory();
    const { afronding } = await runToAfronding(driver);
    await driver.advanceTo(afronding.dueAt);

    const shown = await regisseur.get(`/tasks/${afronding.taskId}`);
    // So far (the latest interim scores against the baseline): two domains up, and workEducation still at 2.
    expect(shown.body.advice).toEqual({ proposal: 'handover', improvedDomains: ['finances', 'socialNetwork'], successful: true });

    const withoutConsent = await regisseur.post(`/tasks/${afronding.taskId}/complete`, {
      final: { measuredOn: afronding.dueAt, scores: { ...BASELINE, finances: 3, housing: 2 }, scoredBy: 'together' },
      decision: 'handover',
    });
    expect(withoutConsent.status).toBe(400);
    expect(withoutConsent.body.errors).toEqual([expect.objectContaining({ field: 'consent' })]);

    const completed = await regisseur.post(`/tasks/${afronding.taskId}/complete`, {
      final: { measuredOn: afronding.dueAt, scores: { ...BASELINE, finances: 3, housing: 2 }, scoredBy: 'together' },
      decision: 'handover',
      consent: true,
    });
    expect(completed.body).toMatchObject({ decision: 'handover', proposal: 'handover', outcome: { successful: false, improvedDomains: ['finances'] } });
    const gemeente = await as(env.runtime.url, env.dataDir, 'gemeente', 'klantregie');
    const handover = await eventually(async () => {
      const { body } = await gemeente.get('/handovers');
      return body.handovers.find((h: { trajectoryId: string }) => h.trajectoryId === driver.trajectoryId);
    }, 'the handover in the inbox');
    // What is already known travels along: the client, the POP and every ZRM round.
    expect(handover.dossier.client).toMatchObject({ firstName: 'Amal', bsn: '123456782' });
    expect(handover.dossier.pop.goals).toHaveLength(1);
    expect(handover.dossier.measurements).toHaveLength(7);
    expect(handover.dossier.proposal).toBe('handover');

    const ackTask = await eventually(async () => {
      const { body } = await gemeente.get('/tasks');
      return body.tasks.find((t: OpenTask) => t.type === 'ACKNOWLEDGE');
    }, 'the acknowledge task');
    expect(ackTask.dueAt).toBe('2028-08-29');

    await driver.advanceTo('2028-08-20');
    const ack = await gemeente.post(`/handovers/${handover.handoverId}/acknowledge`);
    expect(ack.status).toBe(200);
    const again = await gemeente.post(`/handovers/${handover.handoverId}/acknowledge`);
    expect(again.status).toBe(200);
    expect(again.body.acknowledgedAt).toBe(ack.body.acknowledgedAt);

    const closed = await eventually(async () => {
      const view = await driver.view();
      return view.workflow.status === 'done' ? view : undefined;
    }, 'the trajectory to close');
    expect(closed.outcome).toMatchObject({ handedOver: true, successful: false, improvedDomains: ['finances'], closedOn: '2028-08-20' });
    await expectBoundedExecutions(driver, 5);
  });
});

describe('when tasks slip or the afronding comes early', () => {
  it('escalates a task once on its escalation day (due + 14 days), keeps it open, continues as new, and resolves the escalation when done', async () => {
    const driver = await startTrajectory();
    const kennismaking = await driver.nextTask();
    expect(kennismaking).toMatchObject({ dueAt: '2025-07-15', escalateOn: '2025-07-29', escalatesAt: '2025-07-28T22:00:00.000Z' });
    await driver.advanceTo('2025-07-28');
    expect((await beheerder.get('/notifications')).body.notifications).toEqual([]);
    await driver.advanceTo('2025-07-29'); // the escalation day: counted by the workflow, the tick and the overview alike

    const { body } = await beheerder.get('/notifications');
    expect(body.notifications).toEqual([
      expect.objectContaining({ kind: 'escalation', recipientRole: 'beheerder', taskId: kennismaking.taskId }),
    ]);
    const view = await eventually(async () => {
      const v = await driver.view();
      return v.workflow.executions.length === 2 ? v : undefined;
    }, 'the successor execution');
    expect(view.workflow.executions.map((e: { status: string }) => e.status)).toEqual(['SUCCEEDED', 'RUNNING']);
    const open = (await regisseur.get('/tasks')).body.tasks;
    expect(open).toEqual([expect.objectContaining({ taskId: kennismaking.taskId, overdue: true, escalatedAt: '2025-07-29T09:00:00.000Z', daysOverdue: 14 })]);

    // The scheduler tick publishes the gauge the overdue alarm watches; the beheerder sees the same.
    const published: Array<[string, number]> = [];
    await tick({ ...env.runtime.deps, metrics: { gauge: async (name, value) => void published.push([name, value]) } });
    expect(published).toEqual([['OverdueTasks', 1]]);
    expect((await beheerder.get('/overview')).body.tasks).toEqual({ open: 1, overdue: 1, pastEscalation: 1 });

    await driver.advanceTo('2025-09-30');
    expect((await beheerder.get('/notifications')).body.notifications).toHaveLength(1);
    await driver.complete(kennismaking, { heldOn: '2025-09-30', location: 'home', firstContactVia: 'trusted_person' });
    expect((await beheerder.get('/notifications')).body.notifications).toEqual([
      expect.objectContaining({ taskId: kennismaking.taskId, resolvedAt: '2025-09-30T09:00:00.000Z' }),
    ]);
    // The POP is the monthly meeting after the kennismaking, but escalates only when the
    // kennismakingsperiode (three months) has passed without one.
    const pop = await driver.nextTask(kennismaking.taskId);
    expect(pop).toMatchObject({ type: 'POP', dueAt: '2025-10-30', escalateOn: '2025-12-30' });
    await driver.advanceTo('2025-12-29');
    expect((await beheerder.get('/notifications')).body.notifications).toHaveLength(1);
    await driver.advanceTo('2025-12-30');
    expect((await beheerder.get('/notifications')).body.notifications).toHaveLength(2);
  });

  it('plans the afronding now when the regisseur asks for it early, cancelling the open contact', async () => {
    const driver = await startTrajectory();
    const contact = await driver.throughPop(BASELINE);
    await driver.advanceTo('2025-09-01');

    const withoutReason = await regisseur.post(`/trajectories/${driver.trajectoryId}/afronding`, {});
    expect(withoutReason.status).toBe(400);
    const asked = await regisseur.post(`/trajectories/${driver.trajectoryId}/afronding`, { reason: 'Zelfredzaam: werk gevonden' });
    expect(asked.status).toBe(202);
    const afronding = await driver.nextTask(contact.taskId);
    expect(afronding).toMatchObject({ type: 'AFRONDING', dueAt: '2025-09-01' });
    await driver.complete(afronding, {
      final: { measuredOn: '2025-09-01', scores: { ...BASELINE, finances: 4, workEducation: 3 }, scoredBy: 'together' },
      decision: 'close',
      reason: 'Sociaal netwerk groeit via de taalcursus',
    });
    const closed = await eventually(async () => {
      const v = await driver.view();
      return v.workflow.status === 'done' ? v : undefined;
    }, 'the trajectory to close');
    expect(closed.outcome).toMatchObject({ successful: true, improvedDomains: ['finances', 'workEducation'] });
    expect(closed.tasks.map((t: { type: string; status: string }) => [t.type, t.status])).toEqual([
      ['KENNISMAKING', 'completed'],
      ['POP', 'completed'],
      ['CONTACT', 'cancelled'],
      ['AFRONDING', 'completed'],
    ]);
  });

  it('withdraws from any wait: the execution ends through Close, no task stays open, and it counts apart from the target', async () => {
    const driver = await startTrajectory();
    const contact = await driver.throughPop(BASELINE);
    await driver.advanceTo('2025-09-01');

    const badReason = await regisseur.post(`/trajectories/${driver.trajectoryId}/withdraw`, { on: '2025-09-01', reason: 'bored' });
    expect(badReason.status).toBe(400);
    const future = await regisseur.post(`/trajectories/${driver.trajectoryId}/withdraw`, { on: '2025-09-02', reason: 'moved_away' });
    expect(future.status).toBe(400);
    expect(future.body.errors).toEqual([expect.objectContaining({ field: 'on' })]);

    const withdrawn = await regisseur.post(`/trajectories/${driver.trajectoryId}/withdraw`, { on: '2025-08-30', reason: 'moved_away', note: 'Verhuisd naar Utrecht' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ phase: 'closed', status: 'closed' });
    const done = await eventually(async () => {
      const v = await driver.view();
      return v.workflow.status === 'done' ? v : undefined;
    }, 'the workflow to end');
    expect(done.outcome).toMatchObject({ reason: 'withdrawn', closedOn: '2025-08-30', withdrawal: { reason: 'moved_away' } });
    expect(done.tasks.find((t: OpenTask) => t.taskId === contact.taskId)).toMatchObject({ status: 'cancelled' });
    expect(done.workflow.executions.map((e: { status: string }) => e.status)).toEqual(['SUCCEEDED']);
    expect((await regisseur.get('/tasks')).body.tasks).toEqual([]);
    expect((await regisseur.post(`/trajectories/${driver.trajectoryId}/withdraw`, { on: '2025-08-30', reason: 'other' })).status).toBe(409);
    const { body: overview } = await beheerder.get('/overview');
    expect(overview.outcomes).toEqual({ closed: 1, successful: 0, handedOver: 0, withdrawn: 1, successRate: null, target: 0.8 });
    // The client is free for a new trajectory.
    const again = await beheerder.post('/trajectories', { clientId: done.clientId, regisseurId: 'rita' });
    expect(again.status).toBe(201);
  });

  it('asks for the afronding from the POP phase on; before the kennismaking the answer is to withdraw', async () => {
    const driver = await startTrajectory();
    const kennismaking = await driver.nextTask();
    const tooEarly = await regisseur.post(`/trajectories/${driver.trajectoryId}/afronding`, { reason: 'Programma stopt' });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.detail).toMatch(/withdraw/);

    await driver.advanceTo(kennismaking.dueAt);
    await driver.complete(kennismaking, { heldOn: kennismaking.dueAt, location: 'home' });
    const pop = await driver.nextTask(kennismaking.taskId);
    expect((await beheerder.post(`/trajectories/${driver.trajectoryId}/afronding`, { reason: 'Programma stopt' })).status).toBe(202);
    const afronding = await driver.nextTask(pop.taskId);
    expect(afronding).toMatchObject({ type: 'AFRONDING', dueAt: kennismaking.dueAt });
    const view = await driver.view();
    expect(view).toMatchObject({ phase: 'afronding', afrondingReason: 'Programma stopt' });
    expect(view.tasks.find((t: OpenTask) => t.taskId === pop.taskId)).toMatchObject({ status: 'cancelled' });
  });

  it("follows the trajectory's own interval once the regisseur sets it, without changing the running definition", async () => {
    const driver = await startTrajectory();
    const kennismaking = await driver.nextTask();
    await driver.advanceTo(kennismaking.dueAt);
    await driver.complete(kennismaking, { heldOn: kennismaking.dueAt, location: 'home' });
    const pop = await driver.nextTask(kennismaking.taskId);

    expect((await regisseur.patch(`/trajectories/${driver.trajectoryId}`, { intervalMonths: 0 })).status).toBe(400);
    const quarterly = await regisseur.patch(`/trajectories/${driver.trajectoryId}`, { intervalMonths: 3 });
    expect(quarterly.status).toBe(200);
    await driver.advanceTo(pop.dueAt);
    await driver.complete(pop, { agreedOn: pop.dueAt, location: 'home', goals: [], baseline: { scores: BASELINE, scoredBy: 'client' } });
    const contact = await driver.nextTask(pop.taskId);
    expect(contact).toMatchObject({ type: 'CONTACT', dueAt: '2025-11-15' });

    // Back to monthly: the contact is due sooner, and the execution waiting since the POP plans
    // again, so the escalation follows the new due date, not the one it started waiting for.
    const monthly = await regisseur.patch(`/trajectories/${driver.trajectoryId}`, { intervalMonths: 1 });
    expect(monthly.body.currentTask).toMatchObject({ taskId: contact.taskId, dueAt: '2025-09-15' });
    await driver.advanceTo('2025-09-30');
    expect((await beheerder.get('/notifications')).body.notifications).toEqual([
      expect.objectContaining({ taskId: contact.taskId, kind: 'escalation' }),
    ]);

    await driver.complete(contact, { heldOn: '2025-09-30', location: 'home' });
    const next = await driver.nextTask(contact.taskId);
    expect(next).toMatchObject({ type: 'CONTACT', dueAt: '2025-10-30' });
    expect((await driver.view()).tasks.filter((t: OpenTask) => t.taskId === contact.taskId)).toHaveLength(1);
  });

  it('goes to the afronding when a longer interval would put the open contact past it', async () => {
    const driver = await startTrajectory();
    const { afronding: contact } = await runToAfronding(driver, (task) => task.dueAt === '2028-06-15');
    expect(contact.type).toBe('CONTACT');

    const changed = await regisseur.patch(`/trajectories/${driver.trajectoryId}`, { intervalMonths: 12 });
    expect(changed.status).toBe(200);
    const afronding = await driver.nextTask(contact.taskId);
    expect(afronding).toMatchObject({ type: 'AFRONDING', dueAt: AFRONDING });
    const view = await driver.view();
    expect(view.workflow.status).toBe('running');
    expect(view.tasks.at(-2)).toMatchObject({ taskId: contact.taskId, status: 'cancelled' });
  });
});
