/**
 * When is what due? Pure functions over the facts stored on a trajectory (DOMAIN.md, "The process").
 * The state machine never waits on a timer of its own: it asks these functions, so a changed
 * interval takes effect at the next contact without touching a running execution.
 */
import type { Phase, TaskType } from '../schemas';
import { addDays, addMonths, daysBetween } from './dates';

export const RULES = {
  kennismakingAfterSettlingMonths: 6,
  popAfterKennismakingMonths: 1,
  kennismakingsperiodeMonths: 3,
  contactMonthsInKennismakingsperiode: 1,
  contactMonthsAfter: 2,
  zrmIntervalMonths: 6,
  trajectoryMonths: 36,
  acknowledgeWithinDays: 14,
  /** A task overdue this long is escalated to the beheerder. */
  escalateAfterDays: 14,
} as const;

export interface ScheduleFacts {
  settledOn: string;
  kennismakingOn?: string;
  popAgreedOn?: string;
  lastContactOn?: string;
  lastZrmOn?: string;
  intervalMonths?: number;
  afrondingRequestedOn?: string;
}

export interface PlannedTask {
  type: TaskType;
  dueAt: string;
  zrmDue: boolean;
}

export function kennismakingDue(f: ScheduleFacts): string {
  return addMonths(f.settledOn, RULES.kennismakingAfterSettlingMonths);
}

export function popDue(f: ScheduleFacts): string {
  return addMonths(required(f.kennismakingOn, 'kennismakingOn'), RULES.popAfterKennismakingMonths);
}

/** The three years run from the POP. */
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

/**
 * ZRM rounds fall on a six-month grid from the POP (the baseline): the next is the first grid
 * date more than half a round after the last measurement. Anchoring on the POP keeps the rounds
 * every six months however the contacts drift (a late or early round does not shift the rest).
 */
export function nextZrmDue(f: ScheduleFacts): string {
  const pop = required(f.popAgreedOn, 'popAgreedOn');
  const last = f.lastZrmOn ?? pop;
  const halfRound = addMonths(last, RULES.zrmIntervalMonths / 2);
  let round = 1;
  while (addMonths(pop, round * RULES.zrmIntervalMonths) <= halfRound) round++;
  return addMonths(pop, round * RULES.zrmIntervalMonths);
}

/**
 * A ZRM round is asked for in the contact nearest to its due date: in the contact due on
 * `contactDue` when the round is due no later than halfway to the contact after it.
 * A round that would fall at or after the afronding is covered by the final measurement.
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
      return { type: 'KENNISMAKING', dueAt: kennismakingDue(f), zrmDue: false };
    case 'pop':
      return { type: 'POP', dueAt: popDue(f), zrmDue: true };
    case 'begeleiding': {
      const contactDue = nextContactDue(f);
      const afronding = afrondingDue(f);
      if (f.afrondingRequestedOn || contactDue >= afronding) {
        return { type: 'AFRONDING', dueAt: afronding, zrmDue: true };
      }
      return { type: 'CONTACT', dueAt: contactDue, zrmDue: zrmDueAtContact(f, contactDue) };
    }
    case 'afronding':
      return { type: 'AFRONDING', dueAt: afrondingDue(f), zrmDue: true };
    case 'overdracht':
      return {
        type: 'ACKNOWLEDGE',
        dueAt: addDays(required(handoverDeliveredOn, 'handoverDeliveredOn'), RULES.acknowledgeWithinDays),
        zrmDue: false,
      };
    case 'closed':
      throw new Error('A closed trajectory has no next task');
  }
}

/** The phase a trajectory enters once a task of this type is completed. */
export function phaseAfter(type: TaskType, decision?: 'close' | 'handover'): Phase {
  switch (type) {
    case 'KENNISMAKING':
      return 'pop';
    case 'POP':
    case 'CONTACT':
      return 'begeleiding';
    case 'AFRONDING':
      return decision === 'handover' ? 'overdracht' : 'closed';
    case 'ACKNOWLEDGE':
      return 'closed';
  }
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`The schedule needs ${name}, which this trajectory does not have yet`);
  return value;
}
