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
  plannedTask,
  popDue,
  zrmDueAtContact,
  type PlannedTask,
  type ScheduleFacts,
} from '../../core/trajectory/schedule';
import { phaseAfter } from '../../core/trajectory/phases';

const pad = (n: number) => String(n).padStart(2, '0');

/** Settlement dates with day 1–28, so month arithmetic never clamps. */
const settledOn = fc
  .record({ year: fc.integer({ min: 2015, max: 2035 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) })
  .map(({ year, month, day }) => `${year}-${pad(month)}-${pad(day)}`);
const intervalMonths = fc.integer({ min: 1, max: 12 });

interface Step {
  task: PlannedTask;
  /** The interim ZRM rounds held before this task was planned. */
  roundsBefore?: number;
  /** The interval in months that planned this task's due date from the last contact. */
  interval?: number;
  /** The contact asked for a ZRM round and it was skipped (zrmSkipped). */
  skipped?: boolean;
}

/** Facts at the start; the trajectory starts on the day of settling unless startedOn is given. */
type Start = Omit<ScheduleFacts, 'startedOn'> & { startedOn?: string };

/**
 * Runs a trajectory through the schedule: every task is completed on its due date, the facts are
 * updated as a completion would (an interim round held counts in interimRounds; a skipped one
 * does not), and begeleiding loops until the AFRONDING task is planned. `skip` decides, for a
 * contact that asks for a round, whether the round is skipped.
 */
function simulate(
  start: Start,
  options: { limit?: number; skip?: (contactDue: string, roundsBefore: number) => boolean } = {},
): { facts: ScheduleFacts; steps: Step[] } {
  const limit = options.limit ?? 200;
  const facts: ScheduleFacts = { startedOn: start.settledOn, ...start };
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
  facts.interimRounds = 0; // the POP's measurement is the baseline, not an interim round
  expect(phaseAfter('POP')).toBe('begeleiding');

  for (let i = 0; i < limit; i++) {
    const roundsBefore: number = facts.interimRounds ?? 0;
    const interval = contactIntervalMonths(facts, facts.lastContactOn);
    const task = plannedTask('begeleiding', facts);
    const skipped = task.type === 'CONTACT' && task.zrmDue && (options.skip?.(task.dueAt, roundsBefore) ?? false);
    steps.push({ task, roundsBefore, interval, skipped });
    if (task.type === 'AFRONDING') return { facts, steps };
    expect(task.type).toBe('CONTACT');
    facts.lastContactOn = task.dueAt;
    if (task.zrmDue && !skipped) facts.interimRounds = roundsBefore + 1;
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
  const facts: ScheduleFacts = { settledOn: '2024-01-10', startedOn: '2024-01-12', kennismakingOn: '2024-07-15', popAgreedOn: '2024-08-20' };

  it('kennismakingDue is settledOn + 6 months for a trajectory started soon after settling, clamped to the month end', () => {
    expect(kennismakingDue({ settledOn: '2024-01-10', startedOn: '2024-01-10' })).toBe('2024-07-10');
    expect(kennismakingDue({ settledOn: '2023-08-31', startedOn: '2023-09-01' })).toBe('2024-02-29');
  });

  it('a recent settler: settled 2025-01-15, started 2025-01-20 → kennismaking due 2025-07-15 (settling + 6 months)', () => {
    expect(kennismakingDue({ settledOn: '2025-01-15', startedOn: '2025-01-20' })).toBe('2025-07-15');
    expect(plannedTask('kennismaking', { settledOn: '2025-01-15', startedOn: '2025-01-20' })).toEqual({
      type: 'KENNISMAKING',
      dueAt: '2025-07-15',
      zrmDue: false,
    });
  });

  it('a late starter: settled 2019-03-01, started 2025-06-10 → kennismaking due 2025-07-08 (start + 28 days)', () => {
    expect(kennismakingDue({ settledOn: '2019-03-01', startedOn: '2025-06-10' })).toBe('2025-07-08');
    expect(plannedTask('kennismaking', { settledOn: '2019-03-01', startedOn: '2025-06-10' })).toEqual({
      type: 'KENNISMAKING',
      dueAt: '2025-07-08',
      zrmDue: false,
    });
    // The example of docs/domain.md, decision 1.
    expect(kennismakingDue({ settledOn: '2019-03-01', startedOn: '2025-01-15' })).toBe('2025-02-12');
  });

  it('the later of the two rules wins, also when a trajectory starts a few months after settling', () => {
    // settled + 6 months = 2025-07-15; start + 28 days crosses it between these starts.
    expect(kennismakingDue({ settledOn: '2025-01-15', startedOn: '2025-06-16' })).toBe('2025-07-15'); // + 28 = 2025-07-14
    expect(kennismakingDue({ settledOn: '2025-01-15', startedOn: '2025-06-17' })).toBe('2025-07-15'); // + 28 = 2025-07-15
    expect(kennismakingDue({ settledOn: '2025-01-15', startedOn: '2025-06-18' })).toBe('2025-07-16'); // + 28 = 2025-07-16
    expect(RULES.kennismakingAfterStartDays).toBe(28);
  });

  it('popDue is the actual kennismaking + 1 month', () => {
    expect(popDue(facts)).toBe('2024-08-15');
  });

  it('the POP counts as the last contact when no later contact is held; its date anchors the first ZRM round', () => {
    expect(nextContactDue(facts)).toBe('2024-09-20');
    expect(nextZrmDue(facts)).toBe('2025-02-20');
  });

  it('the kennismaking counts as the last contact before the POP', () => {
    expect(nextContactDue({ settledOn: '2024-01-10', startedOn: '2024-01-12', kennismakingOn: '2024-07-15' })).toBe('2024-08-15');
  });

  it('a contact held exactly at kennismaking + 3 months is no longer inside the period: the next is 2 months on', () => {
    expect(nextContactDue({ ...facts, lastContactOn: '2024-10-14' })).toBe('2024-11-14');
    expect(nextContactDue({ ...facts, lastContactOn: '2024-10-15' })).toBe('2024-12-15');
  });

  it('a per-trajectory interval overrides both the monthly and the two-monthly rhythm', () => {
    expect(nextContactDue({ ...facts, intervalMonths: 3 })).toBe('2024-11-20');
    expect(nextContactDue({ ...facts, lastContactOn: '2025-03-01', intervalMonths: 1 })).toBe('2025-04-01');
  });

  it('nextZrmDue is POP + (interimRounds + 1) × 6 months: the grid from the POP, counted by rounds held', () => {
    expect(nextZrmDue(facts)).toBe('2025-02-20');
    expect(nextZrmDue({ ...facts, interimRounds: 0 })).toBe('2025-02-20');
    expect(nextZrmDue({ ...facts, interimRounds: 1 })).toBe('2025-08-20');
    expect(nextZrmDue({ ...facts, interimRounds: 4 })).toBe('2027-02-20');
    expect(() => nextZrmDue({ settledOn: '2024-01-10', startedOn: '2024-01-12', kennismakingOn: '2024-07-15' })).toThrow(/popAgreedOn/);
  });

  it('nextZrmDue does not depend on when a round was held, nor on the last contact: a late round does not shift the next', () => {
    for (const lastContactOn of ['2025-02-01', '2025-03-03', '2025-06-05']) {
      expect(nextZrmDue({ ...facts, interimRounds: 1, lastContactOn })).toBe('2025-08-20');
    }
  });

  it('property: nextZrmDue = POP + (interimRounds + 1) × 6 months', () => {
    fc.assert(
      fc.property(settledOn, fc.integer({ min: 0, max: 6 }), (pop, rounds) => {
        expect(nextZrmDue({ settledOn: pop, startedOn: pop, popAgreedOn: pop, interimRounds: rounds })).toBe(
          addMonths(pop, (rounds + 1) * RULES.zrmIntervalMonths),
        );
      }),
    );
  });

  it('afrondingDue is POP + 36 months', () => {
    expect(afrondingDue(facts)).toBe('2027-08-20');
  });

  it('no contact asks for a ZRM round that falls at or after the afronding', () => {
    const late = { ...facts, interimRounds: 5, lastContactOn: '2027-06-20' };
    expect(nextZrmDue(late)).toBe('2027-08-20');
    expect(zrmDueAtContact(late, '2027-07-20')).toBe(false);
  });

  it('a ZRM round already overdue is asked for at the next contact', () => {
    expect(zrmDueAtContact({ ...facts, interimRounds: 0, lastContactOn: '2025-03-01' }, '2025-05-01')).toBe(true);
  });

  it('the overdracht waits 14 days for the acknowledgement after delivery, and needs the delivery date', () => {
    expect(plannedTask('overdracht', facts, '2027-09-01')).toEqual({ type: 'ACKNOWLEDGE', dueAt: '2027-09-15', zrmDue: false });
    expect(() => plannedTask('overdracht', facts)).toThrow(/handoverDeliveredOn/);
  });

  it('a closed trajectory has no next task', () => {
    expect(() => plannedTask('closed', facts)).toThrow();
  });

  it('phaseAfter: AFRONDING goes to overdracht on handover and closed on close (and needs the decision); ACKNOWLEDGE closes', () => {
    expect(phaseAfter('AFRONDING', 'handover')).toBe('overdracht');
    expect(phaseAfter('AFRONDING', 'close')).toBe('closed');
    // A completed AFRONDING always carries a decision (the completion schema requires one).
    expect(() => phaseAfter('AFRONDING')).toThrow(/decision/);
    expect(phaseAfter('ACKNOWLEDGE')).toBe('closed');
  });

  it('the schedule names the missing fact instead of inventing a date', () => {
    expect(() => popDue({ settledOn: '2024-01-10', startedOn: '2024-01-12' })).toThrow(/kennismakingOn/);
    expect(() => afrondingDue({ settledOn: '2024-01-10', startedOn: '2024-01-12', kennismakingOn: '2024-07-15' })).toThrow(/popAgreedOn/);
  });
});

describe('ZRM rounds are not lost: skipped and late rounds', () => {
  const pop: ScheduleFacts = { settledOn: '2024-01-10', startedOn: '2024-01-10', kennismakingOn: '2024-07-10', popAgreedOn: '2024-08-10' };

  it('a skipped round stays due (it is not counted) and is asked for in the next contact', () => {
    // Round 1 (due 2025-02-10) was asked for in the contact of 2025-02-10 and skipped: interimRounds stays 0.
    const afterSkip: ScheduleFacts = { ...pop, lastContactOn: '2025-02-10', interimRounds: 0 };
    expect(nextZrmDue(afterSkip)).toBe('2025-02-10');
    expect(plannedTask('begeleiding', afterSkip)).toEqual({ type: 'CONTACT', dueAt: '2025-04-10', zrmDue: true });
    // Held there: round 2 is due at POP + 12 months, asked for in the contact of that day, not before.
    const afterHeld: ScheduleFacts = { ...afterSkip, lastContactOn: '2025-04-10', interimRounds: 1 };
    expect(nextZrmDue(afterHeld)).toBe('2025-08-10');
    expect(plannedTask('begeleiding', afterHeld)).toEqual({ type: 'CONTACT', dueAt: '2025-06-10', zrmDue: false });
    expect(plannedTask('begeleiding', { ...afterHeld, lastContactOn: '2025-06-10' })).toEqual({ type: 'CONTACT', dueAt: '2025-08-10', zrmDue: true });
  });

  it('a skipped round, run through the whole schedule: asked again at the next contact, and all five rounds are still held', () => {
    const { steps, facts } = simulate({ settledOn: '2024-01-10' }, { skip: (due) => due === '2025-02-10' });
    const flagged = contactsOf(steps).filter((s) => s.task.zrmDue);
    expect(flagged.map((s) => `${s.task.dueAt}${s.skipped ? ' skipped' : ''}`)).toEqual([
      '2025-02-10 skipped',
      '2025-04-10', // the next contact asks again
      '2025-08-10', // round 2 stays at POP + 12 months
      '2026-02-10',
      '2026-08-10',
      '2027-02-10',
    ]);
    expect(facts.interimRounds).toBe(5);
    expect(steps.at(-1)!.task).toEqual({ type: 'AFRONDING', dueAt: '2027-08-10', zrmDue: true });
  });

  it('a round skipped twice is asked for again at each next contact', () => {
    const { steps } = simulate({ settledOn: '2024-01-10' }, { skip: (due) => due === '2025-02-10' || due === '2025-04-10' });
    const flagged = contactsOf(steps).filter((s) => s.task.zrmDue);
    expect(flagged.slice(0, 4).map((s) => `${s.task.dueAt}${s.skipped ? ' skipped' : ''}`)).toEqual([
      '2025-02-10 skipped',
      '2025-04-10 skipped',
      '2025-06-10',
      '2025-08-10',
    ]);
  });

  it('a late round (held 9.5 months after the POP) keeps round 2 due at POP + 12 months', () => {
    const heldOn = addDays(addMonths('2024-08-10', 9), 15); // 2025-05-25
    expect(heldOn).toBe('2025-05-25');
    const afterLateRound: ScheduleFacts = { ...pop, lastContactOn: heldOn, interimRounds: 1 };
    expect(nextZrmDue(afterLateRound)).toBe(addMonths('2024-08-10', 12));
    expect(nextZrmDue(afterLateRound)).toBe('2025-08-10');
    // The next contact (2 months on) lies nearest to that round, so it asks for it: round 2 is not dropped.
    expect(plannedTask('begeleiding', afterLateRound)).toEqual({ type: 'CONTACT', dueAt: '2025-07-25', zrmDue: true });
  });

  /** Checks `check` on trajectories of any settlement date and interval, with ZRM rounds skipped at random. */
  function withRandomSkips(check: (run: ReturnType<typeof simulate>) => void): void {
    fc.assert(
      fc.property(
        settledOn,
        fc.option(intervalMonths, { nil: undefined }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        (settled, interval, skips) => {
          let asked = 0;
          check(simulate({ settledOn: settled, ...(interval ? { intervalMonths: interval } : {}) }, { skip: () => skips[asked++ % skips.length]! }));
        },
      ),
    );
  }

  it('property: after a skipped round the next task is a contact that asks for a round again (or the afronding)', () => {
    withRandomSkips(({ steps }) => {
      steps.forEach((step, i) => {
        if (!step.skipped) return;
        const following = steps[i + 1]!;
        if (following.task.type === 'CONTACT') expect(following.task.zrmDue).toBe(true);
        else expect(following.task.type).toBe('AFRONDING');
        expect(following.roundsBefore).toBe(step.roundsBefore);
      });
    });
  });

  it('property: with rounds skipped at random, round k is never held more than half a contact interval before POP + 6k, and at most 5 are held', () => {
    withRandomSkips(({ steps, facts }) => {
      const popOn = steps[1]!.task.dueAt;
      const held = contactsOf(steps).filter((s) => s.task.zrmDue && !s.skipped);
      expect(held).toHaveLength(facts.interimRounds!);
      expect(held.length).toBeLessThanOrEqual(5);
      held.forEach((step, i) => {
        const round = addMonths(popOn, (i + 1) * RULES.zrmIntervalMonths);
        const halfInterval = Math.ceil((step.interval! * 31) / 2);
        expect(daysBetween(step.task.dueAt, round)).toBeLessThanOrEqual(halfInterval);
      });
    });
  });
});

describe('early afronding', () => {
  const facts: ScheduleFacts = {
    settledOn: '2024-01-10',
    startedOn: '2024-01-10',
    kennismakingOn: '2024-07-10',
    popAgreedOn: '2024-08-10',
    lastContactOn: '2025-06-10',
    interimRounds: 1,
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
            startedOn: settled,
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

  it('with contacts at least every six months, every ZRM-flagged contact lies within half a contact interval of its own round (POP + 6k for the k-th)', () => {
    fc.assert(
      fc.property(settledOn, fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), (settled, interval) => {
        const { steps } = simulate({ settledOn: settled, ...(interval ? { intervalMonths: interval } : {}) });
        const pop = steps[1]!.task.dueAt;
        for (const step of contactsOf(steps).filter((s) => s.task.zrmDue)) {
          const halfInterval = Math.ceil((step.interval! * 31) / 2);
          const round = addMonths(pop, (step.roundsBefore! + 1) * RULES.zrmIntervalMonths);
          expect(Math.abs(daysBetween(round, step.task.dueAt))).toBeLessThanOrEqual(halfInterval);
        }
      }),
    );
  });

  it('any interval: a round is asked for no earlier than half a contact interval before it is due, and later than half an interval after only when the contact before was busy with the round before (a late round does not drop the next)', () => {
    // E.g. every 7 months: each round is held a month later than the one before, so round 5
    // (POP + 30) is held at POP + 35; it is not dropped.
    fc.assert(
      fc.property(settledOn, fc.option(intervalMonths, { nil: undefined }), (settled, interval) => {
        const { steps } = simulate({ settledOn: settled, ...(interval ? { intervalMonths: interval } : {}) });
        const pop = steps[1]!.task.dueAt;
        steps.forEach((step, i) => {
          if (step.task.type !== 'CONTACT' || !step.task.zrmDue) return;
          const halfInterval = Math.ceil((step.interval! * 31) / 2);
          const round = addMonths(pop, (step.roundsBefore! + 1) * RULES.zrmIntervalMonths);
          expect(daysBetween(step.task.dueAt, round)).toBeLessThanOrEqual(halfInterval);
          if (daysBetween(round, step.task.dueAt) > halfInterval) {
            const before = steps[i - 1]!;
            expect(before.task.type === 'CONTACT' && before.task.zrmDue).toBe(true);
          }
        });
      }),
    );
  });

  it('every 7 months, worked example: the rounds are held at POP + 7, 14, 21, 28 and 35 months, none dropped', () => {
    const { steps } = simulate({ settledOn: '2015-01-01', intervalMonths: 7 });
    const pop = steps[1]!.task.dueAt;
    expect(pop).toBe('2015-08-01');
    expect(contactsOf(steps).filter((s) => s.task.zrmDue).map((s) => s.task.dueAt)).toEqual([7, 14, 21, 28, 35].map((m) => addMonths(pop, m)));
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

  it('the kennismaking is due on the later of settling + 6 months and the start + 28 days (late starters)', () => {
    fc.assert(
      fc.property(settledOn, fc.integer({ min: 0, max: 4000 }), (settled, startOffset) => {
        const startedOn = addDays(settled, startOffset);
        const afterSettling = addMonths(settled, RULES.kennismakingAfterSettlingMonths);
        const afterStart = addDays(startedOn, RULES.kennismakingAfterStartDays);
        const due = kennismakingDue({ settledOn: settled, startedOn });
        expect(due).toBe(afterSettling > afterStart ? afterSettling : afterStart);
        expect(due >= afterSettling && due >= afterStart).toBe(true);
        // The rest of the schedule runs from the kennismaking as held.
        const { steps } = simulate({ settledOn: settled, startedOn });
        expect(steps[0]!.task).toEqual({ type: 'KENNISMAKING', dueAt: due, zrmDue: false });
        expect(steps[1]!.task).toEqual({ type: 'POP', dueAt: addMonths(due, 1), zrmDue: true });
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
