/**
 * Drives a trajectory through the API as its people would: the regisseur waits for the next
 * task, the virtual clock moves to its due date, the regisseur completes it on that day.
 */
import { expect } from 'vitest';
import { daysBetween } from '../../core/rules/dates';
import { eventually, type Caller } from './api-client';

export interface OpenTask {
  taskId: string;
  trajectoryId: string;
  type: string;
  dueAt: string;
  zrmDue: boolean;
  status: string;
}

export class TrajectoryDriver {
  constructor(
    private readonly beheerder: Caller,
    private readonly regisseur: Caller,
    readonly trajectoryId: string,
  ) {}

  /** The trajectory's open task other than `previous`, once the workflow has opened it. */
  nextTask(previous?: string): Promise<OpenTask> {
    return eventually(async () => {
      const { body } = await this.regisseur.get<{ tasks: OpenTask[] }>('/tasks');
      return body.tasks.find((t) => t.trajectoryId === this.trajectoryId && t.taskId !== previous);
    }, `the next task of ${this.trajectoryId}`);
  }

  async today(): Promise<string> {
    const { body } = await this.beheerder.post<{ now: string }>('/local/clock', { advanceDays: 0 });
    return body.now.slice(0, 10);
  }

  async advanceTo(date: string): Promise<void> {
    const days = daysBetween(await this.today(), date);
    expect(days).toBeGreaterThanOrEqual(0);
    const reply = await this.beheerder.post('/local/clock', { advanceDays: days });
    expect(reply.status).toBe(200);
  }

  async complete(task: OpenTask, body: unknown): Promise<void> {
    const reply = await this.regisseur.post<{ nextTask?: { taskId: string } }>(`/tasks/${task.taskId}/complete`, body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const next = reply.body.nextTask;
    if (next) {
      // The completion opened the next task in its own write: it is in the worklist at once.
      const { body: list } = await this.regisseur.get<{ tasks: OpenTask[] }>('/tasks');
      expect(list.tasks.find((t) => t.taskId === next.taskId), 'the next task, at once').toMatchObject(next);
    }
  }

  /** Holds the kennismaking and agrees the POP, each on its due date; returns the first contact. */
  async throughPop(baseline: Record<string, number>): Promise<OpenTask> {
    const kennismaking = await this.nextTask();
    await this.advanceTo(kennismaking.dueAt);
    await this.complete(kennismaking, { heldOn: kennismaking.dueAt, location: 'home' });
    const pop = await this.nextTask(kennismaking.taskId);
    await this.advanceTo(pop.dueAt);
    await this.complete(pop, { agreedOn: pop.dueAt, location: 'home', goals: [], baseline: { scores: baseline, scoredBy: 'client' } });
    return this.nextTask(pop.taskId);
  }

  async view(): Promise<any> {
    const reply = await this.regisseur.get(`/trajectories/${this.trajectoryId}`);
    expect(reply.status).toBe(200);
    return reply.body;
  }
}

/** Adds whole months to a date on the 15th (the tests' dates stay on the 15th). */
export function monthsAfter(date: string, months: number): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + months;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-${date.slice(8, 10)}`;
}
