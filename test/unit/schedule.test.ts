import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween } from '../../core/rules/dates';
import {
  RULES,
  afrondingDue,
  contactIntervalMonths,
  kennismakingDue,
  nextContactDue,
  nextZrmDue,
  phaseAfter,
  plannedTask,
  popDue,
  zrmDueAtContact,
  type PlannedTask,
  type ScheduleFacts,
} from '../../core/rules/schedule';

const pad = (n: number) => String(n).padStart(2, '0');

/** Settlement dates with day 1–28, so month arithmetic never clamps. */
const settledOn = fc
  .record({ year: fc.integer({ min: 2015, max: 2035 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) })
  .map(({ year, month, day }) => `${year}-${pad(month)}-${pad(day)}`);
const intervalMonths = fc.integer({ min: 1, max: 12 });

interface Step {
  task: PlannedTask;
  /** The ZRM round before this task was planned (the baseline at the POP, or the last interim). */
  previousZrmOn?: string;
  /** The interval in months that planned this task's due date from the last contact. */
  interval?: number;
}

/**
 * Runs a trajectory through the schedule: every task is completed on its due date, the facts are
 * updated as a completion would, and begeleiding loops until the AFRONDING task is planned.
 */
function simulate(start: ScheduleFacts, limit = 200): { facts: ScheduleFacts; steps: Step[] } {
  const facts: ScheduleFacts = { ...start };
  const steps: Step[] = [];

  const kennismaking = plannedTask('kennismaking', facts);
  steps.push({ task: kennismaking });
  facts.kennismakingOn = kennismaking.dueAt;
  facts.lastContactOn = kennismaking.dueAt;
  expect(phaseAfter('KENNISMAKING')).toBe('pop');

  const pop = plannedTask('pop', facts);
  steps.push({ task: pop });
  facts.popAgreedOn = pop.dueAt;
  facts.lastContactOn = pop.dueAt;
  facts.lastZrmOn = pop.dueAt;
  expect(phaseAfter('POP')).toBe('begeleiding');

  for (let i = 0; i < limit; i++) {
    const previousZrmOn = facts.lastZrmOn;
    const interval = contactIntervalMonths(facts, facts.lastContactOn);
    const task = plannedTask('begeleiding', facts);
    steps.push({ task, previousZrmOn, interval });
    if (task.type === 'AFRONDING') return { facts, steps };
    expect(task.type).toBe('CONTACT');
    facts.lastContactOn = task.dueAt;
    if (task.zrmDue) facts.lastZrmOn = task.dueAt;
    expect(phaseAfter('CONTACT')).toBe('begeleiding');
  }
  throw new Error(`no AFRONDING within ${limit} tasks`);
}

const contactsOf = (steps: Step[]) => steps.filter((s) => s.task.type === 'CONTACT');

describe('the default schedule, worked example (settled 2024-01-10)', () => {
  const { steps } = simulate({ settledOn: '2024-01-10' });
  const dues = steps.map((s) => `${s.task.type} ${s.task.dueAt}${s.task.zrmDue && s.task.type === 'CONTACT' ? ' +ZRM' : ''}`);

  it('plans the kennismaking six months after settling and the POP (with its baseline ZRM) a month later', () => {
    expect(dues[0]).toBe('KENNISMAKING 2024-07-10');
    expect(steps[1]!.task).toEqual({ type: 'POP', dueAt: '2024-08-10', zrmDue: true });
  });

  it('plans contacts monthly while inside the three months after the kennismaking (POP counted), then every two months', () => {
    expect(dues.slice(2, 7)).toEqual([
      'CONTACT 2024-09-10', // kennismaking + 2 months
      'CONTACT 2024-10-10', // kennismaking + 3 months: the end of the kennismakingsperiode
      'CONTACT 2024-12-10', // from here every two months
      'CONTACT 2025-02-10 +ZRM', // POP + 6 months
      'CONTACT 2025-04-10',
    ]);
  });

  it('asks for a ZRM round in the contacts at POP + 6, 12, 18, 24 and 30 months, and in no other contact', () => {
    const zrm = contactsOf(steps).filter((s) => s.task.zrmDue).map((s) => s.task.dueAt);
    expect(zrm).toEqual([6, 12, 18, 24, 30].map((m) => addMonths('2024-08-10', m)));
    expect(zrm).toEqual(['2025-02-10', '2025-08-10', '2026-02-10', '2026-08-10', '2027-02-10']);
  });

  it('ends with the AFRONDING due at POP + 36 months, right after the contact at POP + 34 months', () => {
    expect(dues.at(-2)).toBe('CONTACT 2027-06-10');
    expect(steps.at(-1)!.task).toEqual({ type: 'AFRONDING', dueAt: '2027-08-10', zrmDue: true });
    expect(contactsOf(steps)).toHaveLength(2 + 16); // two monthly contacts, then POP+4 … POP+34 every two months
  });
});

describe('single rules, examples', () => {
  const facts: ScheduleFacts = { settledOn: '2024-01-10', kennismakingOn: '2024-07-15', popAgreedOn: '2024-08-20' };

  it('kennismakingDue is settledOn + 6 months, clamped to the month end', () => {
    expect(kennismakingDue({ settledOn: '2024-01-10' })).toBe('2024-07-10');
    expect(kennismakingDue({ settledOn: '2023-08-31' })).toBe('2024-02-29');
  });

  it('popDue is the actual kennismaking + 1 month', () => {
    expect(popDue(facts)).toBe('2024-08-15');
  });

  it('the POP counts as the last contact when no later contact is held; its date anchors the first ZRM round', () => {
    expect(nextContactDue(facts)).toBe('2024-09-20');
    expect(nextZrmDue(facts)).toBe('2025-02-20');
  });

  it('the kennismaking counts as the last contact before the POP', () => {
    expect(nextContactDue({ settledOn: '2024-01-10', kennismakingOn: '2024-07-15' })).toBe('2024-08-15');
  });

  it('a contact held exactly at kennismaking + 3 months is no longer inside the period: the next is 2 months on', () => {
    expect(nextContactDue({ ...facts, lastContactOn: '2024-10-14' })).toBe('2024-11-14');
    expect(nextContactDue({ ...facts, lastContactOn: '2024-10-15' })).toBe('2024-12-15');
  });

  it('a per-trajectory interval overrides both the monthly and the two-monthly rhythm', () => {
    expect(nextContactDue({ ...facts, intervalMonths: 3 })).toBe('2024-11-20');
    expect(nextContactDue({ ...facts, lastContactOn: '2025-03-01', intervalMonths: 1 })).toBe('2025-04-01');
  });

  it('nextZrmDue stays on the six-month grid from the POP: a late round does not shift the next', () => {
    expect(nextZrmDue({ ...facts, lastZrmOn: '2025-03-03' })).toBe('2025-08-20');
    expect(nextZrmDue({ ...facts, lastZrmOn: '2025-02-01' })).toBe('2025-08-20');
  });

  it('afrondingDue is POP + 36 months', () => {
    expect(afrondingDue(facts)).toBe('2027-08-20');
  });

  it('no contact asks for a ZRM round that falls at or after the afronding', () => {
    const late = { ...facts, lastZrmOn: '2027-02-20', lastContactOn: '2027-06-20' };
    expect(nextZrmDue(late)).toBe('2027-08-20');
    expect(zrmDueAtContact(late, '2027-07-20')).toBe(false);
  });

  it('a ZRM round already overdue is asked for at the next contact', () => {
    expect(zrmDueAtContact({ ...facts, lastZrmOn: '2024-08-20', lastContactOn: '2025-03-01' }, '2025-05-01')).toBe(true);
  });

  it('the overdracht waits 14 days for the acknowledgement after delivery, and needs the delivery date', () => {
    expect(plannedTask('overdracht', facts, '2027-09-01')).toEqual({ type: 'ACKNOWLEDGE', dueAt: '2027-09-15', zrmDue: false });
    expect(() => plannedTask('overdracht', facts)).toThrow(/handoverDeliveredOn/);
  });

  it('a closed trajectory has no next task', () => {
    expect(() => plannedTask('closed', facts)).toThrow();
  });

  it('phaseAfter: AFRONDING goes to overdracht on handover and closed otherwise; ACKNOWLEDGE closes', () => {
    expect(phaseAfter('AFRONDING', 'handover')).toBe('overdracht');
    expect(phaseAfter('AFRONDING', 'close')).toBe('closed');
    expect(phaseAfter('AFRONDING')).toBe('closed');
    expect(phaseAfter('ACKNOWLEDGE')).toBe('closed');
  });

  it('the schedule names the missing fact instead of inventing a date', () => {
    expect(() => popDue({ settledOn: '2024-01-10' })).toThrow(/kennismakingOn/);
    expect(() => afrondingDue({ settledOn: '2024-01-10', kennismakingOn: '2024-07-15' })).toThrow(/popAgreedOn/);
  });
});

describe('early afronding', () => {
  const facts: ScheduleFacts = {
    settledOn: '2024-01-10',
    kennismakingOn: '2024-07-10',
    popAgreedOn: '2024-08-10',
    lastContactOn: '2025-06-10',
    lastZrmOn: '2025-02-10',
  };

  it('a requested afronding date overrides POP + 36 months, in begeleiding and in the afronding phase', () => {
    const early = { ...facts, afrondingRequestedOn: '2025-07-01' };
    expect(afrondingDue(early)).toBe('2025-07-01');
    expect(plannedTask('begeleiding', early)).toEqual({ type: 'AFRONDING', dueAt: '2025-07-01', zrmDue: true });
    expect(plannedTask('afronding', early)).toEqual({ type: 'AFRONDING', dueAt: '2025-07-01', zrmDue: true });
  });

  it('the request wins even when it lies after the next contact would be due', () => {
    const early = { ...facts, afrondingRequestedOn: '2025-12-01' };
    expect(nextContactDue(early)).toBe('2025-08-10');
    expect(plannedTask('begeleiding', early).type).toBe('AFRONDING');
  });

  it('property: with any requested date, begeleiding plans the AFRONDING on exactly that date', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1200 }), (offset) => {
        const requested = addDays(facts.popAgreedOn!, offset);
        expect(plannedTask('begeleiding', { ...facts, afrondingRequestedOn: requested })).toEqual({
          type: 'AFRONDING',
          dueAt: requested,
          zrmDue: true,
        });
      }),
    );
  });
});

describe('schedule properties over random settlement dates and intervals', () => {
  it('the next contact is strictly after the last contact and at most the interval (default: 2 months) later', () => {
    fc.assert(
      fc.property(
        settledOn,
        fc.option(intervalMonths, { nil: undefined }),
        fc.integer({ min: 0, max: 1100 }),
        (settled, interval, daysAfterKennismaking) => {
          const kennismakingOn = addMonths(settled, 6);
          const facts: ScheduleFacts = {
            settledOn: settled,
            kennismakingOn,
            popAgreedOn: addMonths(kennismakingOn, 1),
            lastContactOn: addDays(kennismakingOn, daysAfterKennismaking),
            ...(interval ? { intervalMonths: interval } : {}),
          };
          const last = facts.lastContactOn!;
          const next = nextContactDue(facts);
          expect(next > last).toBe(true);
          expect(next <= addMonths(last, interval ?? RULES.contactMonthsAfter)).toBe(true);
          if (!interval && last < addMonths(kennismakingOn, 3)) expect(next).toBe(addMonths(last, 1));
        },
      ),
    );
  });

  it('with an interval override, every gap between successive contacts (POP included) equals the interval', () => {
    fc.assert(
      fc.property(settledOn, intervalMonths, (settled, interval) => {
        const { steps } = simulate({ settledOn: settled, intervalMonths: interval });
        const pop = steps[1]!.task.dueAt;
        const contacts = [pop, ...contactsOf(steps).map((s) => s.task.dueAt)];
        for (let i = 1; i < contacts.length; i++) {
          expect(contacts[i]).toBe(addMonths(contacts[i - 1]!, interval));
        }
      }),
    );
  });

  it('the default run has exactly 5 ZRM rounds between POP and afronding, at POP + 6, 12, 18, 24, 30 months', () => {
    fc.assert(
      fc.property(settledOn, (settled) => {
        const { steps } = simulate({ settledOn: settled });
        const pop = steps[1]!.task.dueAt;
        const zrm = contactsOf(steps).filter((s) => s.task.zrmDue).map((s) => s.task.dueAt);
        expect(zrm).toEqual([6, 12, 18, 24, 30].map((m) => addMonths(pop, m)));
      }),
    );
  });

  it('every run ends with the AFRONDING due at POP + 36 months, and no contact falls on or after it', () => {
    fc.assert(
      fc.property(settledOn, fc.option(intervalMonths, { nil: undefined }), (settled, interval) => {
        const { steps } = simulate({ settledOn: settled, ...(interval ? { intervalMonths: interval } : {}) });
        const pop = steps[1]!.task.dueAt;
        const last = steps.at(-1)!.task;
        expect(last).toEqual({ type: 'AFRONDING', dueAt: addMonths(pop, RULES.trajectoryMonths), zrmDue: true });
        for (const c of contactsOf(steps)) expect(c.task.dueAt < last.dueAt).toBe(true);
      }),
    );
  });

  it('every ZRM-flagged contact lies within half a contact interval of a round on the six-month grid from the POP', () => {
    fc.assert(
      fc.property(settledOn, fc.option(intervalMonths, { nil: undefined }), (settled, interval) => {
        const { steps } = simulate({ settledOn: settled, ...(interval ? { intervalMonths: interval } : {}) });
        const pop = steps[1]!.task.dueAt;
        for (const step of contactsOf(steps).filter((s) => s.task.zrmDue)) {
          const halfInterval = Math.ceil((step.interval! * 31) / 2);
          const nearest = Math.min(
            ...[1, 2, 3, 4, 5].map((k) => Math.abs(daysBetween(addMonths(pop, k * RULES.zrmIntervalMonths), step.task.dueAt))),
          );
          expect(nearest).toBeLessThanOrEqual(halfInterval);
        }
      }),
    );
  });

  it('keeps five interim rounds when the settlement falls on the 29th–31st and contact dates clamp to month ends', () => {
    for (const settled of ['2015-01-29', '2024-01-31', '2023-03-30', '2023-08-31']) {
      const { steps } = simulate({ settledOn: settled });
      expect(contactsOf(steps).filter((s) => s.task.zrmDue), settled).toHaveLength(5);
      expect(steps.at(-1)!.task).toMatchObject({ type: 'AFRONDING', dueAt: addMonths(steps[1]!.task.dueAt, 36) });
    }
  });

  it('no ZRM round is left out: each six-month round before the afronding is measured within half a contact interval of it', () => {
    fc.assert(
      fc.property(settledOn, fc.option(intervalMonths, { nil: undefined }), (settled, interval) => {
        const { steps } = simulate({ settledOn: settled, ...(interval ? { intervalMonths: interval } : {}) });
        const pop = steps[1]!.task.dueAt;
        const measured = [
          ...contactsOf(steps).filter((s) => s.task.zrmDue).map((s) => s.task.dueAt),
          steps.at(-1)!.task.dueAt, // the final measurement, at the afronding
        ];
        const slack = Math.ceil(((interval ?? RULES.contactMonthsAfter) * 31) / 2);
        for (const k of [1, 2, 3, 4, 5]) {
          const round = addMonths(pop, k * RULES.zrmIntervalMonths);
          const nearest = Math.min(...measured.map((m) => Math.abs(daysBetween(round, m))));
          expect(nearest, `round ${round}`).toBeLessThanOrEqual(slack);
        }
      }),
    );
  });

  it('the POP is due one month after the kennismaking, which is due six months after settling', () => {
    fc.assert(
      fc.property(settledOn, (settled) => {
        const { steps } = simulate({ settledOn: settled });
        expect(steps[0]!.task).toEqual({ type: 'KENNISMAKING', dueAt: addMonths(settled, 6), zrmDue: false });
        expect(steps[1]!.task).toEqual({ type: 'POP', dueAt: addMonths(settled, 7), zrmDue: true });
      }),
    );
  });
});
