/**
 * The notification rule (core/notifications/schedule.ts) against hand-computed moments:
 * 08:00 Amsterdam time is 07:00 UTC in winter and 06:00 UTC in summer; the escalation is 00:00.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../core/ports';
import { nextDigestMoment, nextMomentAfter, occurrencesBetween, type ScheduledTask } from '../../core/notifications/schedule';

const rule = DEFAULT_SETTINGS.notify;
const contact: ScheduledTask = { type: 'CONTACT', dueAt: '2025-03-10', escalateOn: '2025-03-24', openedAt: '2025-02-01T10:00:00.000Z', assigneeRole: 'regisseur' };
const moments = (task: ScheduledTask, from: string, to: string) =>
  occurrencesBetween(task, new Date(from), new Date(to), rule).map((o) => `${o.kind}#${o.occurrence}→${o.to}@${o.moment.toISOString()}`);

describe('the moments of a task', () => {
  it('reminds 7 days before, on the due date, weekly after it, and escalates to the beheerders at 00:00 on escalateOn', () => {
    expect(moments(contact, '2025-02-01T00:00:00Z', '2025-04-01T00:00:00Z')).toEqual([
      'reminder#1→assignee@2025-03-03T07:00:00.000Z',
      'due#1→assignee@2025-03-10T07:00:00.000Z',
      'overdue#1→assignee@2025-03-17T07:00:00.000Z',
      'escalation#1→beheerder@2025-03-23T23:00:00.000Z',
      'overdue#2→assignee@2025-03-24T07:00:00.000Z',
      // The clocks go forward on 30 March: 08:00 is 06:00 UTC from then on.
      'overdue#3→assignee@2025-03-31T06:00:00.000Z',
    ]);
  });

  it('counts each moment in (from, to] once: consecutive windows never repeat or skip one', () => {
    const windows = ['2025-02-01T00:00:00Z', '2025-03-03T07:00:00Z', '2025-03-10T06:59:59Z', '2025-03-10T07:00:00Z', '2025-04-01T00:00:00Z'];
    const joined = windows.slice(1).flatMap((to, i) => moments(contact, windows[i]!, to));
    expect(joined).toEqual(moments(contact, windows[0]!, windows.at(-1)!));
  });

  it('does not remind of moments before the task was opened', () => {
    const late = { ...contact, openedAt: '2025-03-05T12:00:00.000Z' };
    expect(moments(late, '2025-01-01T00:00:00Z', '2025-03-12T00:00:00Z')).toEqual(['due#1→assignee@2025-03-10T07:00:00.000Z']);
  });

  it('tells the municipality of a handover not acknowledged after 7 days, and escalates it', () => {
    const ack: ScheduledTask = { type: 'ACKNOWLEDGE', dueAt: '2025-06-15', escalateOn: '2025-06-29', openedAt: '2025-06-01T10:00:00.000Z', assigneeRole: 'gemeente' };
    expect(moments(ack, '2025-06-01T00:00:00Z', '2025-08-01T00:00:00Z')).toEqual([
      'handover_unacknowledged#1→gemeente@2025-06-08T06:00:00.000Z',
      'escalation#1→beheerder@2025-06-28T22:00:00.000Z',
    ]);
  });

  it('names the next moment after an instant, the overdue series included', () => {
    const next = (after: string) => nextMomentAfter(contact, new Date(after), rule)?.toISOString();
    expect(next('2025-02-01T00:00:00Z')).toBe('2025-03-03T07:00:00.000Z');
    expect(next('2025-03-03T07:00:00Z')).toBe('2025-03-10T07:00:00.000Z');
    expect(next('2025-03-17T07:00:00Z')).toBe('2025-03-23T23:00:00.000Z');
    expect(next('2026-01-01T00:00:00Z')).toBe('2026-01-05T07:00:00.000Z');
  });

  it('follows the deployment settings', () => {
    const custom = { ...rule, reminderDaysBefore: 3, hour: 9, overdueEveryDays: 14 };
    expect(occurrencesBetween(contact, new Date('2025-02-01T00:00:00Z'), new Date('2025-03-25T00:00:00Z'), custom).map((o) => `${o.kind}@${o.moment.toISOString()}`)).toEqual([
      'reminder@2025-03-07T08:00:00.000Z',
      'due@2025-03-10T08:00:00.000Z',
      'escalation@2025-03-23T23:00:00.000Z',
      'overdue@2025-03-24T08:00:00.000Z',
    ]);
  });
});

describe('the digest moment', () => {
  it('is today at the chosen hour if that is still to come, else tomorrow', () => {
    expect(nextDigestMoment(new Date('2025-03-10T05:00:00Z'), 7).toISOString()).toBe('2025-03-10T06:00:00.000Z');
    expect(nextDigestMoment(new Date('2025-03-10T06:00:00Z'), 7).toISOString()).toBe('2025-03-10T06:00:00.000Z');
    expect(nextDigestMoment(new Date('2025-03-10T06:00:01Z'), 7).toISOString()).toBe('2025-03-11T06:00:00.000Z');
  });
});
