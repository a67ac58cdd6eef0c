import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../core/rules/schedule';
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
const dueAt = fc.integer({ min: START_MIN / DAY_MS - 400, max: START_MAX / DAY_MS + 800 }).map((d) => new Date(d * DAY_MS).toISOString().slice(0, 10));

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

describe('waitTimeoutSeconds: examples', () => {
  const start = new Date('2025-01-01T00:00:00.000Z');

  it('waits until the due date plus the escalation period', () => {
    const now = new Date('2025-01-01T00:00:00.000Z');
    expect(waitTimeoutSeconds({ now, executionStartedAt: start, dueAt: '2025-02-01', escalated: false })).toBe(
      (31 + RULES.escalateAfterDays) * 86_400,
    );
  });

  it('never past the execution budget of 350 days, even for a far due date', () => {
    const now = new Date('2025-06-01T00:00:00.000Z');
    const seconds = waitTimeoutSeconds({ now, executionStartedAt: start, dueAt: '2027-01-01', escalated: false });
    expect(now.getTime() + seconds * 1000).toBe(start.getTime() + EXECUTION_BUDGET_DAYS * DAY_MS);
  });

  it('an escalated task waits until the budget ends, not until its due date', () => {
    const now = new Date('2025-03-01T00:00:00.000Z');
    const seconds = waitTimeoutSeconds({ now, executionStartedAt: start, dueAt: '2025-02-01', escalated: true });
    expect(now.getTime() + seconds * 1000).toBe(start.getTime() + EXECUTION_BUDGET_DAYS * DAY_MS);
  });

  it('an overdue task that is past its escalation moment still gets the minimum wait of 60 s', () => {
    const now = new Date('2025-03-01T00:00:00.000Z');
    expect(waitTimeoutSeconds({ now, executionStartedAt: start, dueAt: '2025-01-10', escalated: false })).toBe(60);
  });
});

describe('waitTimeoutSeconds: properties', () => {
  it('is always a whole number of at least 60 seconds', () => {
    fc.assert(
      fc.property(startedAt, fc.integer({ min: -10 * DAY_MS, max: 400 * DAY_MS }), dueAt, fc.boolean(), (start, offset, due, escalated) => {
        const seconds = waitTimeoutSeconds({ now: new Date(start.getTime() + offset), executionStartedAt: start, dueAt: due, escalated });
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
        dueAt,
        fc.boolean(),
        (startSeconds, elapsedSeconds, due, escalated) => {
          const start = new Date(startSeconds * 1000);
          const now = new Date((startSeconds + elapsedSeconds) * 1000);
          const seconds = waitTimeoutSeconds({ now, executionStartedAt: start, dueAt: due, escalated });
          expect(now.getTime() + seconds * 1000).toBeLessThanOrEqual(start.getTime() + budgetMs);
        },
      ),
    );
  });

  it('an escalated wait ignores the due date and runs to the end of the budget', () => {
    fc.assert(
      fc.property(startedAt, fc.integer({ min: 0, max: 349 * DAY_MS }), dueAt, dueAt, (start, elapsed, dueA, dueB) => {
        const now = new Date(start.getTime() + elapsed);
        const a = waitTimeoutSeconds({ now, executionStartedAt: start, dueAt: dueA, escalated: true });
        const b = waitTimeoutSeconds({ now, executionStartedAt: start, dueAt: dueB, escalated: true });
        expect(a).toBe(b);
        expect(a).toBe(Math.max(60, Math.ceil((start.getTime() + EXECUTION_BUDGET_DAYS * DAY_MS - now.getTime()) / 1000)));
      }),
    );
  });

  it('a wait that is not escalated does not time out before the escalation moment (due date + 14 days) nor the budget end', () => {
    fc.assert(
      fc.property(startedAt, fc.integer({ min: 0, max: 349 * DAY_MS }), dueAt, (start, elapsed, due) => {
        const now = new Date(start.getTime() + elapsed);
        const seconds = waitTimeoutSeconds({ now, executionStartedAt: start, dueAt: due, escalated: false });
        const escalateAt = Date.parse(`${due}T00:00:00.000Z`) + RULES.escalateAfterDays * DAY_MS;
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
      fc.property(startedAt, fc.integer({ min: 0, max: 349 * DAY_MS }), dueAt, (start, elapsed, due) => {
        const now = new Date(start.getTime() + elapsed);
        const args = { now, executionStartedAt: start, dueAt: due };
        expect(waitTimeoutSeconds({ ...args, escalated: true })).toBeGreaterThanOrEqual(waitTimeoutSeconds({ ...args, escalated: false }));
      }),
    );
  });
});
