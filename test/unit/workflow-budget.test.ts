import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ESCALATE_AFTER_DAYS, deadlineFor, escalationMoment } from '../../core/trajectory/deadlines';
import {
  EXECUTION_BUDGET_DAYS,
  SEGMENT_DAYS,
  executionName,
  segmentIsOver,
  waitTimeoutSeconds,
} from '../../core/rules/workflow-budget';

const DAY_MS = 86_400_000;
const START_MIN = Date.UTC(2020, 0, 1);
const START_MAX = Date.UTC(2035, 0, 1);

/** Execution start times with millisecond precision, as Step Functions reports them. */
const startedAt = fc.integer({ min: START_MIN, max: START_MAX }).map((ms) => new Date(ms));
/** Escalation dates (calendar dates), from well before the earliest start to well after the latest. */
const escalateOn = fc
  .integer({ min: START_MIN / DAY_MS - 400, max: START_MAX / DAY_MS + 800 })
  .map((d) => new Date(d * DAY_MS).toISOString().slice(0, 10));

const amsterdam = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
/** The wall-clock time in Amsterdam at an instant, as "YYYY-MM-DD HH:MM:SS". */
function amsterdamTime(at: Date): string {
  const p = Object.fromEntries(amsterdam.formatToParts(at).map((part) => [part.type, part.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
/**
 * 00:00 Amsterdam time on a date, worked out independently of the code: Amsterdam is 1 or 2
 * hours ahead of UTC, and its offset at UTC midnight is still the one of its own midnight (the
 * clocks change at 01:00 UTC).
 */
function amsterdamMidnight(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00.000Z`);
  const hourThere = Number(amsterdamTime(new Date(utcMidnight)).slice(11, 13));
  return utcMidnight - hourThere * 3_600_000;
}

describe('segmentIsOver', () => {
  it(`is false before ${SEGMENT_DAYS} days and true from ${SEGMENT_DAYS} days after the execution started`, () => {
    const start = new Date('2025-01-01T10:00:00.000Z');
    expect(segmentIsOver(new Date(start.getTime() + SEGMENT_DAYS * DAY_MS - 1), start)).toBe(false);
    expect(segmentIsOver(new Date(start.getTime() + SEGMENT_DAYS * DAY_MS), start)).toBe(true);
    expect(segmentIsOver(start, start)).toBe(false);
  });

  it('property: over iff at least 300 days have passed', () => {
    fc.assert(
      fc.property(startedAt, fc.integer({ min: 0, max: 400 * DAY_MS }), (start, elapsed) => {
        expect(segmentIsOver(new Date(start.getTime() + elapsed), start)).toBe(elapsed >= SEGMENT_DAYS * DAY_MS);
      }),
    );
  });
});

describe('executionName', () => {
  it('is deterministic per trajectory and segment, so a successor is started once', () => {
    expect(executionName('T01ABC', 3)).toBe('T01ABC-3');
    expect(executionName('T01ABC', 3)).toBe(executionName('T01ABC', 3));
    expect(executionName('T01ABC', 3)).not.toBe(executionName('T01ABC', 4));
  });
});

describe('escalationMoment: 00:00 Europe/Amsterdam on escalateOn', () => {
  it('in summer (UTC+2): escalateOn 2025-07-29 → 2025-07-28T22:00:00Z', () => {
    expect(escalationMoment({ escalateOn: '2025-07-29' }).toISOString()).toBe('2025-07-28T22:00:00.000Z');
  });

  it('in winter (UTC+1): escalateOn 2025-01-24 → 2025-01-23T23:00:00Z, the previous day', () => {
    expect(escalationMoment({ escalateOn: '2025-01-24' }).toISOString()).toBe('2025-01-23T23:00:00.000Z');
    expect(escalationMoment({ escalateOn: '2025-12-01' }).toISOString()).toBe('2025-11-30T23:00:00.000Z');
  });

  it('on the days the clocks change (at 01:00 UTC), midnight still has the offset of the day before', () => {
    expect(escalationMoment({ escalateOn: '2025-03-30' }).toISOString()).toBe('2025-03-29T23:00:00.000Z'); // summer time starts
    expect(escalationMoment({ escalateOn: '2025-03-31' }).toISOString()).toBe('2025-03-30T22:00:00.000Z');
    expect(escalationMoment({ escalateOn: '2025-10-26' }).toISOString()).toBe('2025-10-25T22:00:00.000Z'); // summer time ends
    expect(escalationMoment({ escalateOn: '2025-10-27' }).toISOString()).toBe('2025-10-26T23:00:00.000Z');
  });

  it('the example of docs/domain.md: due 2025-07-15 → escalateOn 2025-07-29, escalated at 00:00 Amsterdam (22:00 UTC the day before)', () => {
    const deadline = deadlineFor({ type: 'CONTACT', plannedDue: '2025-07-15', openedOn: '2025-06-15' });
    expect(deadline).toEqual({ dueAt: '2025-07-15', escalateOn: '2025-07-29' });
    expect(ESCALATE_AFTER_DAYS).toBe(14);
    expect(escalationMoment(deadline).toISOString()).toBe('2025-07-28T22:00:00.000Z');
  });

  it('property: the moment is 00:00:00 in Amsterdam on escalateOn, one or two hours before UTC midnight, and a millisecond earlier is the day before there', () => {
    fc.assert(
      fc.property(escalateOn, (date) => {
        const moment = escalationMoment({ escalateOn: date });
        expect(amsterdamTime(moment)).toBe(`${date} 00:00:00`);
        expect(moment.getTime()).toBe(amsterdamMidnight(date));
        expect([3_600_000, 7_200_000]).toContain(Date.parse(`${date}T00:00:00.000Z`) - moment.getTime());
        expect(amsterdamTime(new Date(moment.getTime() - 1)).slice(0, 10) < date).toBe(true);
      }),
    );
  });
});

describe('waitTimeoutSeconds: examples', () => {
  const start = new Date('2025-01-01T00:00:00.000Z');

  it('waits until 00:00 Amsterdam time on escalateOn: in winter that is 23:00 UTC the day before', () => {
    const now = new Date('2025-01-01T00:00:00.000Z');
    // escalateOn 2025-02-15 → 2025-02-14T23:00:00Z: 45 days less one hour.
    expect(waitTimeoutSeconds({ now, executionStartedAt: start, escalateOn: '2025-02-15', escalated: false })).toBe(45 * 86_400 - 3_600);
  });

  it('in summer (UTC+2): escalateOn 2025-07-29 times out at 2025-07-28T22:00:00Z, not at UTC midnight', () => {
    const now = new Date('2025-07-01T10:00:00.000Z');
    const seconds = waitTimeoutSeconds({ now, executionStartedAt: start, escalateOn: '2025-07-29', escalated: false });
    expect(new Date(now.getTime() + seconds * 1000).toISOString()).toBe('2025-07-28T22:00:00.000Z');
    expect(now.getTime() + seconds * 1000).toBeLessThan(Date.parse('2025-07-29T00:00:00.000Z'));
  });

  it('a task due 2025-07-15 waits until its escalation at 2025-07-28T22:00Z (its escalateOn, not UTC midnight of dueAt + 14)', () => {
    const task = deadlineFor({ type: 'CONTACT', plannedDue: '2025-07-15', openedOn: '2025-06-15' });
    const now = new Date('2025-06-15T08:00:00.000Z');
    const seconds = waitTimeoutSeconds({ now, executionStartedAt: start, escalateOn: task.escalateOn, escalated: false });
    expect(new Date(now.getTime() + seconds * 1000).toISOString()).toBe('2025-07-28T22:00:00.000Z');
  });

  it('never past the execution budget of 350 days, even for a far escalation date', () => {
    const now = new Date('2025-06-01T00:00:00.000Z');
    const seconds = waitTimeoutSeconds({ now, executionStartedAt: start, escalateOn: '2027-01-15', escalated: false });
    expect(now.getTime() + seconds * 1000).toBe(start.getTime() + EXECUTION_BUDGET_DAYS * DAY_MS);
  });

  it('an escalated task waits until the budget ends, not until its escalation date', () => {
    const now = new Date('2025-03-01T00:00:00.000Z');
    const seconds = waitTimeoutSeconds({ now, executionStartedAt: start, escalateOn: '2025-02-15', escalated: true });
    expect(now.getTime() + seconds * 1000).toBe(start.getTime() + EXECUTION_BUDGET_DAYS * DAY_MS);
  });

  it('an overdue task that is past its escalation moment still gets the minimum wait of 60 s', () => {
    const now = new Date('2025-03-01T00:00:00.000Z');
    expect(waitTimeoutSeconds({ now, executionStartedAt: start, escalateOn: '2025-01-24', escalated: false })).toBe(60);
  });

  it('at and after the escalation moment the wait is the minimum; a second before, it is one second', () => {
    const moment = Date.parse('2025-07-28T22:00:00.000Z');
    const args = { executionStartedAt: start, escalateOn: '2025-07-29', escalated: false };
    expect(waitTimeoutSeconds({ ...args, now: new Date(moment) })).toBe(60);
    expect(waitTimeoutSeconds({ ...args, now: new Date(moment + 1) })).toBe(60);
    expect(waitTimeoutSeconds({ ...args, now: new Date(moment - 61_000) })).toBe(61);
    // Between 22:00 and 24:00 UTC it is already the escalation day in Amsterdam.
    expect(waitTimeoutSeconds({ ...args, now: new Date('2025-07-28T23:30:00.000Z') })).toBe(60);
  });
});

describe('waitTimeoutSeconds: properties', () => {
  it('is always a whole number of at least 60 seconds', () => {
    fc.assert(
      fc.property(startedAt, fc.integer({ min: -10 * DAY_MS, max: 400 * DAY_MS }), escalateOn, fc.boolean(), (start, offset, on, escalated) => {
        const seconds = waitTimeoutSeconds({ now: new Date(start.getTime() + offset), executionStartedAt: start, escalateOn: on, escalated });
        expect(Number.isInteger(seconds)).toBe(true);
        expect(seconds).toBeGreaterThanOrEqual(60);
      }),
    );
  });

  it('now + timeout is never later than start + 350 days, when now is at least 60 s before that (whole seconds)', () => {
    const budgetMs = EXECUTION_BUDGET_DAYS * DAY_MS;
    fc.assert(
      fc.property(
        fc.integer({ min: START_MIN / 1000, max: START_MAX / 1000 }),
        fc.integer({ min: 0, max: budgetMs / 1000 - 60 }),
        escalateOn,
        fc.boolean(),
        (startSeconds, elapsedSeconds, on, escalated) => {
          const start = new Date(startSeconds * 1000);
          const now = new Date((startSeconds + elapsedSeconds) * 1000);
          const seconds = waitTimeoutSeconds({ now, executionStartedAt: start, escalateOn: on, escalated });
          expect(now.getTime() + seconds * 1000).toBeLessThanOrEqual(start.getTime() + budgetMs);
        },
      ),
    );
  });

  it('an escalated wait ignores the escalation date and runs to the end of the budget', () => {
    fc.assert(
      fc.property(startedAt, fc.integer({ min: 0, max: 349 * DAY_MS }), escalateOn, escalateOn, (start, elapsed, onA, onB) => {
        const now = new Date(start.getTime() + elapsed);
        const a = waitTimeoutSeconds({ now, executionStartedAt: start, escalateOn: onA, escalated: true });
        const b = waitTimeoutSeconds({ now, executionStartedAt: start, escalateOn: onB, escalated: true });
        expect(a).toBe(b);
        expect(a).toBe(Math.max(60, Math.ceil((start.getTime() + EXECUTION_BUDGET_DAYS * DAY_MS - now.getTime()) / 1000)));
      }),
    );
  });

  it('a wait that is not escalated does not time out before the escalation moment (00:00 Amsterdam on escalateOn) nor the budget end', () => {
    fc.assert(
      fc.property(startedAt, fc.integer({ min: 0, max: 349 * DAY_MS }), escalateOn, (start, elapsed, on) => {
        const now = new Date(start.getTime() + elapsed);
        const seconds = waitTimeoutSeconds({ now, executionStartedAt: start, escalateOn: on, escalated: false });
        const escalateAt = amsterdamMidnight(on);
        const deadline = Math.min(escalateAt, start.getTime() + EXECUTION_BUDGET_DAYS * DAY_MS);
        const timesOutAt = now.getTime() + seconds * 1000;
        expect(timesOutAt).toBeGreaterThanOrEqual(deadline);
        // …and not later than needed: by less than a second, or by the 60 s minimum.
        expect(timesOutAt - Math.max(deadline, now.getTime() + 60_000)).toBeLessThan(1000);
      }),
    );
  });

  it('escalating never shortens a wait', () => {
    fc.assert(
      fc.property(startedAt, fc.integer({ min: 0, max: 349 * DAY_MS }), escalateOn, (start, elapsed, on) => {
        const now = new Date(start.getTime() + elapsed);
        const args = { now, executionStartedAt: start, escalateOn: on };
        expect(waitTimeoutSeconds({ ...args, escalated: true })).toBeGreaterThanOrEqual(waitTimeoutSeconds({ ...args, escalated: false }));
      }),
    );
  });
});
