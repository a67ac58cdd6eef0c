/**
 * `npm run simulate` on a small cohort, through the same code: the counts it reports agree with
 * the rules (tasks per trajectory, ZRM rounds, outcomes), nothing sticks, nothing doubles.
 * No timings are asserted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../bench/simulate';
import type { Trajectory } from '../../core/schemas';
import { DEFAULT_SETTINGS } from '../../core/ports';
import { occurrencesBetween } from '../../core/notifications/schedule';
import { addDays } from '../../core/rules/dates';

let run: Awaited<ReturnType<typeof simulate>>;
const N = 8;

beforeAll(async () => {
  run = await simulate({ trajectories: N, years: 3, regisseurs: 3, seed: 7, concurrency: 4 });
});

const completed = (t: Trajectory, type: string) => t.closedTasks.filter((c) => c.type === type && c.status === 'completed');

describe('a simulated cohort', () => {
  it('ends every trajectory, none stuck, each closed with its workflow done', () => {
    expect(run.figures.stuck).toBe(0);
    expect(run.result.trajectories).toHaveLength(N);
    for (const t of run.result.trajectories) expect([t.status, t.workflow.status, t.phase]).toEqual(['closed', 'done', 'closed']);
  });

  it('never opens a task twice: task ids are unique and follow the sequence', () => {
    for (const t of run.result.trajectories) {
      const ids = t.closedTasks.map((c) => c.taskId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(ids.map((_, i) => `${t.trajectoryId}-${i + 1}`));
    }
  });

  it('holds the tasks the rules ask for: one kennismaking, one POP, contacts, one afronding, an acknowledgement per handover', () => {
    for (const t of run.result.trajectories) {
      if (t.outcome?.reason === 'withdrawn') {
        expect(completed(t, 'AFRONDING')).toHaveLength(0);
        continue;
      }
      expect(completed(t, 'KENNISMAKING')).toHaveLength(1);
      expect(completed(t, 'POP')).toHaveLength(1);
      expect(completed(t, 'AFRONDING')).toHaveLength(1);
      expect(completed(t, 'ACKNOWLEDGE')).toHaveLength(t.outcome?.handedOver ? 1 : 0);
      // Three years of contacts, every one to three months.
      expect(completed(t, 'CONTACT').length).toBeGreaterThanOrEqual(11);
      expect(completed(t, 'CONTACT').length).toBeLessThanOrEqual(40);
      // Every meeting is a contact with its date and place.
      expect(t.contacts).toHaveLength(completed(t, 'KENNISMAKING').length + completed(t, 'POP').length + completed(t, 'CONTACT').length);
    }
  });

  it('measures the ZRM as the rules have it: a baseline, interim rounds numbered 1 … at most 5, a final', () => {
    for (const t of run.result.trajectories.filter((x) => x.outcome?.reason === 'completed')) {
      expect(t.measurements.filter((m) => m.kind === 'baseline')).toHaveLength(1);
      expect(t.measurements.filter((m) => m.kind === 'final')).toHaveLength(1);
      const rounds = t.measurements.flatMap((m) => (m.round ? [m.round] : []));
      expect(rounds).toEqual(rounds.map((_, i) => i + 1));
      expect(rounds.length).toBeLessThanOrEqual(5);
      const dates = t.measurements.map((m) => m.measuredOn);
      expect(dates).toEqual([...dates].sort());
    }
  });

  it('reports the outcomes and counts it saw', () => {
    const f = run.figures;
    const outcomes = run.result.trajectories.map((t) => t.outcome!);
    expect(f.outcomes).toEqual({
      completed: outcomes.filter((o) => o.reason === 'completed').length,
      successful: outcomes.filter((o) => o.reason === 'completed' && o.successful).length,
      handedOver: outcomes.filter((o) => o.handedOver).length,
      withdrawn: outcomes.filter((o) => o.reason === 'withdrawn').length,
    });
    expect(f.outcomes.completed + f.outcomes.withdrawn).toBe(N);
    expect(f.tasks).toBe(run.result.trajectories.reduce((n, t) => n + t.closedTasks.filter((c) => c.status === 'completed').length, 0));
    const escalated = run.result.trajectories.reduce((n, t) => n + t.closedTasks.filter((c) => c.escalatedAt).length, 0);
    expect(f.perTrajectory.escalations * N).toBeCloseTo(escalated, 6);
    expect(f.perTrajectory.executions).toBeGreaterThanOrEqual(1);
    expect(f.perTrajectory.writeUnits).toBeGreaterThan(f.perTrajectory.indexWriteUnits);
    expect(f.capacity.months.length).toBeGreaterThan(30);
  });

  it('records the notifications the rule asks for, to the regisseur and the one beheerder, and mails each', () => {
    // Each regisseur task, from its opening to its completion: reminders, due days, overdue reminders
    // (to its regisseur) and an escalation (to the bootstrap beheerder); the cohort has no municipality users.
    // A cancelled task (withdrawal, early afronding) was told at most until its trajectory closed.
    const told = (task: Trajectory['closedTasks'][number], until: Date) =>
      occurrencesBetween(task, new Date(task.openedAt), until, DEFAULT_SETTINGS.notify).filter((o) => o.to !== 'gemeente').length;
    let exact = 0;
    let cancelledAtMost = 0;
    for (const t of run.result.trajectories) {
      for (const task of t.closedTasks) {
        if (task.status === 'completed') exact += told(task, new Date(task.completedAt!));
        else cancelledAtMost += told(task, new Date(`${addDays(t.outcome!.closedOn, 1)}T00:00:00Z`));
      }
    }
    const recorded = Math.round(run.figures.perTrajectory.notifications * N);
    expect(exact).toBeGreaterThan(N * 20);
    expect(recorded).toBeGreaterThanOrEqual(exact);
    // A contact whose due date moved (an interval change) was also told of its earlier dates: at most a reminder and a due day more per task.
    const tasks = run.result.trajectories.reduce((n, t) => n + t.closedTasks.length, 0);
    expect(recorded).toBeLessThanOrEqual(exact + cancelledAtMost + 2 * tasks);
    expect(Math.round(run.figures.perTrajectory.mails * N)).toBe(recorded);
  });
});
