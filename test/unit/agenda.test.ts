/**
 * The agenda's projection (core/trajectory/agenda.ts), pure: which meetings the plan foresees
 * after a trajectory's open task, on which dates, with which ZRM rounds, against hand-computed
 * dates and against what the aggregate actually opens when every meeting is held on its date.
 */
import { describe, expect, it } from 'vitest';
import * as aggregate from '../../core/trajectory/aggregate';
import { trajectoryRef } from '../../core/rules/task-id';
import { agendaUntil, buildAgenda, feedUntil, foreseenMeetings, type AgendaItem } from '../../core/trajectory/agenda';
import { parseCompletion } from '../../core/trajectory/completion';
import { summarise } from '../../core/trajectory/summary';
import type { Actor, Trajectory } from '../../core/schemas';

const regisseur: Actor = { userId: 'rita', role: 'regisseur' };
const at = (day: string) => new Date(`${day}T09:00:00.000Z`);
const BASELINE = { finances: 2, workEducation: 2, housing: 3, socialNetwork: 2 };
const INTERIM = { finances: 3, workEducation: 2, housing: 3, socialNetwork: 3 };
let tokens = 0;

function started(opts: { trajectoryId?: string; intervalMonths?: number; settledOn?: string; startedOn?: string } = {}): Trajectory {
  const trajectoryId = opts.trajectoryId ?? 'TRJ01ABC4F2K9Q';
  const t = aggregate.startTrajectory({
    trajectoryId,
    clientId: 'CLI1',
    settledOn: opts.settledOn ?? '2025-01-15',
    regisseurId: 'rita',
    ...(opts.intervalMonths ? { intervalMonths: opts.intervalMonths } : {}),
    executionName: `${trajectoryId}-0`,
    actor: { userId: 'bea', role: 'beheerder' },
    now: at(opts.startedOn ?? '2025-01-20'),
  });
  return register(t, opts.startedOn ?? '2025-01-20');
}

/** The waiting execution registers its token on the task already open (as open-task does). */
function register(t: Trajectory, day: string): Trajectory {
  const task = t.openTask!;
  return aggregate.openTask(t, {
    taskType: task.type,
    token: `token-${++tokens}`,
    executionName: `${t.trajectoryId}-0`,
    segment: 0,
    executionStartedAt: at(day).toISOString(),
    now: at(day),
  }).next;
}

/** Holds the open task on `day` as the regisseur would record it; the completion opens the next task. */
function hold(t: Trajectory, day: string): Trajectory {
  const task = t.openTask!;
  const body =
    task.type === 'KENNISMAKING'
      ? { heldOn: day, location: 'home' }
      : task.type === 'POP'
        ? { agreedOn: day, location: 'home', goals: [], baseline: { scores: BASELINE } }
        : { heldOn: day, location: 'library', ...(task.zrmDue ? { zrm: { scores: INTERIM } } : {}) };
  let n = 0;
  const next = aggregate.completeTask(t, { taskId: task.taskId, completion: parseCompletion(task.type, body), actor: regisseur, now: at(day), newId: () => `M${++n}` }).next;
  return next.openTask ? register(next, day) : next;
}

/** Kennismaking held 2025-07-15, POP agreed 2025-08-15: the first contact is open, due 2025-09-15. */
function inBegeleiding(opts: Parameters<typeof started>[0] = {}): Trajectory {
  return hold(hold(started(opts), '2025-07-15'), '2025-08-15');
}

/** Holds every task on its due date until the open task is due on or after `day`. */
function heldUntil(t: Trajectory, day: string): Trajectory {
  while (t.openTask && t.openTask.dueAt < day) t = hold(t, t.openTask.dueAt);
  return t;
}

const brief = (items: AgendaItem[]) => items.map((i) => `${i.type} ${i.dueAt}${i.zrmDue ? ' zrm' : ''}`);

describe('the trajectory reference', () => {
  it('is TR- and the last six characters of the id, upper-cased', () => {
    expect(trajectoryRef('01jx7rtrj4f2k9q')).toBe('TR-4F2K9Q');
    expect(trajectoryRef('TRJ01ABC4F2K9Q')).toBe('TR-4F2K9Q');
  });
});

describe('the horizons', () => {
  it('the feed looks three calendar months ahead, the agenda a number of weeks', () => {
    expect(feedUntil('2025-11-30')).toBe('2026-02-28');
    expect(agendaUntil('2025-08-15', 12)).toBe('2025-11-07');
    expect(agendaUntil('2025-08-15', 26)).toBe('2026-02-13');
  });
});

describe('foreseen meetings', () => {
  it('with the kennismaking open: the POP a month after it, then monthly contacts inside the kennismakingsperiode', () => {
    const t = started();
    expect(t.openTask).toMatchObject({ taskId: 'TRJ01ABC4F2K9Q-1', type: 'KENNISMAKING', dueAt: '2025-07-15' });
    // Three months from 2025-06-01: only the POP (2025-08-15; the first contact, 2025-09-15, lies beyond).
    expect(brief(foreseenMeetings(t, '2025-06-01', feedUntil('2025-06-01')))).toEqual(['POP 2025-08-15 zrm']);
    const half = foreseenMeetings(t, '2025-06-01', agendaUntil('2025-06-01', 26)); // up to 2025-11-30
    expect(brief(half)).toEqual(['POP 2025-08-15 zrm', 'CONTACT 2025-09-15', 'CONTACT 2025-10-15']);
    expect(half.map((i) => i.eventId)).toEqual(['TRJ01ABC4F2K9Q-2', 'TRJ01ABC4F2K9Q-3', 'TRJ01ABC4F2K9Q-4']);
    expect(half[0]).toMatchObject({ kind: 'foreseen', title: 'POP-gesprek · TR-4F2K9Q', reference: 'TR-4F2K9Q', overdue: false });
    expect(half[0]!.taskId).toBeUndefined();
  });

  it('in begeleiding: monthly until the kennismakingsperiode ends, then every two months, the ZRM round on the contact due at POP + 6 months', () => {
    const t = inBegeleiding();
    expect(t.openTask).toMatchObject({ type: 'CONTACT', dueAt: '2025-09-15', zrmDue: false });
    expect(brief(foreseenMeetings(t, '2025-08-15', '2026-06-30'))).toEqual([
      'CONTACT 2025-10-15', // K + 3: still monthly (the last contact, 2025-09-15, lies inside the period)
      'CONTACT 2025-12-15', // then every two months
      'CONTACT 2026-02-15 zrm', // POP 2025-08-15 + 6 months: round 1
      'CONTACT 2026-04-15',
      'CONTACT 2026-06-15', // round 2 is due 2026-08-15, on the contact after
    ]);
  });

  it('a horizon cuts the chain: the last day is in, the day after is out', () => {
    const t = inBegeleiding();
    expect(brief(foreseenMeetings(t, '2025-08-15', '2025-12-15'))).toEqual(['CONTACT 2025-10-15', 'CONTACT 2025-12-15']);
    expect(brief(foreseenMeetings(t, '2025-08-15', '2025-12-14'))).toEqual(['CONTACT 2025-10-15']);
  });

  it('with an own interval of four months the round due between two contacts goes to the nearer one (here the later), and the next stays on its grid', () => {
    const t = inBegeleiding({ intervalMonths: 4 });
    expect(t.openTask).toMatchObject({ type: 'CONTACT', dueAt: '2025-12-15', zrmDue: false });
    // Round 1 is due 2026-02-15: 62 days after the contact of 2025-12-15, 59 before the one of 2026-04-15.
    expect(brief(foreseenMeetings(t, '2025-08-15', '2026-12-31'))).toEqual(['CONTACT 2026-04-15 zrm', 'CONTACT 2026-08-15 zrm', 'CONTACT 2026-12-15']);
  });

  it('near the end: the afronding (with the final ZRM) when it falls within the horizon, and nothing after it', () => {
    const t = heldUntil(inBegeleiding(), '2028-04-01');
    expect(t.openTask).toMatchObject({ type: 'CONTACT', dueAt: '2028-04-15' });
    // POP 2025-08-15 + 36 months = 2028-08-15; the contact after 2028-06-15 would fall on it.
    expect(brief(foreseenMeetings(t, '2028-04-10', feedUntil('2028-04-10')))).toEqual(['CONTACT 2028-06-15']);
    const items = foreseenMeetings(t, '2028-04-10', agendaUntil('2028-04-10', 26));
    expect(brief(items)).toEqual(['CONTACT 2028-06-15', 'AFRONDING 2028-08-15 zrm']);
    expect(items[1]!.title).toBe('Afronding · TR-4F2K9Q');
  });

  it('an overdue task is assumed held today, the earliest it can be, and the chain follows from there', () => {
    const t = inBegeleiding();
    // The contact due 2025-09-15 is still open on 2025-09-20: monthly until 2025-10-15, then two-monthly.
    expect(brief(foreseenMeetings(t, '2025-09-20', '2026-01-31'))).toEqual(['CONTACT 2025-10-20', 'CONTACT 2025-12-20']);
  });

  it('is what the aggregate opens when every meeting is held on its due date, to the afronding, with the same task ids', () => {
    for (const intervalMonths of [undefined, 1, 3, 5]) {
      let t = started(intervalMonths ? { intervalMonths } : {});
      const foreseen = foreseenMeetings(t, '2025-01-20', '2030-01-01');
      const opened: AgendaItem[] = [];
      while (t.openTask && t.openTask.type !== 'AFRONDING') {
        t = hold(t, t.openTask.dueAt);
        const task = t.openTask!;
        opened.push({ ...foreseen[0]!, type: task.type, dueAt: task.dueAt, zrmDue: task.zrmDue, eventId: task.taskId });
      }
      const key = (i: AgendaItem) => `${i.eventId} ${i.type} ${i.dueAt} ${i.zrmDue}`;
      expect(foreseen.map(key), `interval ${intervalMonths ?? 'default'}`).toEqual(opened.map(key));
      expect(foreseen.at(-1)).toMatchObject({ type: 'AFRONDING', dueAt: '2028-08-15' });
    }
  });

  it('foresees nothing for a trajectory in the afronding, closed or withdrawn', () => {
    const inAfronding = heldUntil(inBegeleiding(), '2028-08-15');
    expect(inAfronding.openTask?.type).toBe('AFRONDING');
    expect(foreseenMeetings(inAfronding, '2028-08-01', '2029-01-01')).toEqual([]);
    const withdrawn = aggregate.withdraw(inBegeleiding(), {
      withdrawal: { on: '2025-08-20', reason: 'moved_away' },
      actor: regisseur,
      now: at('2025-08-20'),
    }).next;
    expect(withdrawn.status).toBe('closed');
    expect(foreseenMeetings(withdrawn, '2025-08-20', '2026-01-01')).toEqual([]);
  });
});

describe('the agenda', () => {
  it('lists the open tasks (a later full read wins over the list) and the foreseen meetings by date, each meeting once, without client names', () => {
    const a = inBegeleiding({ trajectoryId: 'TRJAAAAAA111111' });
    const b = started({ trajectoryId: 'TRJBBBBBB222222', settledOn: '2019-03-01', startedOn: '2025-08-01' }); // late starter: due 2025-08-29
    const stale = { ...summarise(a).openTask!, taskId: 'TRJAAAAAA111111-2', type: 'POP' as const, dueAt: '2025-08-15' };
    const inAfronding = { ...summarise(b).openTask!, trajectoryId: 'TRJCCCCCC333333', taskId: 'TRJCCCCCC333333-30', type: 'AFRONDING' as const, dueAt: '2025-08-10', zrmDue: true };
    const others = { ...summarise(b).openTask!, trajectoryId: 'TRJDDDDDD444444', taskId: 'TRJDDDDDD444444-1', assigneeId: 'rob' };
    const items = buildAgenda({
      assignee: { role: 'regisseur', id: 'rita' },
      tasks: [stale, inAfronding, others],
      trajectories: [a, b],
      today: '2025-08-15',
      until: agendaUntil('2025-08-15', 12), // 2025-11-07
    });
    expect(items.map((i) => `${i.kind} ${i.title} ${i.dueAt}${i.overdue ? ' overdue' : ''}`)).toEqual([
      'task Afronding · TR-333333 2025-08-10 overdue',
      'task Kennismaking · TR-222222 2025-08-29',
      'task Contactmoment · TR-111111 2025-09-15',
      'foreseen POP-gesprek · TR-222222 2025-09-29',
      'foreseen Contactmoment · TR-111111 2025-10-15',
      'foreseen Contactmoment · TR-222222 2025-10-29',
    ]);
    expect(items.find((i) => i.kind === 'task' && i.reference === 'TR-111111')).toMatchObject({ taskId: a.openTask!.taskId, eventId: a.openTask!.taskId });
    expect(new Set(items.map((i) => i.eventId)).size).toBe(items.length);
  });

  it("the municipality's agenda holds the handovers to acknowledge, and foresees nothing", () => {
    const task = summarise(started()).openTask!;
    const acknowledge = { ...task, taskId: 'TRJ01ABC4F2K9Q-40', type: 'ACKNOWLEDGE' as const, assigneeRole: 'gemeente' as const, assigneeId: 'gemeente', dueAt: '2028-09-01' };
    const items = buildAgenda({ assignee: { role: 'gemeente', id: 'gemeente' }, tasks: [acknowledge, task], trajectories: [], today: '2028-08-20', until: '2028-11-20' });
    expect(items.map((i) => `${i.kind} ${i.title} ${i.dueAt}`)).toEqual(['task Overdracht bevestigen · TR-4F2K9Q 2028-09-01']);
  });
});
