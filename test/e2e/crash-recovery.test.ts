/**
 * The backend is killed (SIGKILL) in the middle of a trajectory and started again on the same
 * data: the trajectory continues where it was, with no task lost and none duplicated.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addUsers, as, eventually, type Caller } from '../support/api-client';
import { startChildRuntime, type ChildRuntime } from '../support/child-runtime';
import { TrajectoryDriver, type OpenTask } from '../support/trajectory-driver';

const env = (dataDir: string) => ({ DATA_DIR: dataDir, CLOCK: 'virtual', CLOCK_START: '2025-01-15' });
let dataDir: string;
let runtime: ChildRuntime | undefined;

afterAll(async () => {
  await runtime?.kill();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function people(url: string): Promise<{ beheerder: Caller; regisseur: Caller }> {
  return { beheerder: await as(url, dataDir, 'beheerder', 'bea'), regisseur: await as(url, dataDir, 'regisseur', 'rita') };
}

describe('crash recovery', () => {
  it('resumes a trajectory after SIGKILL with the same open task and carries on', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'trajectregie-crash-'));
    runtime = await startChildRuntime(env(dataDir));
    let { beheerder, regisseur } = await people(runtime.url);
    await addUsers(beheerder, { userId: 'rita', role: 'regisseur' });

    const { body: client } = await beheerder.post('/clients', {
      firstName: 'Samira',
      lastName: 'Osman',
      birthDate: '1988-11-20',
      settledOn: '2025-01-15',
    });
    const { body: started } = await beheerder.post('/trajectories', { clientId: client.clientId, regisseurId: 'rita' });
    let driver = new TrajectoryDriver(beheerder, regisseur, started.trajectoryId);

    const contact = await driver.throughPop({ housing: 3 });
    expect(contact).toMatchObject({ type: 'CONTACT', dueAt: '2025-09-15' });
    const before = await driver.view();

    await runtime.kill('SIGKILL');
    runtime = await startChildRuntime(env(dataDir));
    ({ beheerder, regisseur } = await people(runtime.url));
    driver = new TrajectoryDriver(beheerder, regisseur, started.trajectoryId);

    // The same task is open again, once, with its due date; its workflow is a new execution.
    const open: OpenTask[] = (await regisseur.get('/tasks')).body.tasks;
    expect(open).toEqual([expect.objectContaining({ taskId: contact.taskId, type: 'CONTACT', dueAt: '2025-09-15' })]);
    const resumed = await eventually(async () => {
      const view = await driver.view();
      return view.workflow.executions.some((e: any) => e.status === 'RUNNING') ? view : undefined;
    }, 'a running execution');
    expect(resumed.tasks).toEqual(before.tasks.map((t: any) => expect.objectContaining({ taskId: t.taskId, status: t.status })));
    expect(resumed.workflow.executions.map((e: any) => [e.segment, e.status])).toEqual([
      [0, 'ABORTED'],
      [1, 'RUNNING'],
    ]);
    expect(resumed.contacts).toHaveLength(2);

    // The resumed workflow holds the task's new token: completing it moves the trajectory on.
    await driver.advanceTo(contact.dueAt);
    await driver.complete(contact, { heldOn: contact.dueAt, location: 'community_centre' });
    const next = await driver.nextTask(contact.taskId);
    expect(next).toMatchObject({ type: 'CONTACT', dueAt: '2025-10-15' });
    const after = await driver.view();
    expect(new Set(after.tasks.map((t: any) => t.taskId)).size).toBe(after.tasks.length);
    expect(after.tasks.map((t: any) => t.type)).toEqual(['KENNISMAKING', 'POP', 'CONTACT', 'CONTACT']);
  });
});
