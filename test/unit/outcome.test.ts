import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afrondingProposal, improvedDomains, isSuccessful, type ScoredRound } from '../../core/rules/outcome';
import { DOMAINS, type DomainKey, type Scores } from '../../core/schemas';

type Level = 1 | 2 | 3 | 4 | 5;
const level = fc.constantFrom<Level>(1, 2, 3, 4, 5);
/** A score per domain: a level, null ("not discussed"), or the domain left out. */
const scores: fc.Arbitrary<Scores> = fc
  .array(fc.tuple(fc.constantFrom(...DOMAINS), fc.option(level, { nil: null, freq: 4 })), { minLength: 1, maxLength: 7 })
  .map((entries) => Object.fromEntries(entries) as Scores);
const isoDate = fc.integer({ min: 17_000, max: 21_000 }).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
const rounds: fc.Arbitrary<ScoredRound[]> = fc.array(fc.record({ measuredOn: isoDate, scores }), { maxLength: 6 });

describe('improvedDomains and isSuccessful: examples', () => {
  const baseline: ScoredRound = {
    measuredOn: '2024-08-10',
    scores: { finances: 2, workEducation: 2, housing: 3, socialNetwork: 3, mentalHealth: null },
  };

  it('two domains up by a level → successful', () => {
    const improved = improvedDomains([baseline], { finances: 3, workEducation: 3, housing: 3, socialNetwork: 3 });
    expect(improved).toEqual(['finances', 'workEducation']);
    expect(isSuccessful(improved)).toBe(true);
  });

  it('only one domain up → not successful', () => {
    const improved = improvedDomains([baseline], { finances: 4, workEducation: 2, housing: 3 });
    expect(improved).toEqual(['finances']);
    expect(isSuccessful(improved)).toBe(false);
  });

  it('a domain scored only at the end is skipped', () => {
    const improved = improvedDomains([baseline], { finances: 3, physicalHealth: 5, participation: 4 });
    expect(improved).toEqual(['finances']);
    expect(isSuccessful(improved)).toBe(false);
  });

  it('a domain marked "not discussed" (null) is skipped, at the start and at the end', () => {
    expect(improvedDomains([baseline], { mentalHealth: 5, finances: null, workEducation: 3 })).toEqual(['workEducation']);
  });

  it('a domain scored earlier but left out of the final measurement is skipped', () => {
    expect(improvedDomains([baseline], { finances: 5 })).toEqual(['finances']);
  });

  it('uses the FIRST recorded score per domain, not the latest interim', () => {
    const interim: ScoredRound = { measuredOn: '2025-02-10', scores: { finances: 4, workEducation: 4 } };
    // Against the interim neither domain improved; against the baseline both did.
    expect(improvedDomains([baseline, interim], { finances: 4, workEducation: 3 })).toEqual(['finances', 'workEducation']);
  });

  it('orders the earlier rounds by date, whatever order they are passed in', () => {
    const interim: ScoredRound = { measuredOn: '2025-02-10', scores: { finances: 4 } };
    expect(improvedDomains([interim, baseline], { finances: 3 })).toEqual(['finances']);
  });

  it('takes the first round that actually scored the domain, skipping earlier nulls and omissions', () => {
    const interim: ScoredRound = { measuredOn: '2025-02-10', scores: { mentalHealth: 2, participation: 3 } };
    const later: ScoredRound = { measuredOn: '2025-08-10', scores: { mentalHealth: 4, participation: 4 } };
    expect(improvedDomains([baseline, interim, later], { mentalHealth: 3, participation: 3 })).toEqual(['mentalHealth']);
  });

  it('a decline or an equal score is no improvement', () => {
    expect(improvedDomains([baseline], { finances: 1, workEducation: 2, housing: 3 })).toEqual([]);
  });

  it('without earlier rounds nothing improved', () => {
    expect(improvedDomains([], { finances: 5, housing: 5 })).toEqual([]);
  });
});

describe('afrondingProposal: examples', () => {
  it('proposes a handover when any final score is 1 (acute) or 2 (not self-sufficient)', () => {
    expect(afrondingProposal({ finances: 4, housing: 1 })).toBe('handover');
    expect(afrondingProposal({ finances: 5, mentalHealth: 2 })).toBe('handover');
  });

  it('proposes closing when every score is 3 or higher, or not discussed', () => {
    expect(afrondingProposal({ finances: 3, housing: 4, socialNetwork: 5 })).toBe('close');
    expect(afrondingProposal({ finances: 3, housing: null })).toBe('close');
  });
});

describe('outcome properties', () => {
  it('improved domains are exactly those scored before and at the end whose final score is higher than the first', () => {
    fc.assert(
      fc.property(rounds, scores, (earlier, final) => {
        const ordered = [...earlier].sort((a, b) => a.measuredOn.localeCompare(b.measuredOn));
        const improved = improvedDomains(earlier, final);
        for (const domain of DOMAINS) {
          const first = ordered.map((r) => r.scores[domain]).find((s) => s != null);
          const end = final[domain];
          expect(improved.includes(domain), domain).toBe(first != null && end != null && end > first);
        }
      }),
    );
  });

  it('is monotone: raising one final score never turns success into failure, nor removes an improved domain', () => {
    fc.assert(
      fc.property(rounds, scores, fc.constantFrom(...DOMAINS), level, (earlier, final, domain, raised) => {
        const current = final[domain];
        fc.pre(current != null && raised > current);
        const before = improvedDomains(earlier, final);
        const after = improvedDomains(earlier, { ...final, [domain]: raised });
        for (const d of before) expect(after).toContain(d);
        if (isSuccessful(before)) expect(isSuccessful(after)).toBe(true);
      }),
    );
  });

  it('does not depend on the order in which earlier rounds are given (dates distinct)', () => {
    fc.assert(
      fc.property(rounds, scores, (earlier, final) => {
        const distinct = earlier.filter((r, i) => earlier.findIndex((o) => o.measuredOn === r.measuredOn) === i);
        expect(improvedDomains([...distinct].reverse(), final)).toEqual(improvedDomains(distinct, final));
      }),
    );
  });

  it('isSuccessful holds iff at least two domains improved', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom<DomainKey>(...DOMAINS)), (improved) => {
        expect(isSuccessful(improved)).toBe(improved.length >= 2);
      }),
    );
  });

  it("the proposal is 'handover' iff some final score is 1 or 2", () => {
    fc.assert(
      fc.property(scores, (final) => {
        const low = Object.values(final).some((s) => s === 1 || s === 2);
        expect(afrondingProposal(final)).toBe(low ? 'handover' : 'close');
      }),
    );
  });
});
