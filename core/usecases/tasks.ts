/**
 * A regisseur's tasks: the worklist, one task (an AFRONDING task with the system's proposal), and
 * completing it through the trajectory aggregate.
 */
import type { Deps } from '../ports';
import { ValidationError } from '../errors';
import { afrondingAdvice, parseCompletion, type AfrondingAdvice, type CompletionAnswer } from '../trajectory/completion';
import * as trajectory from '../trajectory/aggregate';
import { addDays, addMonths, isValidIsoDate, today } from '../rules/dates';
import { trajectoryIdOfTask } from '../rules/task-id';
import type { Actor, Client, Role, TaskType } from '../schemas';
import type { LastContact, TaskSummary } from '../trajectory/summary';
import { findTask, requireRole, type StoredTask } from './access';
import { changeTrajectory } from './change';

export interface TaskView {
  task: TaskSummary;
  clientName: string;
  /** The last contact held with the client: date and place. */
  lastContact?: LastContact;
}

/** Due-date windows in Dutch calendar days (Europe/Amsterdam), from the deadlines rule's "today". */
export const DUE_WINDOWS = ['overdue', 'today', 'week', 'month'] as const;
export type DueWindow = (typeof DUE_WINDOWS)[number];

export interface TaskFilter {
  /**
   * overdue: due before today (the deadlines rule: overdue from the day after the due date);
   * today: due today; week: due today up to 6 days on; month: due today up to the day before the
   * same date next month. Overdue tasks are only in `overdue`.
   */
  due?: DueWindow;
  /** Due dates, both inclusive (YYYY-MM-DD); with `due`, the overlap. */
  from?: string;
  to?: string;
  type?: TaskType;
  zrmDue?: boolean;
  /** 1–200, default 50. */
  limit?: number;
  /** From the previous page. */
  cursor?: string;
}

export const DEFAULT_TASK_PAGE = 50;
export const MAX_TASK_PAGE = 200;

/** The cursor names the previous page's last task by its place in the due index: `dueAt.taskId`. */
const CURSOR = /^(\d{4}-\d{2}-\d{2})\.([A-Za-z0-9_]+-\d+)$/;

function afterKey(cursor: string): string {
  const match = CURSOR.exec(cursor);
  if (!match || !isValidIsoDate(match[1]!) || !trajectoryIdOfTask(match[2]!)) {
    throw new ValidationError('Bad cursor', [{ field: 'cursor', message: 'is not a cursor this list gave out' }]);
  }
  return `${match[1]}#${match[2]}`;
}

/** The due-date range a filter asks for (inclusive), or null when it is empty. */
export function dueRange(filter: Pick<TaskFilter, 'due' | 'from' | 'to'>, now: Date): { from?: string; to?: string } | null {
  const day = today(now);
  const window: { from?: string; to?: string } =
    filter.due === 'overdue'
      ? { to: addDays(day, -1) }
      : filter.due === 'today'
        ? { from: day, to: day }
        : filter.due === 'week'
          ? { from: day, to: addDays(day, 6) }
          : filter.due === 'month'
            ? { from: day, to: addDays(addMonths(day, 1), -1) }
            : {};
  const from = [window.from, filter.from].filter((d): d is string => d !== undefined).sort().at(-1);
  const to = [window.to, filter.to].filter((d): d is string => d !== undefined).sort()[0];
  if (from !== undefined && to !== undefined && from > to) return null;
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/**
 * A page of open tasks sorted by due date: a regisseur's own (the municipality's for gemeente) from
 * their partition of the due index, or for the beheerder every regisseur's and the municipality's
 * partitions, merged. The read is audited once, naming the clients shown.
 */
export async function listTaskPage(deps: Deps, actor: Actor, filter: TaskFilter = {}): Promise<{ tasks: TaskView[]; cursor?: string }> {
  const limit = filter.limit ?? DEFAULT_TASK_PAGE;
  const problems = [
    ...(!Number.isInteger(limit) || limit < 1 || limit > MAX_TASK_PAGE ? [{ field: 'limit', message: `must be a whole number from 1 to ${MAX_TASK_PAGE}` }] : []),
    ...(filter.from !== undefined && filter.to !== undefined && filter.from > filter.to ? [{ field: 'from', message: `must not be after to (${filter.to})` }] : []),
  ];
  if (problems.length > 0) throw new ValidationError('The query has bad fields', problems);
  const after = filter.cursor !== undefined ? afterKey(filter.cursor) : undefined;
  const now = deps.clock.now();
  const range = dueRange(filter, now);
  if (range === null) return { tasks: [] };

  const assignees: Array<{ role: Role; id: string }> =
    actor.role === 'beheerder'
      ? [
          ...(await deps.users.listUsers()).filter((u) => u.role === 'regisseur').map((u) => ({ role: 'regisseur' as const, id: u.userId })),
          { role: 'gemeente', id: 'gemeente' },
        ]
      : [{ role: actor.role, id: actor.role === 'gemeente' ? 'gemeente' : actor.userId }];
  const page = await deps.store.pageOpenTasks({
    assignees,
    ...(range.from !== undefined ? { dueFrom: range.from } : {}),
    ...(range.to !== undefined ? { dueTo: range.to } : {}),
    ...(filter.type !== undefined ? { type: filter.type } : {}),
    ...(filter.zrmDue !== undefined ? { zrmDue: filter.zrmDue } : {}),
    limit,
    ...(after !== undefined ? { after } : {}),
  });
  const shown = page.items.filter((s) => s.openTask);
  const clientIds = [...new Set(shown.map((s) => s.clientId))];
  const [clients] = await Promise.all([
    deps.store.getClients(clientIds),
    deps.store.recordListRead({ at: now.toISOString(), actorId: actor.userId, actorRole: actor.role, detail: 'list open tasks', clientIds }),
  ]);
  const names = new Map<string, Client>(clients.map((c) => [c.clientId, c]));
  const tasks = shown.map((s): TaskView => {
    const client = names.get(s.clientId);
    return {
      task: s.openTask!,
      clientName: client ? `${client.firstName} ${client.lastName}` : '',
      ...(s.lastContact ? { lastContact: s.lastContact } : {}),
    };
  });
  const last = tasks.at(-1)?.task;
  return { tasks, ...(page.more && last ? { cursor: `${last.dueAt}.${last.taskId}` } : {}) };
}

export interface TaskDetail {
  task: StoredTask;
  /** An open AFRONDING task: what the system proposes and the outcome so far, before the decision. */
  advice?: AfrondingAdvice;
}

export async function getTask(deps: Deps, actor: Actor, taskId: string): Promise<TaskDetail> {
  const { task, trajectory } = await findTask(deps, actor, taskId);
  if (task.type !== 'AFRONDING' || task.status !== 'open') return { task };
  return { task, advice: afrondingAdvice(trajectory.measurements) };
}

/**
 * Completes a human task: its records and the trajectory's new facts are written in one
 * conditional write of the trajectory, so a task is completed once; then the waiting workflow
 * is told.
 */
export async function completeTask(deps: Deps, actor: Actor, taskId: string, body: unknown): Promise<CompletionAnswer> {
  requireRole(actor, 'regisseur');
  const found = await findTask(deps, actor, taskId);
  const completion = parseCompletion(found.task.type, body);
  const { answer } = await changeTrajectory(
    deps,
    found.trajectory.trajectoryId,
    (t) => trajectory.completeTask(t, { taskId, completion, actor, now: deps.clock.now(), newId: () => deps.ids.next() }),
    { first: found.trajectory },
  );
  return answer;
}
