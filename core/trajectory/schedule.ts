/**
 * When is what due? Pure functions over the facts stored on a trajectory (docs/domain.md, "The
 * process"). The state machine never waits on a timer of its own: it asks these functions, so a
 * changed interval takes effect at once without touching a running execution.
 */
import type { Measurement, Phase, TaskType } from '../schemas';
import { addDays, addMonths, daysBetween } from '../rules/dates';
import { KENNISMAKINGSPERIODE_MONTHS } from './deadlines';
import { PHASES } from './phases';

export const RULES = {
  kennismakingAfterSettlingMonths: 6,
  /** Late starters (settled long ago) get their kennismaking this long after the trajectory starts. */
  kennismakingAfterStartDays: 28,
  popAfterKennismakingMonths: 1,
  kennismakingsperiodeMonths: KENNISMAKINGSPERIODE_MONTHS,
  contactMonthsInKennismakingsperiode: 1,
  contactMonthsAfter: 2,
  zrmIntervalMonths: 6,
  trajectoryMonths: 36,
  acknowledgeWithinDays: 14,
} as const;

export interface ScheduleFacts {
  settledOn: string;
  /** The day the trajectory started (Amsterdam calendar date). */
  startedOn: string;
  kennismakingOn?: string;
  popAgreedOn?: string;
  lastContactOn?: string;
  /** Interim ZRM rounds held so far (skipped rounds are not counted: they move on). */
  interimRounds?: number;
  intervalMonths?: number;
  afrondingRequestedOn?: string;
}

export interface PlannedTask {
  type: TaskType;
  dueAt: string;
  zrmDue: boolean;
}

/** Six months after settling, or four weeks after the start for a late starter: whichever is later. */
export function kennismakingDue(f: ScheduleFacts): string {
  const afterSettling = addMonths(f.settledOn, RULES.kennismakingAfterSettlingMonths);
  const afterStart = addDays(f.startedOn, RULES.kennismakingAfterStartDays);
  return afterSettling > afterStart ? afterSettling : afterStart;
}

/** The monthly meeting after the kennismaking (it escalates later: see deadlines.ts). */
export function popDue(f: ScheduleFacts): string {
  return addMonths(required(f.kennismakingOn, 'kennismakingOn'), RULES.popAfterKennismakingMonths);
}

/** The three years run from the POP; an early afronding is due on the day it was asked for. */
export function afrondingDue(f: ScheduleFacts): string {
  if (f.afrondingRequestedOn) return f.afrondingRequestedOn;
  return addMonths(required(f.popAgreedOn, 'popAgreedOn'), RULES.trajectoryMonths);
}

/** Months between the last contact and the next: the trajectory's own interval, else 1 inside the kennismakingsperiode, else 2. */
export function contactIntervalMonths(f: ScheduleFacts, lastContactOn: string): number {
  if (f.intervalMonths) return f.intervalMonths;
  const periodEnds = addMonths(required(f.kennismakingOn, 'kennismakingOn'), RULES.kennismakingsperiodeMonths);
  return lastContactOn < periodEnds ? RULES.contactMonthsInKennismakingsperiode : RULES.contactMonthsAfter;
}

/** The kennismaking and the POP meeting count as contacts. */
export function lastContact(f: ScheduleFacts): string {
  return f.lastContactOn ?? f.popAgreedOn ?? required(f.kennismakingOn, 'kennismakingOn');
}

export function nextContactDue(f: ScheduleFacts): string {
  const last = lastContact(f);
  return addMonths(last, contactIntervalMonths(f, last));
}

/** Interim rounds held on the six-month grid (scores given unasked in between are not one). */
export function heldRounds(t: { measurements: Measurement[] }): number {
  return t.measurements.filter((m) => m.kind === 'interim' && m.round !== undefined).length;
}

/**
 * ZRM rounds fall on a six-month grid from the POP (the baseline): round n is due n × 6 months
 * after it. The next round is the one after those held, so a skipped round moves to the next
 * contact and a late round does not drop the one after it.
 */
export function nextZrmDue(f: ScheduleFacts): string {
  const pop = required(f.popAgreedOn, 'popAgreedOn');
  return addMonths(pop, ((f.interimRounds ?? 0) + 1) * RULES.zrmIntervalMonths);
}

/**
 * A ZRM round is asked for in the contact nearest to its due date: in the contact due on
 * `contactDue` when the round is due no later than halfway to the contact after it (so an
 * overdue round is asked for at once). A round at or after the afronding is covered by the
 * final measurement.
 */
export function zrmDueAtContact(f: ScheduleFacts, contactDue: string): boolean {
  const zrmDue = nextZrmDue(f);
  if (zrmDue >= afrondingDue(f)) return false;
  const following = addMonths(contactDue, contactIntervalMonths(f, contactDue));
  return daysBetween(contactDue, zrmDue) <= daysBetween(zrmDue, following);
}

/**
 * The task a phase waits for. In begeleiding that is the next contact, or the afronding once the
 * next contact would fall on or after its due date (or an early afronding was asked for).
 */
export function plannedTask(phase: Phase, f: ScheduleFacts, handoverDeliveredOn?: string): PlannedTask {
  switch (phase) {
    case 'kennismaking':
      return { type: PHASES.kennismaking.task, dueAt: kennismakingDue(f), zrmDue: false };
    case 'pop':
      return { type: PHASES.pop.task, dueAt: popDue(f), zrmDue: true };
    case 'begeleiding': {
      if (f.afrondingRequestedOn) return plannedTask('afronding', f);
      const contactDue = nextContactDue(f);
      if (contactDue >= afrondingDue(f)) return plannedTask('afronding', f);
      return { type: PHASES.begeleiding.task, dueAt: contactDue, zrmDue: zrmDueAtContact(f, contactDue) };
    }
    case 'afronding':
      return { type: PHASES.afronding.task, dueAt: afrondingDue(f), zrmDue: true };
    case 'overdracht':
      return {
        type: PHASES.overdracht.task,
        dueAt: addDays(required(handoverDeliveredOn, 'handoverDeliveredOn'), RULES.acknowledgeWithinDays),
        zrmDue: false,
      };
    case 'closed':
      throw new Error('A closed trajectory has no next task');
  }
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`The schedule needs ${name}, which this trajectory does not have yet`);
  return value;
}
