/**
 * The one deadlines rule: when a task is due, when it is overdue, and the moment it is escalated
 * to the beheerder. The workflow's wait timeout, the escalate step, the tick's gauge, the
 * overview, the views and the alarm's text all ask here, so they agree to the second.
 *
 * Dates are Dutch calendar dates (Europe/Amsterdam):
 * - a task is due on `dueAt` and overdue from the day after it;
 * - it is escalated at 00:00 Amsterdam time on `escalateOn`: the due date plus ESCALATE_AFTER_DAYS,
 *   or later where the phase allows more time (the POP escalates only once the
 *   kennismakingsperiode has passed without one);
 * - no task is overdue on the day it is opened: a due date in the past moves to the opening day.
 */
import { addDays, addMonths, daysBetween, TIME_ZONE, toDate, today } from '../rules/dates';
import type { TaskType } from '../schemas';

/** Days after the due date at which an open task is escalated to the beheerder. */
export const ESCALATE_AFTER_DAYS = 14;
/** The kennismakingsperiode: the months after the kennismaking in which the POP is made. */
export const KENNISMAKINGSPERIODE_MONTHS = 3;

export interface Deadline {
  dueAt: string;
  escalateOn: string;
}

/**
 * The deadline of a task opened on `openedOn`. `kennismakingOn` gives the POP its later
 * escalation (the end of the kennismakingsperiode).
 */
export function deadlineFor(args: { type: TaskType; plannedDue: string; openedOn: string; kennismakingOn?: string }): Deadline {
  const dueAt = args.plannedDue < args.openedOn ? args.openedOn : args.plannedDue;
  let escalateOn = addDays(dueAt, ESCALATE_AFTER_DAYS);
  if (args.type === 'POP' && args.kennismakingOn) {
    const periodEnds = addMonths(args.kennismakingOn, KENNISMAKINGSPERIODE_MONTHS);
    if (periodEnds > escalateOn) escalateOn = periodEnds;
  }
  return { dueAt, escalateOn };
}

/** Overdue: still open after its due date (from the next Dutch calendar day). */
export function isOverdue(task: { dueAt: string }, now: Date): boolean {
  return today(now) > task.dueAt;
}

/** Whole days past the due date (0 when not overdue). */
export function daysOverdue(task: { dueAt: string }, now: Date): number {
  return Math.max(0, daysBetween(task.dueAt, today(now)));
}

/** The escalation moment has come (the task is to be, or has been, escalated). */
export function isPastEscalation(task: { escalateOn: string }, now: Date): boolean {
  return today(now) >= task.escalateOn;
}

/** The instant of a task's escalation: 00:00 in Amsterdam on its escalation date. */
export function escalationMoment(task: { escalateOn: string }): Date {
  return startOfDutchDay(task.escalateOn);
}

/** The text the alarm and the dashboard show, from the same rule. */
export const ESCALATION_RULE_TEXT = `Open tasks past their escalation moment (${ESCALATE_AFTER_DAYS} days after the due date, 00:00 Amsterdam time)`;

/** 00:00 Europe/Amsterdam on a calendar date, as an instant (Amsterdam is UTC+1 or UTC+2). */
export function startOfDutchDay(iso: string): Date {
  return atDutchHour(iso, 0);
}

const hourInAmsterdam = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', hourCycle: 'h23' });

/**
 * `hour`:00 Amsterdam time on a calendar date, as an instant (the notifications' 08:00). An hour
 * the clocks skip (02:00 on the last Sunday of March) is the instant they jump at.
 */
export function atDutchHour(iso: string, hour: number): Date {
  const utc = toDate(iso).getTime() + hour * 3_600_000;
  for (const offsetHours of [2, 1]) {
    const candidate = new Date(utc - offsetHours * 3_600_000);
    if (today(candidate) === iso && Number(hourInAmsterdam.format(candidate)) === hour) return candidate;
  }
  return new Date(utc - 3_600_000);
}
