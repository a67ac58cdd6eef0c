/**
 * `npm run bench`: figures, not verdicts. Starts the local runtime on fresh data and measures the
 * API under a sequential load of N trajectories, the due-index read the scheduler makes and the
 * notification tick's look (both with 10,000 more trajectories stored), memory, and each Lambda
 * bundle's size.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { startTrajectory as startAggregate } from '../core/trajectory/aggregate';
import { recordDue, scheduleFor } from '../core/usecases/notify';
import { addUsers, as, eventually } from '../test/support/api-client';
import { startTestRuntime } from '../test/support/runtime';

const N = Number(process.env.BENCH_TRAJECTORIES ?? 200);
/** Trajectories stored beside them for the tick's read, and how many of those are due on TICK_DAY. */
const STORED = Number(process.env.BENCH_STORED ?? 10_000);
const DUE = 10;
const TICK_DAY = '2025-08-26';
/** The reminder moment of those DUE kennismakingen (due 2025-08-12; 7 days before, 08:00 Amsterdam) plus an hour: the notification tick's look. */
const REMINDER_TICK = new Date('2025-08-05T07:00:00.000Z');

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  const mean = (samples.reduce((a, b) => a + b, 0) / samples.length).toFixed(1);
  return `${label.padEnd(38)} n=${String(samples.length).padStart(4)}  mean ${mean.padStart(7)} ms  p50 ${pick(0.5).padStart(7)}  p95 ${pick(0.95).padStart(7)}`;
}

async function timed<T>(samples: number[], run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await run();
  samples.push(performance.now() - start);
  return out;
}

const env = await startTestRuntime('2025-01-15');
try {
  const beheerder = await as(env.runtime.url, env.dataDir, 'beheerder', 'bea');
  const regisseur = await as(env.runtime.url, env.dataDir, 'regisseur', 'rita');
  await addUsers(beheerder, { userId: 'rita', role: 'regisseur' });
  const register: number[] = [];
  const start: number[] = [];
  const listTasks: number[] = [];
  const complete: number[] = [];
  const trajectoryIds: string[] = [];

  for (let i = 0; i < N; i++) {
    const client = await timed(register, () =>
      beheerder.post('/clients', { firstName: `Client${i}`, lastName: 'Bench', birthDate: '1990-01-01', settledOn: '2025-01-15' }),
    );
    const started = await timed(start, () => beheerder.post('/trajectories', { clientId: client.body.clientId, regisseurId: 'rita' }));
    trajectoryIds.push(started.body.trajectoryId);
  }
  const tasks = await eventually(async () => {
    const { body } = await regisseur.get(`/tasks?limit=${N}`);
    return body.tasks.length === N ? body.tasks : undefined;
  }, 'all kennismaking tasks', 60_000);
  await beheerder.post('/local/clock', { advanceDays: 181 });
  for (let i = 0; i < 20; i++) await timed(listTasks, () => regisseur.get(`/tasks?limit=${N}`));
  for (const task of tasks) {
    await timed(complete, () => regisseur.post(`/tasks/${task.taskId}/complete`, { heldOn: '2025-07-15', location: 'home' }));
  }
  const moved = performance.now();
  await eventually(async () => {
    const { body } = await regisseur.get(`/tasks?limit=${N}`);
    return body.tasks.every((t: { type: string }) => t.type === 'POP') ? true : undefined;
  }, 'all POP tasks', 120_000);
  const workflowCatchUp = performance.now() - moved;

  // Every open POP escalates at the end of the kennismakingsperiode (2025-10-15): all N are due then.
  const dueIndex: number[] = [];
  let dueNow = 0;
  for (let i = 0; i < 20; i++) dueNow = (await timed(dueIndex, () => env.runtime.deps.store.listEscalationDue('2025-10-15'))).length;

  // The tick's read with 10,000 more trajectories stored, of which DUE escalate on TICK_DAY: it
  // should read what is due, as keys, whatever is stored (the sparse, keys-only escalation index).
  const { deps } = env.runtime;
  const now = deps.clock.now();
  for (let i = 0; i < STORED; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, STORED - i) }, (_, j) => {
        const trajectoryId = deps.ids.next();
        // Settled long ago: the kennismaking is due 28 days from now, escalated 14 days later (TICK_DAY); else in six months.
        const settledOn = i + j < DUE ? '2025-01-01' : '2025-07-01';
        const t = startAggregate({ trajectoryId, clientId: `bench-${i + j}`, settledOn, regisseurId: 'rita', executionName: `${trajectoryId}-0`, actor: { userId: 'bea', role: 'beheerder' }, now });
        // As a start does: the trajectory's next notification moment goes into the sparse index first.
        return scheduleFor(deps, undefined, t).then(() => deps.store.saveTrajectory(t, null));
      }),
    );
  }
  let itemsRead = 0;
  env.runtime.doc.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const o = out.output as { ScannedCount?: number; Item?: unknown; Responses?: Record<string, unknown[]> };
      itemsRead += o.ScannedCount ?? (o.Item ? 1 : 0) + Object.values(o.Responses ?? {}).flat().length;
      return out;
    },
    { step: 'initialize', name: 'benchItemsRead' },
  );
  const tick: number[] = [];
  let due = 0;
  for (let i = 0; i < 20; i++) due = (await timed(tick, () => deps.store.listEscalationDue(TICK_DAY))).length;
  const tickItems = itemsRead / 20;

  // The notification tick's look at the moment the DUE reminders fall due: it reads the due marks,
  // their trajectories and the directory, whatever else is stored (once: it records what it finds).
  itemsRead = 0;
  const notifyTick: number[] = [];
  const looked = await timed(notifyTick, () => recordDue({ ...deps, clock: { now: () => REMINDER_TICK } }));
  const notifyItems = itemsRead;

  console.log(`\ntrajectregie bench — ${N} trajectories on the local runtime (embedded DynamoDB, virtual clock)\n`);
  console.log(summary('POST /clients', register));
  console.log(summary('POST /trajectories (+ workflow start)', start));
  console.log(summary(`GET /tasks (${N} open tasks)`, listTasks));
  console.log(summary('POST /tasks/{id}/complete', complete));
  console.log(summary(`due index read (${dueNow} due)`, dueIndex));
  console.log(summary(`tick's read, ${N + STORED} stored (${due} due)`, tick));
  console.log(`${"tick's read: items read".padEnd(38)} ${tickItems} (keys only, from the escalation index)`);
  console.log(summary(`notification tick, ${N + STORED} stored (${looked.looked} due)`, notifyTick));
  console.log(`${'notification tick: items read'.padEnd(38)} ${notifyItems} (the due marks, their trajectories, the directory; ${looked.recorded} recorded)`);
  console.log(`${'workflows caught up after completions'.padEnd(38)} ${workflowCatchUp.toFixed(0)} ms for ${N}`);
  const mem = process.memoryUsage();
  console.log(`${'memory'.padEnd(38)} rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`);
} finally {
  await env.stop();
}

console.log('\nLambda bundles (esbuild, minified):');
try {
  execFileSync(process.execPath, ['--import', 'tsx', 'infra/bundle-report.ts'], { stdio: 'inherit' });
} catch {
  console.log('(a bundle is over its limit; see above)');
}
execFileSync(process.execPath, ['--import', 'tsx', 'bench/cold-import.ts'], { stdio: 'inherit' }); // cold import of each bundle vs an empty module
