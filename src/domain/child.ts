/** What is known of a person's age. */
export type AgeFacts = {
  birthDate: string | null;
  birthYear: number | null;
  /** Someone questions the stated age (or there are reasons to think the person may be a child). */
  ageDisputed: boolean;
};

/** Age in whole years on a day (YYYY-MM-DD), from a full date of birth. */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * Is the person to be treated as a child on that day? Under 18; or age disputed (CETS art. 10(3): when
 * the age is uncertain and there are reasons to believe the person is a child, they are presumed a
 * child until verified); or, with only a birth year, when they may still be under 18 that day.
 * Nothing known and nothing disputed: an adult.
 */
export function treatedAsChild(a: AgeFacts, on: string): boolean {
  if (a.ageDisputed) return true;
  if (a.birthDate) return ageOn(a.birthDate, on) < 18;
  if (a.birthYear !== null) return Number(on.slice(0, 4)) - a.birthYear <= 18;
  return false;
}

/** The age band an anonymous notification carries (no date of birth leaves the agency). */
export function ageBand(a: AgeFacts, on: string): 'child' | 'adult' | 'unknown' {
  if (treatedAsChild(a, on)) return 'child';
  return a.birthDate || a.birthYear !== null ? 'adult' : 'unknown';
}
