/**
 * The one table of the trajectory's phases: which human task each phase waits for, who does it,
 * and where the trajectory goes once it is done. Everything that asks "which task, whose, what
 * next" (planning, opening, completing, the workflow's re-entry) reads it from here.
 */
import type { Decision, Phase, Role, TaskType } from '../schemas';

export interface PhaseStep {
  /** The task the phase waits for (begeleiding waits for contacts until the afronding is due). */
  task: TaskType;
  /** Who does it: the trajectory's regisseur, or the municipality. */
  assignee: Exclude<Role, 'beheerder'>;
  /** The phase after the task is completed; the afronding's depends on the decision. */
  next: Phase | Record<Decision, Phase>;
}

export const PHASES: Record<Exclude<Phase, 'closed'>, PhaseStep> = {
  kennismaking: { task: 'KENNISMAKING', assignee: 'regisseur', next: 'pop' },
  pop: { task: 'POP', assignee: 'regisseur', next: 'begeleiding' },
  begeleiding: { task: 'CONTACT', assignee: 'regisseur', next: 'begeleiding' },
  afronding: { task: 'AFRONDING', assignee: 'regisseur', next: { close: 'closed', handover: 'overdracht' } },
  overdracht: { task: 'ACKNOWLEDGE', assignee: 'gemeente', next: 'closed' },
};

export type ActivePhase = keyof typeof PHASES;

export function isActivePhase(phase: Phase): phase is ActivePhase {
  return phase in PHASES;
}

/** The phase whose wait a task of this type is. */
export function phaseOfTask(type: TaskType): ActivePhase {
  const found = (Object.keys(PHASES) as ActivePhase[]).find((p) => PHASES[p].task === type);
  if (!found) throw new Error(`No phase waits for ${type}`);
  return found;
}

/** The phase a trajectory enters once a task of this type is completed. */
export function phaseAfter(type: TaskType, decision?: Decision): Phase {
  const next = PHASES[phaseOfTask(type)].next;
  if (typeof next === 'string') return next;
  if (!decision) throw new Error(`A completed ${type} task needs a decision`);
  return next[decision];
}

/** The queue a task of this type lands in: the trajectory's regisseur, or the municipality. */
export function assigneeOf(type: TaskType, regisseurId: string): { assigneeRole: Role; assigneeId: string } {
  const role = PHASES[phaseOfTask(type)].assignee;
  return { assigneeRole: role, assigneeId: role === 'gemeente' ? 'gemeente' : regisseurId };
}
