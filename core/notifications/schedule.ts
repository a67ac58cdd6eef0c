/**
 * When a user is told what (pure; the tick asks here, and so does every change that opens or
 * moves a task). For an open task, by the deployment's settings (defaults in brackets):
 * - its assignee: a `reminder` [7] days before the due date, `due` on the due date, and an
 *   `overdue` reminder every [7] days after it while the task stays open, each at [08:00]
 *   Amsterdam time;
 * - every beheerder: the `escalation`, at the task's one escalation moment (deadlines.ts);
 * - the municipality's users, for an ACKNOWLEDGE task: `handover_unacknowledged` when the
 *   handover has waited [7] days, at [08:00].
 * A moment before the task was opened is not one: a task opened late is not reminded of the past.
 */
import type { Settings } from '../ports';
import { addDays, addMonths, today } from '../rules/dates';
import type { NotificationKind, Role, Task } from '../schemas';
import { atDutchHour, escalationMoment } from '../trajectory/deadlines';

/** What the rule needs of a task. */
export type ScheduledTask = Pick<Task, 'type' | 'dueAt' | 'escalateOn' | 'openedAt' | 'assigneeRole'>;

export interface Occurrence {
  kind: NotificationKind;
  /** 1, or the n-th overdue reminder. */
  occurrence: number;
  moment: Date;
  /** The task's assignee, or every active user of a role. */
  to: 'assignee' | Extract<Role, 'beheerder' | 'gemeente'>;
}

type Rule = Settings['notify'];

/** The occurrences of a task's notifications in (from, to], in order. */
export function occurrencesBetween(task: ScheduledTask, from: Date, to: Date, rule: Rule): Occurrence[] {
  const after = Math.max(from.getTime(), new Date(task.openedAt).getTime());
  const found: Occurrence[] = [];
  for (const o of occurrencesFrom(task, rule)) {
    const at = o.moment.getTime();
    if (at > to.getTime()) {
      if (o.kind === 'overdue') break; // the overdue series only grows from here
      continue;
    }
    if (at > after) found.push(o);
  }
  return found.sort((a, b) => a.moment.getTime() - b.moment.getTime());
}

/** The first moment after `after` at which the task has something to tell (none for a task without one). */
export function nextMomentAfter(task: ScheduledTask, after: Date, rule: Rule): Date | undefined {
  const floor = Math.max(after.getTime(), new Date(task.openedAt).getTime());
  let next: Date | undefined;
  for (const o of occurrencesFrom(task, rule)) {
    if (o.moment.getTime() > floor && (!next || o.moment < next)) next = o.moment;
    if (o.kind === 'overdue' && o.moment.getTime() > floor) break;
  }
  return next;
}

/** Every occurrence of the task, the overdue series last and endless (read it lazily). */
function* occurrencesFrom(task: ScheduledTask, rule: Rule): Generator<Occurrence> {
  yield { kind: 'escalation', occurrence: 1, moment: escalationMoment(task), to: 'beheerder' };
  if (task.type === 'ACKNOWLEDGE') {
    const openedOn = today(new Date(task.openedAt));
    yield { kind: 'handover_unacknowledged', occurrence: 1, moment: atDutchHour(addDays(openedOn, rule.handoverUnacknowledgedDays), rule.hour), to: 'gemeente' };
    return;
  }
  yield { kind: 'reminder', occurrence: 1, moment: atDutchHour(addDays(task.dueAt, -rule.reminderDaysBefore), rule.hour), to: 'assignee' };
  yield { kind: 'due', occurrence: 1, moment: atDutchHour(task.dueAt, rule.hour), to: 'assignee' };
  for (let n = 1; ; n++) {
    yield { kind: 'overdue', occurrence: n, moment: atDutchHour(addDays(task.dueAt, n * rule.overdueEveryDays), rule.hour), to: 'assignee' };
  }
}

/** Months before a legal deadline at which the client's regisseur is reminded (docs/domain.md). */
export const DEADLINE_REMINDER_MONTHS = [3, 1] as const;

/**
 * The reminders of a legal deadline on `date`: 3 months and 1 month before, at the hour of the
 * other reminders; occurrence 1 and 2. As for tasks, a moment before the deadline was recorded
 * does not count.
 */
export function deadlineReminders(deadline: { date: string; createdAt: string }, rule: Rule): Array<{ occurrence: number; moment: Date }> {
  const created = new Date(deadline.createdAt).getTime();
  return DEADLINE_REMINDER_MONTHS.map((months, i) => ({ occurrence: i + 1, moment: atDutchHour(addMonths(deadline.date, -months), rule.hour) })).filter(
    (r) => r.moment.getTime() > created,
  );
}

/** The next reminder of a legal deadline after `after`, if one is to come. */
export function nextDeadlineReminder(deadline: { date: string; createdAt: string }, after: Date, rule: Rule): Date | undefined {
  return deadlineReminders(deadline, rule).find((r) => r.moment > after)?.moment;
}

/** The next digest moment at or after `now` for a user who wants one at `hour`. */
export function nextDigestMoment(now: Date, hour: number): Date {
  const day = today(now);
  const todays = atDutchHour(day, hour);
  return todays >= now ? todays : atDutchHour(addDays(day, 1), hour);
}
