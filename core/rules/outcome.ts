/**
 * Success and the afronding proposal (docs/domain.md, "Success and self-sufficiency").
 */
import { DOMAINS, type DomainKey, type Decision, type Scores } from '../schemas';

export interface ScoredRound {
  measuredOn: string;
  scores: Scores;
}

/**
 * Domains on which the final score is higher than the first score recorded for that domain.
 * Earlier rounds are ordered by date; a domain not scored both before and at the end is skipped.
 */
export function improvedDomains(earlier: ScoredRound[], final: Scores): DomainKey[] {
  const ordered = [...earlier].sort((a, b) => a.measuredOn.localeCompare(b.measuredOn));
  return DOMAINS.filter((domain) => {
    const finalScore = final[domain];
    const first = ordered.map((r) => r.scores[domain]).find((s) => s !== undefined && s !== null);
    return finalScore !== undefined && finalScore !== null && first !== undefined && first !== null && finalScore > first;
  });
}

/** Successful: at least one level of progress on at least two domains. */
export function isSuccessful(improved: readonly DomainKey[]): boolean {
  return improved.length >= 2;
}

/** Propose a handover when any final score is 1 (acute problems) or 2 (not self-sufficient). */
export function afrondingProposal(final: Scores): Decision {
  return Object.values(final).some((s) => s === 1 || s === 2) ? 'handover' : 'close';
}

/** Per domain the most recent score given (not null), across all rounds in date order. */
export function latestScores(rounds: ScoredRound[]): Scores {
  const ordered = [...rounds].sort((a, b) => a.measuredOn.localeCompare(b.measuredOn));
  const latest: Partial<Record<DomainKey, number>> = {};
  for (const round of ordered) {
    for (const domain of DOMAINS) {
      const score = round.scores[domain];
      if (score !== undefined && score !== null) latest[domain] = score;
    }
  }
  return latest as Scores;
}
