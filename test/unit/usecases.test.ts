/**
 * Use cases against in-memory fakes of the ports (test/support/fakes.ts): load → apply → conditional
 * save → effects, the retry on a lost race, what the workflow is told, and the steps the state
 * machine calls, without a network.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, WithdrawnError } from '../../core/errors';
import type { Actor } from '../../core/schemas';
import { changeTrajectory } from '../../core/usecases/change';
import { registerClient } from '../../core/usecases/clients';
import { overview, tick } from '../../core/usecases/oversight';
import { completeTask, getTask, listTaskPage } from '../../core/usecases/tasks';
import { requestAfronding, startTrajectory, withdrawTrajectory } from '../../core/usecases/trajectories';
import { closeTrajectory, escalate, openTask, plan } from '../../core/usecases/workflow-steps';
import * as aggregate from '../../core/trajectory/aggregate';
import { addUsers, fakeWorld, type FakeWorld } from '../support/fakes';

const beheerder: Actor = { userId: 'bea', role: 'beheerder' };
const rita: Actor = { userId: 'rita', role: 'regisseur' };
const other: Actor = { userId: 'otto', role: 'regisseur' };

let world: FakeWorld;
let trajectoryId: string;
let tokens = 0;

/** The state machine's part: plan the phase and open its task with a fresh token. */
async function workflowOpens(phase: 'kennismaking' | 'pop' | 'begeleiding' | 'afronding') {
  const ctx = { trajectoryId, segment: 0, executionName: `${trajectoryId}-0`, executionStartedAt: world.deps.clock.now().toISOString() };
  const planned = await plan(world.deps, { ...ctx, phase });
  const token = `token-${++tokens}`;
  const opened = await openTask(world.deps, { ...ctx, taskType: planned.taskType!, taskToken: token });
  return { ...opened, token, planned };
}

beforeEach(async () => {
  world = fakeWorld('2025-01-20T09:00:00.000Z');
  addUsers(world, { userId: 'rita', role: 'regisseur' }, { userId: 'otto', role: 'regisseur' });
  const client = await registerClient(world.deps, beheerder, { firstName: 'Amal', lastName: 'Haddad', birthDate: '1990-03-01', settledOn: '2025-01-15' });
  trajectoryId = (await startTrajectory(world.deps, beheerder, { clientId: client.clientId, regisseurId: 'rita' })).trajectoryId;
});

describe('starting and completing', () => {
  it('starts the workflow in the kennismaking; the wait lasts until the escalation moment', async () => {
    expect(world.engine.started).toEqual([{ trajectoryId, resumeAt: 'kennismaking', segment: 0 }]);
    const { taskId, planned } = await workflowOpens('kennismaking');
    // Due 2025-07-15, escalated at 00:00 Amsterdam time on 2025-07-29 (22:00 UTC the day before).
    expect(planned.timeoutSeconds).toBe((Date.parse('2025-07-28T22:00:00.000Z') - Date.parse('2025-01-20T09:00:00.000Z')) / 1000);
    const [view] = (await listTaskPage(world.deps, rita, {})).tasks;
    expect(view).toMatchObject({ clientName: 'Amal Haddad', task: { taskId, dueAt: '2025-07-15', escalateOn: '2025-07-29' } });
  });

  it('writes a completion once, then tells the waiting execution with its token', async () => {
    const { taskId, token } = await workflowOpens('kennismaking');
    world.at('2025-07-15');
    const answer = await completeTask(world.deps, rita, taskId, { heldOn: '2025-07-15', location: 'home' });
    const pop = world.store.trajectories.get(trajectoryId)!.openTask!;
    expect(answer).toEqual({ taskId, type: 'KENNISMAKING', nextTask: { taskId: pop.taskId, type: 'POP', dueAt: '2025-08-15' } });
    expect(world.engine.successes).toEqual([{ token, output: expect.objectContaining({ taskId, type: 'KENNISMAKING', taskType: 'POP', openTaskId: pop.taskId }) }]);
    expect(world.store.audit.at(-1)).toMatchObject({ actorId: 'rita', action: 'update', detail: `complete KENNISMAKING task ${taskId}` });
    const saves = world.store.saves;
    await expect(completeTask(world.deps, rita, taskId, { heldOn: '2025-07-15', location: 'home' })).rejects.toThrow(new ConflictError('This task is already completed'));
    expect(world.store.saves).toBe(saves);
    expect(world.engine.successes).toHaveLength(1);
  });

  it('applies the completion again on a lost race (the version moved), and stores it once', async () => {
    const { taskId } = await workflowOpens('kennismaking');
    let raced = false;
    world.store.beforeSave = (t) => {
      if (raced || !t.kennismakingOn) return; // only the completion's save
      raced = true; // another writer (say the interval) wins the race first
      const stored = world.store.trajectories.get(trajectoryId)!;
      world.store.trajectories.set(trajectoryId, { ...stored, intervalMonths: 3, version: stored.version + 1 });
    };
    await completeTask(world.deps, rita, taskId, { heldOn: '2025-01-20', location: 'home' });
    const stored = world.store.trajectories.get(trajectoryId)!;
    expect(stored).toMatchObject({ phase: 'pop', intervalMonths: 3, kennismakingOn: '2025-01-20' });
    expect(stored.contacts).toHaveLength(1);
  });

  it('a stored completion is not an error when the engine cannot be told: the wait resumes at its timeout', async () => {
    const { taskId } = await workflowOpens('kennismaking');
    world.engine.unreachable = true;
    await expect(completeTask(world.deps, rita, taskId, { heldOn: '2025-01-20', location: 'home' })).resolves.toMatchObject({ taskId });
    expect(world.logs).toContainEqual(expect.objectContaining({ level: 'error', message: 'could not tell the workflow; it resumes at the wait timeout' }));
    expect(world.store.trajectories.get(trajectoryId)!.phase).toBe('pop');
  });

  it("another regisseur's task is not found, and a beheerder may read but not complete", async () => {
    const { taskId } = await workflowOpens('kennismaking');
    await expect(completeTask(world.deps, other, taskId, { heldOn: '2025-01-20', location: 'home' })).rejects.toThrow(NotFoundError);
    await expect(completeTask(world.deps, beheerder, taskId, {})).rejects.toThrow(/regisseur/);
    expect((await getTask(world.deps, beheerder, taskId)).task.taskId).toBe(taskId);
  });
});

describe('escalation through the step, the tick and the overview: one rule', () => {
  it('on the escalation day all three count the task; the notification is recorded once and resolved when done', async () => {
    const { taskId } = await workflowOpens('kennismaking');
    const ctx = { trajectoryId, segment: 0, executionName: `${trajectoryId}-0`, executionStartedAt: '2025-01-20T09:00:00.000Z' };
    world.at('2025-07-28T21:59:00.000Z');
    await escalate(world.deps, ctx);
    expect(await world.store.listEscalations()).toEqual([]);
    expect((await overview(world.deps, beheerder)).tasks).toEqual({ open: 1, overdue: 1, pastEscalation: 0 });
    expect(await tick(world.deps)).toMatchObject({ overdueTasks: 0 });

    world.at('2025-07-28T22:00:00.000Z'); // 00:00 in Amsterdam on 2025-07-29
    const plan = await escalate(world.deps, ctx);
    await escalate(world.deps, ctx);
    expect(plan).toMatchObject({ next: 'continue', resumeAt: 'kennismaking', segment: 1, executionName: `${trajectoryId}-1` });
    expect(await world.store.listEscalations()).toEqual([expect.objectContaining({ escalationId: `${taskId}-escalation`, kind: 'escalation' })]);
    expect((await overview(world.deps, beheerder)).tasks).toEqual({ open: 1, overdue: 1, pastEscalation: 1 });
    expect(await tick(world.deps)).toMatchObject({ overdueTasks: 1 });
    expect(world.gauges.at(-1)).toEqual(['OverdueTasks', 1]);

    world.at('2025-08-01');
    await completeTask(world.deps, rita, taskId, { heldOn: '2025-08-01', location: 'home' });
    expect((await world.store.listEscalations())[0]!.resolvedAt).toBe('2025-08-01T09:00:00.000Z');
  });
});

describe('withdrawal', () => {
  it('ends the wait with Withdrawn, frees the client, and the next step ends the workflow through Close', async () => {
    const { token } = await workflowOpens('kennismaking');
    world.at('2025-02-01');
    await expect(withdrawTrajectory(world.deps, other, trajectoryId, { on: '2025-02-01', reason: 'declined' })).rejects.toThrow(NotFoundError);
    const withdrawn = await withdrawTrajectory(world.deps, rita, trajectoryId, { on: '2025-02-01', reason: 'declined' });
    expect(withdrawn).toMatchObject({ status: 'closed', phase: 'closed', outcome: { reason: 'withdrawn' } });
    expect(world.engine.failures).toEqual([{ token, error: 'Trajectory.Withdrawn' }]);
    expect(world.store.claims.size).toBe(0);

    const ctx = { trajectoryId, segment: 0, executionName: `${trajectoryId}-0`, executionStartedAt: '2025-01-20T09:00:00.000Z' };
    await expect(plan(world.deps, { ...ctx, phase: 'pop' })).rejects.toThrow(WithdrawnError);
    await closeTrajectory(world.deps, ctx);
    expect(world.store.trajectories.get(trajectoryId)!.workflow.status).toBe('done');
    const { outcomes } = await overview(world.deps, beheerder);
    expect(outcomes).toMatchObject({ closed: 1, withdrawn: 1, successRate: null });
  });
});

describe('the afronding', () => {
  it('an open AFRONDING task shows the proposal and the outcome so far before the decision', async () => {
    const k = await workflowOpens('kennismaking');
    await completeTask(world.deps, rita, k.taskId, { heldOn: '2025-01-20', location: 'home' });
    const p = await workflowOpens('pop');
    await completeTask(world.deps, rita, p.taskId, { agreedOn: '2025-01-20', location: 'home', goals: [], baseline: { scores: { finances: 2, housing: 3 } } });
    await workflowOpens('begeleiding');
    await requestAfronding(world.deps, rita, trajectoryId, 'Zelfredzaam');
    const a = await workflowOpens('afronding');
    expect(await getTask(world.deps, rita, a.taskId)).toMatchObject({ advice: { proposal: 'handover', improvedDomains: [], successful: false } });
  });
});

describe('the runner', () => {
  it('records a notification before the save, so a failed save never loses it', async () => {
    await workflowOpens('kennismaking');
    world.at('2025-07-29');
    world.store.beforeSave = () => {
      throw new Error('the table is down');
    };
    await expect(changeTrajectory(world.deps, trajectoryId, (t) => aggregate.escalate(t, { now: world.deps.clock.now() }))).rejects.toThrow('the table is down');
    expect(await world.store.listEscalations()).toHaveLength(1);
  });

  it('gives up after repeated lost races with a ConcurrentUpdateError the state machine retries', async () => {
    world.store.beforeSave = () => {
      const stored = world.store.trajectories.get(trajectoryId)!;
      world.store.trajectories.set(trajectoryId, { ...stored, version: stored.version + 1 });
    };
    await expect(
      changeTrajectory(world.deps, trajectoryId, (t) => aggregate.recordFailure(t, { executionName: 'x', segment: 0, error: 'boom' })),
    ).rejects.toMatchObject({ name: 'ConcurrentUpdateError' });
  });
});
