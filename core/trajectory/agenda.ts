/**
 * A user's agenda: their open tasks and, for a regisseur, the meetings the plan foresees after
 * them. Pure: the projection asks the schedule rules (schedule.ts) what the workflow would open
 * next if every meeting were held on its due date, so the calendar feed (/me/calendar.ics) and
 * the agenda (/me/agenda) show what the workflow will actually ask, and never disagree with
 * each other (core/usecases/calendar.ts serves both from here).
 *
 * Nothing here names a client: an item carries the trajectory's short reference instead.
 */
import { trajectoryRef } from '../rules/task-id';
import { addDays, addMonths } from '../rules/dates';
import { taskIdFor } from '../rules/task-id';
import type { Role, Task, TaskType, Trajectory } from '../schemas';
import { scheduleFacts } from './aggregate';
import { plannedTask, type PlannedTask, type ScheduleFacts } from './schedule';
import type { TaskSummary } from './summary';

/** The task types in Dutch, as the regisseurs call them (titles of the calendar's events). */
export const TASK_TITLES: Record<TaskType, string> = {
  KENNISMAKING: 'Kennismaking',
  POP: 'POP-gesprek',
  CONTACT: 'Contactmoment',
  AFRONDING: 'Afronding',
  ACKNOWLEDGE: 'Overdracht bevestigen',
};


/** The feed's horizon for foreseen meetings. */
export const FEED_HORIZON_MONTHS = 3;
/** The agenda's horizon, in weeks: from 1 to 26, 12 unless asked. */
export const AGENDA_WEEKS = { min: 1, max: 26, default: 12 } as const;

export const feedUntil = (today: string): string => addMonths(today, FEED_HORIZON_MONTHS);
export const agendaUntil = (today: string, weeks: number): string => addDays(today, weeks * 7);

export interface AgendaItem {
  /** task: open now; foreseen: what the plan opens next if every meeting before it is held on its due date. */
  kind: 'task' | 'foreseen';
  type: TaskType;
  /** Dutch title without the client: "Contactmoment · TR-4F2K9Q". */
  title: string;
  dueAt: string;
  /** A ZRM measurement belongs to this meeting (the baseline at the POP, an interim round at a contact, the final one at the afronding). */
  zrmDue: boolean;
  /** An open task past its due date. */
  overdue: boolean;
  trajectoryId: string;
  reference: string;
  /** The open task (kind task only). */
  taskId?: string;
  /**
   * The same for the same meeting at every read: the task's id, or for a foreseen meeting the id
   * its task will get when it opens (tasks are numbered in order), so a foreseen meeting and the
   * task it becomes are one calendar event.
   */
  eventId: string;
}

/** Phases whose trajectory has meetings after its open task that the plan can foresee. */
export const FORESEEING_PHASES: ReadonlySet<Trajectory['phase']> = new Set(['kennismaking', 'pop', 'begeleiding']);

/** At least a month lies between two meetings, so a horizon of half a year holds a handful; this only guards the loop. */
const MAX_FORESEEN = 64;

/**
 * The meetings the plan foresees after the trajectory's open task, due on or before `until`:
 * each meeting is assumed held on its due date (an overdue one: today, the earliest it can
 * still be), so the next follows by the schedule rules: the POP after the kennismaking, contacts
 * monthly inside the kennismakingsperiode and every two months after (or the trajectory's own
 * interval), an interim ZRM round in the contact nearest its due date, and the afronding once the
 * next contact would reach it (the chain ends there).
 */
export function foreseenMeetings(t: Trajectory, today: string, until: string): AgendaItem[] {
  if (t.status !== 'active' || !FORESEEING_PHASES.has(t.phase)) return [];
  let facts: ScheduleFacts = scheduleFacts(t);
  let seq = t.nextTaskSeq;
  const items: AgendaItem[] = [];
  const foresee = (planned: PlannedTask): boolean => {
    if (planned.dueAt > until) return false;
    items.push(item(t.trajectoryId, 'foreseen', planned, today, taskIdFor(t.trajectoryId, seq++)));
    return true;
  };
  // Without an open task (its workflow has not opened it yet), the task its phase waits for comes first.
  let current: PlannedTask = t.openTask ?? opening(plannedTask(t.phase, facts), today);
  if (!t.openTask && !foresee(current)) return items;
  while (items.length < MAX_FORESEEN) {
    const next = afterHeld(current, facts, today);
    if (!next || !foresee(next.planned)) break;
    facts = next.facts;
    current = next.planned;
  }
  return items;
}

/** A task opened today whose planned date has passed is due today (deadlines.ts). */
function opening(planned: PlannedTask, today: string): PlannedTask {
  return planned.dueAt < today ? { ...planned, dueAt: today } : planned;
}

/** The facts once `task` is held (on its due date, or today if that has passed) and the task the workflow opens next. */
function afterHeld(task: PlannedTask, facts: ScheduleFacts, today: string): { facts: ScheduleFacts; planned: PlannedTask } | undefined {
  const held = task.dueAt < today ? today : task.dueAt;
  switch (task.type) {
    case 'KENNISMAKING': {
      // The kennismaking counts as a contact (completion.ts records it as one).
      const next = { ...facts, kennismakingOn: held, lastContactOn: held };
      return { facts: next, planned: plannedTask('pop', next) };
    }
    case 'POP': {
      const next = { ...facts, popAgreedOn: held, lastContactOn: held };
      return { facts: next, planned: plannedTask('begeleiding', next) };
    }
    case 'CONTACT': {
      // A round asked for and held counts on the grid; the next round is the one after it.
      const next = { ...facts, lastContactOn: held, interimRounds: (facts.interimRounds ?? 0) + (task.zrmDue ? 1 : 0) };
      return { facts: next, planned: plannedTask('begeleiding', next) };
    }
    case 'AFRONDING':
    case 'ACKNOWLEDGE':
      return undefined;
  }
}

function item(trajectoryId: string, kind: AgendaItem['kind'], planned: PlannedTask, today: string, eventId: string, taskId?: string): AgendaItem {
  const reference = trajectoryRef(trajectoryId);
  return {
    kind,
    type: planned.type,
    title: `${TASK_TITLES[planned.type]} · ${reference}`,
    dueAt: planned.dueAt,
    zrmDue: planned.zrmDue,
    overdue: kind === 'task' && planned.dueAt < today,
    trajectoryId,
    reference,
    ...(taskId ? { taskId } : {}),
    eventId,
  };
}

const taskItem = (task: Pick<Task, 'taskId' | 'trajectoryId' | 'type' | 'dueAt' | 'zrmDue'>, today: string): AgendaItem =>
  item(task.trajectoryId, 'task', task, today, task.taskId, task.taskId);

const TYPE_ORDER: TaskType[] = ['KENNISMAKING', 'POP', 'CONTACT', 'AFRONDING', 'ACKNOWLEDGE'];

/**
 * The agenda of the user whose tasks are `assignee`'s: every open task (whatever its date; from
 * the list, or for a trajectory read in full from that later read), and the meetings foreseen
 * after them up to `until`, sorted by date.
 */
export function buildAgenda(args: {
  assignee: { role: Role; id: string };
  tasks: TaskSummary[];
  /** The trajectories whose meetings to foresee (a regisseur's own, read in full). */
  trajectories: Trajectory[];
  today: string;
  until: string;
}): AgendaItem[] {
  const { assignee, today, until } = args;
  const full = new Map(args.trajectories.map((t) => [t.trajectoryId, t]));
  const mine = (task: { assigneeRole: Role; assigneeId: string }) => task.assigneeRole === assignee.role && task.assigneeId === assignee.id;
  const tasks = args.tasks.filter((task) => !full.has(task.trajectoryId) && mine(task));
  for (const t of full.values()) if (t.openTask && t.openTask.status === 'open' && mine(t.openTask)) tasks.push(t.openTask);
  const items = [
    ...tasks.map((task) => taskItem(task, today)),
    ...args.trajectories.flatMap((t) => foreseenMeetings(t, today, until)),
  ];
  const seen = new Set<string>();
  return items
    .filter((i) => !seen.has(i.eventId) && seen.add(i.eventId))
    .sort(
      (a, b) =>
        a.dueAt.localeCompare(b.dueAt) ||
        a.reference.localeCompare(b.reference) ||
        TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) ||
        a.eventId.localeCompare(b.eventId),
    );
}
