import { describe, expect, it } from 'vitest';
import { duplicateScore, type PersonFacts } from './person-match.ts';

const huseyn = { givenName: 'Hüseyn', familyName: 'Məmmədov', patronymic: 'Əli oğlu' };

describe('duplicateScore', () => {
  const table: Array<[string, PersonFacts, string[], PersonFacts, boolean, string[]]> = [
    ['same name in Cyrillic, same year and citizenship', { birthYear: 1990, citizenship: 'AZE', sex: 'male' }, ['Мамедов Гусейн Алиевич'], { birthYear: 1990, citizenship: 'AZE', sex: 'male' }, true, ['birth_year_agrees', 'citizenship_agrees']],
    ['estimated year two off', { birthYear: 1990, birthYearEstimated: true }, ['Huseyn Mammadov'], { birthYear: 1992 }, true, ['birth_year_close']],
    ['year far off', { birthYear: 1990 }, ['Huseyn Mammadov'], { birthYear: 1975 }, false, ['birth_year_differs']],
    ['exact year two off is not close', { birthYear: 1990 }, ['Huseyn Mammadov'], { birthYear: 1992 }, false, ['birth_year_differs']],
    ['other citizenship', { citizenship: 'AZE' }, ['Huseyn Mammadov'], { citizenship: 'RUS' }, false, ['citizenship_differs']],
    ['stateless or unknown citizenship does not count', { citizenship: 'XXX' }, ['Huseyn Mammadov'], { citizenship: 'RUS' }, true, []],
    ['other sex', { sex: 'male' }, ['Huseyn Mammadov'], { sex: 'female' }, false, ['sex_differs']],
    ['unknown sex does not count', { sex: 'unknown' }, ['Huseyn Mammadov'], { sex: 'female' }, true, []],
    ['best of several names counts', {}, ['Rəşid Quliyev', 'Гусейн Мамедов'], {}, true, []],
    ['another name entirely', { birthYear: 1990 }, ['Rəşid Quliyev'], { birthYear: 1990 }, false, ['birth_year_agrees']],
  ];
  it.each(table)('%s', (_label, facts, names, candidate, likely, reasons) => {
    const r = duplicateScore(huseyn, facts, names, candidate);
    expect(r.likely, JSON.stringify(r)).toBe(likely);
    expect(r.reasons).toEqual(expect.arrayContaining(reasons));
    expect(r.score).toBeGreaterThanOrEqual(0);
    expect(r.score).toBeLessThanOrEqual(1);
  });

  it('agreeing facts raise, differing facts lower the name score', () => {
    const base = duplicateScore(huseyn, {}, ['Huseyn Mammadov'], {}).score;
    expect(duplicateScore(huseyn, { birthYear: 1990 }, ['Huseyn Mammadov'], { birthYear: 1990 }).score).toBeGreaterThanOrEqual(base);
    expect(duplicateScore(huseyn, { birthYear: 1990 }, ['Huseyn Mammadov'], { birthYear: 1970 }).score).toBeLessThan(base);
  });
});
