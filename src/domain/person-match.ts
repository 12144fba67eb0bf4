/**
 * Likely duplicates of a person about to be recorded: the name score (`compareNames`) adjusted by
 * what else is known of both. Only facts recorded on both sides count; an unknown never counts against.
 */
import { compareNames, MATCH_THRESHOLD, type MatchReason, type NameParts, type ParsedName } from './name-match.ts';

export type PersonFacts = {
  sex?: 'female' | 'male' | 'other' | 'unknown' | null;
  birthYear?: number | null;
  birthYearEstimated?: boolean | null;
  citizenship?: string | null;
};

export const DUPLICATE_REASONS = [
  'birth_year_agrees',
  'birth_year_close',
  'birth_year_differs',
  'citizenship_agrees',
  'citizenship_differs',
  'sex_differs',
] as const;
export type DuplicateReason = MatchReason | (typeof DUPLICATE_REASONS)[number];

/** Below this a candidate is not shown as a possible duplicate at all. */
export const DUPLICATE_SHOW_THRESHOLD = 0.6;

/** An estimated year may be this far off and still agree (ages are guessed in whole years, often by 1 or 2). */
export const ESTIMATE_TOLERANCE_YEARS = 2;

export type DuplicateScore = { score: number; nameScore: number; likely: boolean; reasons: DuplicateReason[] };

/**
 * The duplicate score of a new record against an existing one (0..1): the best name score over the
 * existing record's names, then: birth year the same +0.05, within the estimate tolerance when either
 * is an estimate 0, otherwise x0.6; citizenship the same +0.03, different x0.8; sex recorded on
 * both and different x0.6. `likely` at the name-match threshold.
 */
export function duplicateScore(
  name: string | NameParts | ParsedName,
  facts: PersonFacts,
  candidateNames: ReadonlyArray<string | NameParts | ParsedName>,
  candidate: PersonFacts,
): DuplicateScore {
  let best = { score: 0, match: false, reasons: [] as MatchReason[] };
  for (const n of candidateNames) {
    const c = compareNames(name, n);
    if (c.score > best.score) best = c;
  }
  let score = best.score;
  const reasons: DuplicateReason[] = [...best.reasons];
  if (facts.birthYear != null && candidate.birthYear != null) {
    const gap = Math.abs(facts.birthYear - candidate.birthYear);
    if (gap === 0) {
      score += 0.05;
      reasons.push('birth_year_agrees');
    } else if (gap <= ESTIMATE_TOLERANCE_YEARS && (facts.birthYearEstimated || candidate.birthYearEstimated)) {
      reasons.push('birth_year_close');
    } else {
      score *= 0.6;
      reasons.push('birth_year_differs');
    }
  }
  if (facts.citizenship && candidate.citizenship && facts.citizenship !== 'XXX' && candidate.citizenship !== 'XXX') {
    if (facts.citizenship === candidate.citizenship) {
      score += 0.03;
      reasons.push('citizenship_agrees');
    } else {
      score *= 0.8;
      reasons.push('citizenship_differs');
    }
  }
  const known = (s: PersonFacts['sex']) => s === 'female' || s === 'male';
  if (known(facts.sex) && known(candidate.sex) && facts.sex !== candidate.sex) {
    score *= 0.6;
    reasons.push('sex_differs');
  }
  score = Math.round(Math.min(1, score) * 1000) / 1000;
  return { score, nameScore: best.score, likely: score >= MATCH_THRESHOLD, reasons };
}
