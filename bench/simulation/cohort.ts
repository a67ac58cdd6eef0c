/**
 * Drives a cohort of trajectories through the real backend (the ASL on the local engine, the step
 * handlers, the embedded DynamoDB, a virtual clock), as its people would: each regisseur completes
 * each task around its due date, some early, some late (past the escalation), with ZRM rounds held
 * or skipped, intervals changed, clients who improve, stagnate, are handed over or withdraw. A
 * seeded generator makes a run repeatable. It checks as it goes that every trajectory moves on and
 * fails loudly when one sticks.
 */
import { addDays, addMonths, daysBetween, today } from '../../core/rules/dates';
import type { Actor, Decision, Scores, Trajectory } from '../../core/schemas';
import { summarise, type TaskSummary as Task } from '../../core/trajectory/summary';
import { DOMAINS } from '../../core/schemas';
import { registerClient } from '../../core/usecases/clients';
import { acknowledgeHandover } from '../../core/usecases/handovers';
import { completeTask } from '../../core/usecases/tasks';
import { afrondingAdvice } from '../../core/trajectory/completion';
import { changeInterval, requestAfronding, startTrajectory, withdrawTrajectory } from '../../core/usecases/trajectories';
import { createUser } from '../../core/usecases/users';
import { RULES } from '../../core/trajectory/schedule';
import type { Runtime } from '../../local/runtime';

export interface CohortOptions {
  trajectories: number;
  /** Years from the POP to the afronding: 3 as the rules have it, fewer by asking for an early afronding. */
  years: number;
  regisseurs: number;
  seed: number;
  /** Completions in flight at once. */
  concurrency: number;
  onProgress?: (p: { closed: number; total: number; day: string }) => void;
  /** Runs the simulation's own reads (its people looking at their worklist) outside the meter. */
  quietly?: <T>(read: () => Promise<T>) => Promise<T>;
  /** Called once every trajectory has ended, before the simulation reads them back to check them. */
  whenClosed?: () => void;
}

/** A seeded generator (mulberry32): the same seed, the same cohort. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Course = 'improves' | 'stagnates' | 'handover';

interface Client {
  index: number;
  rng: () => number;
  course: Course;
  regisseur: Actor;
  /** The task number (1-based) at which the client withdraws, if they do. */
  withdrawAt?: number;
  /** The task number at which the regisseur sets an own interval, and which. */
  intervalAt?: { task: number; months: number };
  tasksSeen: number;
  level: Record<string, number>;
  trajectoryId: string;
  actionDay: Map<string, string>;
}

export interface CohortResult {
  trajectories: Trajectory[];
  startedOn: string;
  endedOn: string;
  completions: number;
  stuck: string[];
}

const SYSTEM_BEHEERDER: Actor = { userId: 'simulation-beheerder', role: 'beheerder' };
const GEMEENTE: Actor = { userId: 'klantregie', role: 'gemeente' };
const START = '2025-01-06';
const WITHDRAWAL_REASONS = ['moved_away', 'declined', 'deceased', 'other'] as const;

export async function runCohort(runtime: Runtime, options: CohortOptions): Promise<CohortResult> {
  const { deps, engine } = runtime;
  const local = runtime.local;
  if (!local) throw new Error('The simulation needs the virtual clock (CLOCK=virtual)');
  if (!(options.years > 0 && options.years <= RULES.trajectoryMonths / 12)) throw new Error(`--years must be more than 0 and at most ${RULES.trajectoryMonths / 12}`);
  const cohort = random(options.seed);
  const day = () => today(deps.clock.now());
  const clients: Client[] = [];
  const byTrajectory = new Map<string, Client>();

  // The regisseurs are in the directory (a trajectory is given only to an active regisseur); adding them is not the cohort's cost.
  await (options.quietly ?? ((add) => add()))(async () => {
    for (let r = 1; r <= options.regisseurs; r++) {
      const userId = `regisseur-${r}`;
      await createUser(deps, SYSTEM_BEHEERDER, { userId, displayName: `Regisseur ${r}`, email: `${userId}@simulatie.example`, role: 'regisseur', organisation: 'VWON' });
    }
  });

  for (let i = 0; i < options.trajectories; i++) {
    const rng = random(Math.floor(cohort() * 2 ** 32));
    const lateStarter = rng() < 0.2;
    const settledOn = addDays(START, -(lateStarter ? 365 * (2 + Math.floor(rng() * 4)) : Math.floor(rng() * 150)));
    const course: Course = rng() < 0.5 ? 'improves' : rng() < 0.6 ? 'stagnates' : 'handover';
    const client = await registerClient(deps, SYSTEM_BEHEERDER, {
      firstName: `Client${i}`,
      lastName: 'Simulatie',
      birthDate: addDays('1990-01-01', Math.floor(rng() * 9000)),
      settledOn,
    });
    const regisseur: Actor = { userId: `regisseur-${(i % options.regisseurs) + 1}`, role: 'regisseur' };
    const started = await startTrajectory(deps, SYSTEM_BEHEERDER, { clientId: client.clientId, regisseurId: regisseur.userId });
    const c: Client = {
      index: i,
      rng,
      course,
      regisseur,
      ...(rng() < 0.07 ? { withdrawAt: 2 + Math.floor(rng() * 16) } : {}),
      ...(rng() < 0.15 ? { intervalAt: { task: 4 + Math.floor(rng() * 6), months: rng() < 0.7 ? 3 : 1 } } : {}),
      tasksSeen: 0,
      level: Object.fromEntries(DOMAINS.map((d) => [d, 1 + Math.floor(rng() * 3)])),
      trajectoryId: started.trajectoryId,
      actionDay: new Map(),
    };
    clients.push(c);
    byTrajectory.set(c.trajectoryId, c);
  }
  await engine.whenIdle();

  const stuck = new Set<string>();
  const active = new Set(clients.map((c) => c.trajectoryId));
  /** Each active trajectory's open task, as its people know it (they read their worklist). */
  const agenda = new Map<string, Task>();
  const quietly = options.quietly ?? (<T>(read: () => Promise<T>) => read());
  /** Looks at trajectories after the workflows caught up (whenIdle): their next task, or their end, or stuck. */
  async function look(ids: Iterable<string>): Promise<void> {
    for (const id of ids) {
      const t = await quietly(() => deps.store.getTrajectory(id));
      const open = t ? summarise(t).openTask : undefined;
      if (open) {
        agenda.set(id, open);
        continue;
      }
      agenda.delete(id);
      active.delete(id);
      if (t?.status !== 'closed' || t.workflow.status !== 'done') stuck.add(id);
    }
  }
  let completions = 0;
  const horizon = addMonths(START, 12 * 8);
  await look(active);
  while (agenda.size > 0) {
    options.onProgress?.({ closed: options.trajectories - active.size, total: options.trajectories, day: day() });
    const planned = [...agenda.values()].map((task) => ({ task, on: actionDayOf(byTrajectory.get(task.trajectoryId), task) }));
    const next = planned.reduce((min, p) => (p.on < min ? p.on : min), planned[0]!.on);
    const target = next > day() ? next : day();
    if (target > horizon) throw new Error(`The simulation passed ${horizon} with ${active.size} trajectories still open`);
    const move = daysBetween(day(), target);
    if (move > 0) await local.advanceClock(move);
    const due = planned.filter((p) => p.on <= target);
    for (let i = 0; i < due.length; i += options.concurrency) {
      await Promise.all(
        due.slice(i, i + options.concurrency).map(async ({ task }) => {
          try {
            if (await act(byTrajectory.get(task.trajectoryId), task)) completions++;
          } catch (error) {
            stuck.add(task.trajectoryId);
            deps.logger.error('simulation: a step failed', { trajectoryId: task.trajectoryId, taskId: task.taskId, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
          }
        }),
      );
    }
    await engine.whenIdle();
    await look(due.map((d) => d.task.trajectoryId).filter((id) => !stuck.has(id)));
    for (const id of stuck) agenda.delete(id);
  }
  options.onProgress?.({ closed: options.trajectories - active.size, total: options.trajectories, day: day() });

  /** The day the task's person acts on it: around its due date, some early, some late. */
  function actionDayOf(c: Client | undefined, task: Task): string {
    if (!c) return task.dueAt;
    const known = c.actionDay.get(task.taskId);
    if (known) return known;
    const r = c.rng();
    const offset =
      task.type === 'ACKNOWLEDGE' ? 2 + Math.floor(r * 10)
      : r < 0.15 ? -Math.floor(c.rng() * 4)
      : r < 0.75 ? 0
      : r < 0.93 ? 1 + Math.floor(c.rng() * 10)
      : r < 0.98 ? 11 + Math.floor(c.rng() * 15)
      : 30 + Math.floor(c.rng() * 20);
    const opened = today(new Date(task.openedAt));
    const on = addDays(task.dueAt, offset);
    const result = on < opened ? opened : on;
    c.actionDay.set(task.taskId, result);
    return result;
  }

  /** What the person does with the task today; true when it was completed. */
  async function act(c: Client | undefined, task: Task): Promise<boolean> {
    const on = day();
    if (!c) throw new Error(`Task ${task.taskId} of a trajectory the simulation did not start`);
    if (task.type === 'ACKNOWLEDGE') {
      await acknowledgeHandover(deps, GEMEENTE, task.handoverId!);
      return true;
    }
    c.tasksSeen++;
    if (c.withdrawAt === c.tasksSeen) {
      await withdrawTrajectory(deps, c.regisseur, c.trajectoryId, { on, reason: WITHDRAWAL_REASONS[Math.floor(c.rng() * 4)]! });
      return false;
    }
    if (c.intervalAt?.task === c.tasksSeen && task.type === 'CONTACT') {
      await changeInterval(deps, c.regisseur, c.trajectoryId, c.intervalAt.months);
      c.actionDay.delete(task.taskId); // its due date may have moved: act on the new one
      return false;
    }
    switch (task.type) {
      case 'KENNISMAKING':
        await completeTask(deps, c.regisseur, task.taskId, { heldOn: on, location: 'home', firstContactVia: c.rng() < 0.8 ? 'direct' : 'trusted_person' });
        return true;
      case 'POP':
        await completeTask(deps, c.regisseur, task.taskId, {
          agreedOn: on,
          location: c.rng() < 0.6 ? 'home' : 'community_centre',
          goals: [{ domain: 'workEducation', desiredSituation: 'Taalniveau B1', action: 'Taalcursus' }],
          baseline: { scores: scores(c) },
        });
        return true;
      case 'CONTACT': {
        const shortened = options.years * 12 < RULES.trajectoryMonths;
        const popOn = shortened ? (await quietly(() => deps.store.getTrajectory(c.trajectoryId)))?.popAgreedOn : undefined;
        if (popOn && on >= addMonths(popOn, options.years * 12)) {
          await requestAfronding(deps, c.regisseur, c.trajectoryId, 'Einde van de gesimuleerde looptijd');
          return false;
        }
        const skip = task.zrmDue && c.rng() < 0.08;
        await completeTask(deps, c.regisseur, task.taskId, {
          heldOn: on,
          location: c.rng() < 0.5 ? 'home' : 'library',
          ...(task.zrmDue ? (skip ? { zrmSkipped: { reason: 'Geen tijd in dit gesprek' } } : { zrm: { scores: progress(c) } }) : {}),
        });
        return true;
      }
      case 'AFRONDING': {
        const final = progress(c);
        const measurements = (await quietly(() => deps.store.getTrajectory(c.trajectoryId)))?.measurements ?? [];
        const { proposal } = afrondingAdvice(measurements, { measuredOn: on, scores: final });
        const against = c.rng() < 0.1;
        const decision: Decision = against ? (proposal === 'close' ? 'handover' : 'close') : proposal;
        await completeTask(deps, c.regisseur, task.taskId, {
          final: { measuredOn: on, scores: final },
          decision,
          ...(decision === 'handover' ? { consent: true } : {}),
          ...(against ? { reason: 'Besproken in het teamoverleg' } : {}),
        });
        return true;
      }
    }
  }

  /** The client's scores now, with a domain left out now and then ("not discussed"). */
  function scores(c: Client): Scores {
    return Object.fromEntries(DOMAINS.filter(() => c.rng() > 0.1).map((d) => [d, c.level[d]!])) as Scores;
  }

  /** The client moves along their course, then is scored. */
  function progress(c: Client): Scores {
    for (const d of DOMAINS) {
      const r = c.rng();
      const step = c.course === 'improves' ? (r < 0.45 ? 1 : 0) : c.course === 'stagnates' ? (r < 0.1 ? 1 : r > 0.9 ? -1 : 0) : r < 0.1 ? 1 : r > 0.75 ? -1 : 0;
      c.level[d] = Math.min(5, Math.max(1, c.level[d]! + step));
    }
    if (c.course === 'handover') c.level.finances = Math.min(c.level.finances!, 2);
    return scores(c);
  }

  options.whenClosed?.();
  const trajectories = await Promise.all(clients.map(async (c) => (await deps.store.getTrajectory(c.trajectoryId))!));
  for (const t of trajectories) if (t.status !== 'closed' || t.workflow.status !== 'done') stuck.add(t.trajectoryId);
  return { trajectories, startedOn: START, endedOn: day(), completions, stuck: [...stuck] };
}
