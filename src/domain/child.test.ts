import { describe, expect, it } from 'vitest';
import { ageBand, ageOn, treatedAsChild } from './child.ts';

describe('ageOn', () => {
  it.each([
    ['2008-03-10', '2026-03-09', 17],
    ['2008-03-10', '2026-03-10', 18],
    ['2008-03-10', '2026-12-31', 18],
    ['2000-02-29', '2026-02-28', 25],
    ['2000-02-29', '2026-03-01', 26],
  ])('born %s, on %s: %i', (birth, on, age) => expect(ageOn(birth, on)).toBe(age));
});

describe('treatedAsChild (CETS art. 10(3))', () => {
  it.each([
    [{ birthDate: '2010-01-01', birthYear: 2010, ageDisputed: false }, '2026-06-01', true, 'sixteen'],
    [{ birthDate: '2008-06-02', birthYear: 2008, ageDisputed: false }, '2026-06-01', true, 'one day short of eighteen'],
    [{ birthDate: '2008-06-01', birthYear: 2008, ageDisputed: false }, '2026-06-01', false, 'eighteen today'],
    [{ birthDate: '1990-01-01', birthYear: 1990, ageDisputed: true }, '2026-06-01', true, 'adult papers but age disputed'],
    [{ birthDate: null, birthYear: 2008, ageDisputed: false }, '2026-06-01', true, 'year only: may still be 17'],
    [{ birthDate: null, birthYear: 2007, ageDisputed: false }, '2026-06-01', false, 'year only: 18 or 19'],
    [{ birthDate: null, birthYear: null, ageDisputed: false }, '2026-06-01', false, 'nothing known'],
    [{ birthDate: null, birthYear: null, ageDisputed: true }, '2026-06-01', true, 'nothing known, disputed'],
  ])('%o on %s -> %s (%s)', (facts, on, child, _why) => expect(treatedAsChild(facts, on)).toBe(child));

  it('gives the age band without the date', () => {
    expect(ageBand({ birthDate: null, birthYear: null, ageDisputed: false }, '2026-01-01')).toBe('unknown');
    expect(ageBand({ birthDate: '1980-01-01', birthYear: 1980, ageDisputed: false }, '2026-01-01')).toBe('adult');
    expect(ageBand({ birthDate: null, birthYear: null, ageDisputed: true }, '2026-01-01')).toBe('child');
  });
});
