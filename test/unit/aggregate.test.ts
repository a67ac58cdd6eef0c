/**
 * The trajectory aggregate (core/trajectory/aggregate.ts), pure: every rule of the domain as a
 * transition and the effects it asks for. No store, no engine, no clock but the one passed in.
 */
import { describe, expect, it } from 'vitest';
import { AfrondingRequestedError, ConflictError, ReplanRequestedError, ValidationError, WithdrawnError } from '../../core/errors';
import * as aggregate from '../../core/trajectory/aggregate';
import { parseCompletion } from '../../core/trajectory/completion';
import { escalationMoment, isOverdue, isPastEscalation } from '../../core/trajectory/deadlines';
import type { Actor, Trajectory } from '../../core/schemas';

const regisseur: Actor = { userId: 'rita', role: 'regisseur' };
const at = (day: string) => new Date(`${day}T09:00:00.000Z`);
let tokens = 0;

function started(settledOn: string, startedOn: string): Trajectory {
  return aggregate.startTrajectory({
    trajectoryId: 'TRJ1',
    clientId: 'CLI1',
    settledOn,
    regisseurId: 'rita',
    executionName: 'TRJ1-0',
    actor: { userId: 'bea', role: 'beheerder' },
    now: at(startedOn),
  });
}

/** The workflow opens the task the phase waits for, as the open-task step does. */
function open(t: Trajectory, taskType: Parameters<typeof aggregate.openTask>[1]['taskType'], day: string): Trajectory {
  return aggregate.openTask(t, { taskType, token: `token-${++tokens}`, executionName: 'TRJ1-0', segment: 0, executionStartedAt: at(day).toISOString(), now: at(day) }).next;
}

function complete(t: Trajectory, body: unknown, day: string) {
  const task = t.openTask!;
  let n = 0;
  return aggregate.completeTask(t, { taskId: task.taskId, completion: parseCompletion(task.type, body), actor: regisseur, now: at(day), newId: () => `M${++n}` });
}

const BASELINE = { finances: 2, workEducation: 2, housing: 3, socialNetwork: 2 };

/** Kennismaking on 2025-07-15, POP on 2025-08-15, the first contact opened. */
function inBegeleiding(): Trajectory {
  let t = open(started('2025-01-15', '2025-01-20'), 'KENNISMAKING', '2025-01-20');
  t = complete(t, { heldOn: '2025-07-15', location: 'home' }, '2025-07-15').next;
  t = open(t, 'POP', '2025-07-15');
  t = complete(t, { agreedOn: '2025-08-15', location: 'library', goals: [], baseline: { scores: BASELINE } }, '2025-08-15').next;
  return open(t, 'CONTACT', '2025-08-15');
}

describe('late starters and the first deadlines', () => {
  it('a recent settler has the kennismaking six months after settling', () => {
    const t = open(started('2025-01-15', '2025-01-20'), 'KENNISMAKING', '2025-01-20');
    expect(t.openTask).toMatchObject({ type: 'KENNISMAKING', dueAt: '2025-07-15', escalateOn: '2025-07-29', assigneeRole: 'regisseur', assigneeId: 'rita' });
  });

  it('a late starter (settled years ago) has it four weeks after the start, and it is not overdue on the day it is created', () => {
    const t = open(started('2019-03-01', '2025-06-10'), 'KENNISMAKING', '2025-06-10');
    expect(t.openTask).toMatchObject({ dueAt: '2025-07-08' });
    expect(isOverdue(t.openTask!, at('2025-06-10'))).toBe(false);
  });

  it('no task is overdue on the day it is opened: a due date already past moves to the opening day', () => {
    let t = open(started('2025-01-15', '2025-01-20'), 'KENNISMAKING', '2025-01-20');
    // The kennismaking is recorded late: held on 2025-07-15, recorded on 2025-09-01. The POP
    // (the monthly meeting after it) would be due on 2025-08-15, already past.
    t = complete(t, { heldOn: '2025-07-15', location: 'home' }, '2025-09-01').next;
    t = open(t, 'POP', '2025-09-01');
    expect(t.openTask).toMatchObject({ type: 'POP', dueAt: '2025-09-01' });
    expect(isOverdue(t.openTask!, at('2025-09-01'))).toBe(false);
    expect(isOverdue(t.openTask!, at('2025-09-02'))).toBe(true);
  });
});

describe('the POP', () => {
  it('is due a month after the kennismaking but escalates only when the kennismakingsperiode (3 months) has passed', () => {
    let t = open(started('2025-01-15', '2025-01-20'), 'KENNISMAKING', '2025-01-20');
    t = complete(t, { heldOn: '2025-07-15', location: 'home' }, '2025-07-15').next;
    t = open(t, 'POP', '2025-07-15');
    expect(t.openTask).toMatchObject({ dueAt: '2025-08-15', escalateOn: '2025-10-15' });
    expect(aggregate.escalate(t, { now: at('2025-08-29') }).answer.escalated).toBe(false);
    expect(aggregate.escalate(t, { now: at('2025-10-14') }).answer.escalated).toBe(false);
    expect(aggregate.escalate(t, { now: at('2025-10-15') }).answer.escalated).toBe(true);
  });

  it('records the place of the POP meeting like any contact, and the 3 years run from the POP', () => {
    const t = inBegeleiding();
    expect(t.contacts.at(-1)).toMatchObject({ heldOn: '2025-08-15', location: 'library', taskType: 'POP' });
    expect(t.measurements[0]).not.toHaveProperty('scoredBy');
    expect(t.openTask).toMatchObject({ type: 'CONTACT', dueAt: '2025-09-15' });
  });
});

describe('escalation: one moment, decided once', () => {
  it('escalates at 00:00 Amsterdam time on due + 14 days, once, with a escalation for the beheerders', () => {
    const t = inBegeleiding(); // contact due 2025-09-15
    expect(t.openTask!.escalateOn).toBe('2025-09-29');
    expect(escalationMoment(t.openTask!).toISOString()).toBe('2025-09-28T22:00:00.000Z');
    expect(isPastEscalation(t.openTask!, new Date('2025-09-28T21:59:59.999Z'))).toBe(false);
    expect(isPastEscalation(t.openTask!, new Date('2025-09-28T22:00:00.000Z'))).toBe(true);

    const escalated = aggregate.escalate(t, { now: new Date('2025-09-28T22:00:00.000Z') });
    expect(escalated.effects).toEqual([
      { type: 'recordEscalation', escalation: expect.objectContaining({ escalationId: `${t.openTask!.taskId}-escalation`, kind: 'escalation', recipientRole: 'beheerder' }) },
    ]);
    expect(escalated.next.openTask!.escalatedAt).toBe('2025-09-28T22:00:00.000Z');
    const again = aggregate.escalate(escalated.next, { now: at('2025-10-20') });
    expect(again.next).toBe(escalated.next);
    expect(again.effects).toEqual([]);
  });

  it('the escalation of a task is resolved when the task is completed', () => {
    const t = aggregate.escalate(inBegeleiding(), { now: at('2025-09-29') }).next;
    const done = complete(t, { heldOn: '2025-09-30', location: 'home' }, '2025-09-30');
    expect(done.effects).toContainEqual({ type: 'resolveEscalation', escalationId: `${t.openTask!.taskId}-escalation`, at: at('2025-09-30').toISOString() });
  });

  it('messages carry no personal data: only the task type, the trajectory id and the due date', () => {
    const { effects } = aggregate.escalate(inBegeleiding(), { now: at('2025-09-29') });
    const message = (effects[0] as Extract<aggregate.Effect, { type: 'recordEscalation' }>).escalation.message;
    expect(message).toBe('Taak CONTACT (traject TRJ1) is sinds 2025-09-15 verlopen en nog niet afgerond.');
  });
});

describe('completing a task', () => {
  it('tells the workflow with the task token, only IDs and the type, and audits who did it', () => {
    const t = inBegeleiding();
    const done = complete(t, { heldOn: '2025-09-15', location: 'home' }, '2025-09-15');
    const next = done.next.openTask!;
    expect(done.effects).toEqual([
      {
        type: 'resolveWait',
        token: t.openTask!.token,
        // The completion opened the next contact and planned its wait: the state machine waits again without a plan step.
        result: {
          taskId: t.openTask!.taskId,
          type: 'CONTACT',
          next: 'contact',
          taskType: 'CONTACT',
          openTaskId: next.taskId,
          openTaskEscalateOn: '2025-10-29',
          timeoutSeconds: expect.any(Number),
          resumeAt: 'begeleiding',
          segment: 1,
          executionName: 'TRJ1-1',
        },
      },
      { type: 'audit', entry: expect.objectContaining({ clientId: 'CLI1', actorId: 'rita', action: 'update' }) },
    ]);
    expect(next).toMatchObject({ type: 'CONTACT', status: 'open', dueAt: '2025-10-15' });
    expect(next.token).toBeUndefined();
    expect(done.answer.nextTask).toEqual({ taskId: next.taskId, type: 'CONTACT', dueAt: '2025-10-15' });
  });

  it('the plan of the next wait stops at the escalation moment, within the execution budget', () => {
    const t = inBegeleiding();
    const done = complete(t, { heldOn: '2025-09-15', location: 'home' }, '2025-09-15');
    const plan = aggregate.planOpenWait(done.next, at('2025-09-15'))!;
    // Due 2025-10-15, escalated at 00:00 Amsterdam time on 2025-10-29 (23:00 UTC the day before, winter time).
    expect(plan.timeoutSeconds).toBe((Date.parse('2025-10-28T23:00:00.000Z') - at('2025-09-15').getTime()) / 1000);
    const late = { ...done.next, workflow: { ...done.next.workflow, startedAt: '2024-10-01T00:00:00.000Z' } };
    // Past the segment, the next wait is a successor execution's first, timed from now in its own budget.
    expect(aggregate.planOpenWait(late, at('2025-09-15'))).toEqual({ ...plan, next: 'continue' });
    const escalated = { ...late, openTask: { ...late.openTask!, escalatedAt: '2025-10-29T00:00:00.000Z' } };
    expect(aggregate.continuePlan(escalated, at('2025-11-01'), 0).timeoutSeconds).toBe(350 * 86_400);
    // Without a known execution, the state machine plans itself.
    const unknown = { ...done.next, workflow: { status: 'running' as const, executionName: 'TRJ1-0', segment: 0 } };
    expect(aggregate.planOpenWait(unknown, at('2025-09-15'))).toBeUndefined();
  });

  it('a task completed already is a conflict, and so is a task never open', () => {
    const t = inBegeleiding();
    const taskId = t.openTask!.taskId;
    const done = complete(t, { heldOn: '2025-09-15', location: 'home' }, '2025-09-15').next;
    const completion = parseCompletion('CONTACT', { heldOn: '2025-09-15', location: 'home' });
    expect(() => aggregate.completeTask(done, { taskId, completion, actor: regisseur, now: at('2025-09-16'), newId: () => 'X' })).toThrow(
      new ConflictError('This task is already completed'),
    );
    expect(() => aggregate.completeTask(done, { taskId: 'TRJ1-99', completion, actor: regisseur, now: at('2025-09-16'), newId: () => 'X' })).toThrow(ConflictError);
  });
});

describe('ZRM rounds are not lost', () => {
  /** Holds every contact on its due date until one asks for a ZRM round; returns it open. */
  function untilZrmDue(t: Trajectory): Trajectory {
    while (!t.openTask!.zrmDue) {
      const due = t.openTask!.dueAt;
      t = open(complete(t, { heldOn: due, location: 'home' }, due).next, 'CONTACT', due);
    }
    return t;
  }

  it('a contact asking for a round needs the scores or zrmSkipped with a reason', () => {
    const t = untilZrmDue(inBegeleiding());
    expect(t.openTask!.dueAt).toBe('2026-02-15'); // six months after the POP
    try {
      complete(t, { heldOn: '2026-02-15', location: 'home' }, '2026-02-15');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields).toEqual([expect.objectContaining({ field: 'zrm' })]);
    }
  });

  it('a skipped round moves to the next contact', () => {
    const t = untilZrmDue(inBegeleiding());
    const skipped = complete(t, { heldOn: '2026-02-15', location: 'home', zrmSkipped: { reason: 'Cliënt ziek, kort gesprek' } }, '2026-02-15').next;
    expect(skipped.measurements).toHaveLength(1);
    const next = open(skipped, 'CONTACT', '2026-02-15').openTask!;
    expect(next).toMatchObject({ dueAt: '2026-04-15', zrmDue: true });
  });

  it('scores given in a contact that did not ask for them are an extra measurement, not the round', () => {
    let t = inBegeleiding();
    t = complete(t, { heldOn: '2025-09-15', location: 'home', zrm: { scores: { finances: 3 } } }, '2025-09-15').next;
    expect(t.measurements.at(-1)).toMatchObject({ kind: 'interim' });
    expect(t.measurements.at(-1)).not.toHaveProperty('round');
    t = untilZrmDue(open(t, 'CONTACT', '2025-09-15'));
    expect(t.openTask!.dueAt).toBe('2026-02-15'); // round 1 is still asked six months after the POP
    t = complete(t, { heldOn: '2026-02-15', location: 'home', zrm: { scores: { finances: 4 } } }, '2026-02-15').next;
    expect(t.measurements.at(-1)).toMatchObject({ round: 1 });
  });

  it('the reason a round was skipped is kept on the contact', () => {
    const t = untilZrmDue(inBegeleiding());
    const skipped = complete(t, { heldOn: '2026-02-15', location: 'home', zrmSkipped: { reason: 'Tolk afwezig' } }, '2026-02-15').next;
    expect(skipped.contacts.at(-1)).toMatchObject({ heldOn: '2026-02-15', zrmSkipped: { reason: 'Tolk afwezig' } });
  });

  it('a late round does not drop the next one', () => {
    let t = untilZrmDue(inBegeleiding());
    t = complete(t, { heldOn: '2026-02-15', location: 'home', zrmSkipped: { reason: 'Geen tijd' } }, '2026-02-15').next;
    t = open(t, 'CONTACT', '2026-02-15');
    // Round 1 held late, at the contact of 2026-04-15 (eight months after the POP)…
    t = complete(t, { heldOn: '2026-04-15', location: 'home', zrm: { scores: { finances: 3 } } }, '2026-04-15').next;
    t = open(t, 'CONTACT', '2026-04-15');
    expect(t.openTask).toMatchObject({ dueAt: '2026-06-15', zrmDue: false });
    t = complete(t, { heldOn: '2026-06-15', location: 'home' }, '2026-06-15').next;
    t = open(t, 'CONTACT', '2026-06-15');
    // …and round 2 stays due twelve months after the POP.
    expect(t.openTask).toMatchObject({ dueAt: '2026-08-15', zrmDue: true });
  });
});

describe('the afronding: the proposal before the decision', () => {
  function atAfronding(): Trajectory {
    const t = inBegeleiding();
    const asked = aggregate.requestAfronding(t, { reason: 'Zelfredzaam', actor: regisseur, now: at('2025-09-01') }).next;
    return open(asked, 'AFRONDING', '2025-09-01');
  }

  it('proposes a handover when any final score is 1 or 2; a decision against it needs a reason, recorded', () => {
    const t = atAfronding();
    const body = { final: { measuredOn: '2025-09-01', scores: { ...BASELINE, finances: 4 } }, decision: 'close' };
    expect(() => complete(t, body, '2025-09-01')).toThrow(ValidationError);
    const done = complete(t, { ...body, reason: 'Netwerk vangt het op' }, '2025-09-01');
    expect(done.answer).toMatchObject({ decision: 'close', proposal: 'handover', outcome: { successful: false, improvedDomains: ['finances'] } });
    expect(done.next).toMatchObject({ proposal: 'handover', decision: 'close', decisionReason: 'Netwerk vangt het op', phase: 'closed' });
  });

  it('counts the latest score of a domain the final measurement leaves out', () => {
    // The baseline scored socialNetwork 2; the final measurement does not discuss it.
    const done = complete(atAfronding(), { final: { measuredOn: '2025-09-01', scores: { finances: 3, workEducation: 3 } }, decision: 'handover', consent: true }, '2025-09-01');
    expect(done.answer).toMatchObject({ proposal: 'handover', outcome: { improvedDomains: ['finances', 'workEducation'], successful: true } });
  });

  it('following the proposal needs no reason', () => {
    const done = complete(atAfronding(), { final: { measuredOn: '2025-09-01', scores: { finances: 3, workEducation: 3, housing: 4, socialNetwork: 3 } }, decision: 'close' }, '2025-09-01');
    expect(done.answer).toMatchObject({ proposal: 'close', outcome: { successful: true } });
    expect(done.next.decisionReason).toBeUndefined();
  });

  it('a final measurement cannot be dated before the last interim one', () => {
    let t = inBegeleiding();
    t = complete(t, { heldOn: '2025-09-15', location: 'home', zrm: { scores: { finances: 3 } } }, '2025-09-15').next;
    t = open(aggregate.requestAfronding(t, { reason: 'Zelfredzaam', actor: regisseur, now: at('2025-09-20') }).next, 'AFRONDING', '2025-09-20');
    try {
      complete(t, { final: { measuredOn: '2025-09-14', scores: { finances: 4 } }, decision: 'close' }, '2025-09-20');
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).fields).toContainEqual(expect.objectContaining({ field: 'final.measuredOn' }));
    }
  });
});

describe('the early afronding', () => {
  it('is refused before the kennismaking: withdraw instead', () => {
    const t = open(started('2025-01-15', '2025-01-20'), 'KENNISMAKING', '2025-01-20');
    expect(() => aggregate.requestAfronding(t, { reason: 'x', actor: regisseur, now: at('2025-02-01') })).toThrow(/withdraw/);
  });

  it('from the POP phase on cancels the open task in the same write and sends the wait to the afronding', () => {
    let t = open(started('2025-01-15', '2025-01-20'), 'KENNISMAKING', '2025-01-20');
    t = complete(t, { heldOn: '2025-07-15', location: 'home' }, '2025-07-15').next;
    t = open(t, 'POP', '2025-07-15');
    const pop = t.openTask!;
    const asked = aggregate.requestAfronding(t, { reason: 'Programma stopt', actor: regisseur, now: at('2025-07-20') });
    expect(asked.next).toMatchObject({ phase: 'afronding', afrondingRequestedOn: '2025-07-20', afrondingReason: 'Programma stopt' });
    expect(asked.next.openTask).toBeUndefined();
    expect(asked.next.closedTasks.at(-1)).toMatchObject({ taskId: pop.taskId, status: 'cancelled' });
    expect(asked.effects[0]).toEqual({ type: 'redirectWait', token: pop.token, signal: 'Trajectory.AfrondingRequested' });
    // A workflow that was about to open the POP again goes to the afronding instead.
    expect(() => open(asked.next, 'POP', '2025-07-20')).toThrow(AfrondingRequestedError);
    expect(open(asked.next, 'AFRONDING', '2025-07-20').openTask).toMatchObject({ type: 'AFRONDING', dueAt: '2025-07-20' });
  });

  it('is refused once the afronding is under way', () => {
    const t = open(aggregate.requestAfronding(inBegeleiding(), { reason: 'x', actor: regisseur, now: at('2025-09-01') }).next, 'AFRONDING', '2025-09-01');
    expect(() => aggregate.requestAfronding(t, { reason: 'x', actor: regisseur, now: at('2025-09-02') })).toThrow(ConflictError);
  });
});

describe('withdrawal', () => {
  it('from any phase: closes at once, cancels the open task, ends the wait, frees the client, counts apart', () => {
    const t = inBegeleiding();
    const open = t.openTask!;
    const out = aggregate.withdraw(t, { withdrawal: { on: '2025-09-01', reason: 'moved_away' }, actor: regisseur, now: at('2025-09-02') });
    expect(out.next).toMatchObject({
      phase: 'closed',
      status: 'closed',
      outcome: { reason: 'withdrawn', successful: false, closedOn: '2025-09-01', withdrawal: { reason: 'moved_away' } },
    });
    expect(out.next.openTask).toBeUndefined();
    expect(out.next.closedTasks.at(-1)).toMatchObject({ taskId: open.taskId, status: 'cancelled' });
    expect(out.effects).toEqual([
      { type: 'redirectWait', token: open.token, signal: 'Trajectory.Withdrawn' },
      { type: 'releaseActiveClaim' },
      { type: 'audit', entry: expect.objectContaining({ detail: 'withdraw trajectory (moved_away)' }) },
    ]);
  });

  it('before the kennismaking too; and the workflow steps then end through Close', () => {
    const t = open(started('2025-01-15', '2025-01-20'), 'KENNISMAKING', '2025-01-20');
    const out = aggregate.withdraw(t, { withdrawal: { on: '2025-01-25', reason: 'declined' }, actor: regisseur, now: at('2025-01-25') }).next;
    expect(() => open(out, 'KENNISMAKING', '2025-01-25')).toThrow(WithdrawnError);
    const closed = aggregate.close(out, { now: at('2025-01-25') }).next;
    expect(closed).toMatchObject({ workflow: { status: 'done' }, outcome: { reason: 'withdrawn', closedOn: '2025-01-25' } });
  });

  it('Close without an outcome is a workflow out of sync, never a silent withdrawal', () => {
    expect(() => aggregate.close(inBegeleiding(), { now: at('2025-09-02') })).toThrow(/without an outcome/);
  });

  it('rejects a date in the future or before the start, and a second withdrawal', () => {
    const t = inBegeleiding();
    expect(() => aggregate.withdraw(t, { withdrawal: { on: '2025-09-03', reason: 'other' }, actor: regisseur, now: at('2025-09-02') })).toThrow(ValidationError);
    expect(() => aggregate.withdraw(t, { withdrawal: { on: '2025-01-19', reason: 'other' }, actor: regisseur, now: at('2025-09-02') })).toThrow(ValidationError);
    const once = aggregate.withdraw(t, { withdrawal: { on: '2025-09-01', reason: 'other' }, actor: regisseur, now: at('2025-09-02') }).next;
    expect(() => aggregate.withdraw(once, { withdrawal: { on: '2025-09-01', reason: 'other' }, actor: regisseur, now: at('2025-09-02') })).toThrow(ConflictError);
  });

  it('during the overdracht voids the handover not yet acknowledged', () => {
    const t = { ...inBegeleiding(), handoverId: 'TRJ1' };
    const out = aggregate.withdraw(t, { withdrawal: { on: '2025-09-01', reason: 'deceased' }, actor: regisseur, now: at('2025-09-02') });
    expect(out.effects).toContainEqual({ type: 'voidHandover', handoverId: 'TRJ1', at: at('2025-09-02').toISOString() });
  });
});

describe('re-entry', () => {
  it('re-opening the phase re-registers the new token on the task already open, never a second task', () => {
    const t = inBegeleiding();
    const again = aggregate.openTask(t, { taskType: 'CONTACT', token: 'new-token', executionName: 'TRJ1-1', segment: 1, executionStartedAt: '2025-09-01T00:00:00.000Z', now: at('2025-09-01') });
    expect(again.next.openTask).toMatchObject({ taskId: t.openTask!.taskId, token: 'new-token', executionName: 'TRJ1-1' });
    expect(again.next.nextTaskSeq).toBe(t.nextTaskSeq);
  });

  it('a task completed while no execution waited resolves the new wait at once, with the stored result', () => {
    const t = open(started('2025-01-15', '2025-01-20'), 'KENNISMAKING', '2025-01-20');
    const done = complete(t, { heldOn: '2025-07-15', location: 'home' }, '2025-07-15').next;
    // An execution re-entering the kennismaking (recovered after a crash) opens its wait again.
    const reopened = aggregate.openTask(done, { taskType: 'KENNISMAKING', token: 'late', executionName: 'TRJ1-1', segment: 1, executionStartedAt: '2025-07-16T00:00:00.000Z', now: at('2025-07-16') });
    // With the result, the plan of the POP the completion opened.
    const result = { taskId: t.openTask!.taskId, type: 'KENNISMAKING', next: 'task', taskType: 'POP', openTaskId: done.openTask!.taskId, segment: 2, executionName: 'TRJ1-2' };
    expect(reopened.next).toBe(done);
    expect(reopened.answer).toMatchObject({ taskId: t.openTask!.taskId, resolvedWith: result });
    expect(reopened.effects).toMatchObject([{ type: 'resolveWait', token: 'late', result }]);
  });

  it('a task completed before its wait registered resolves that wait at once, and the next task keeps its place', () => {
    const t = inBegeleiding();
    const first = t.openTask!;
    // The completion opened the next contact; the wait planned for the first one registers late.
    const done = complete({ ...t, openTask: { ...first, token: undefined } }, { heldOn: '2025-09-15', location: 'home' }, '2025-09-15').next;
    expect(done.openTask!.taskId).not.toBe(first.taskId);
    const cmd = { taskType: 'CONTACT' as const, token: 'late', executionName: 'TRJ1-0', segment: 0, executionStartedAt: '2025-08-15T07:00:00.000Z', openTaskId: first.taskId, now: at('2025-09-15') };
    expect(aggregate.registerWait(done, { ...cmd, taskId: first.taskId, escalateOn: first.escalateOn })).toBeUndefined();
    const late = aggregate.openTask(done, cmd);
    expect(late.next).toBe(done);
    expect(late.effects).toMatchObject([{ type: 'resolveWait', token: 'late', result: { taskId: first.taskId, next: 'contact', openTaskId: done.openTask!.taskId } }]);
    // The next wait takes the token of the task already open, without a second task.
    const planned = { taskId: done.openTask!.taskId, escalateOn: done.openTask!.escalateOn };
    const next = aggregate.registerWait(done, { ...cmd, ...planned, token: 'next' })!;
    expect(next.openTask).toMatchObject({ taskId: done.openTask!.taskId, token: 'next' });
    expect(next.nextTaskSeq).toBe(done.nextTaskSeq);
    // An older execution never takes over from a later one.
    expect(aggregate.registerWait(next, { ...cmd, ...planned, segment: -1 })).toBeUndefined();
    // Nor on a task whose due date moved since the wait was planned (its timeout would be wrong):
    // on the read, the contact's wait plans again.
    expect(aggregate.registerWait(done, { ...cmd, ...planned, escalateOn: '2025-12-31' })).toBeUndefined();
    expect(() => aggregate.openTask(done, { ...cmd, openTaskId: planned.taskId, openTaskEscalateOn: '2025-12-31' })).toThrow(ReplanRequestedError);
    expect(aggregate.openTask(done, { ...cmd, openTaskId: planned.taskId, openTaskEscalateOn: planned.escalateOn }).answer).toEqual({ taskId: planned.taskId });
  });
});
