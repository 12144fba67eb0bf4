import { describe, expect, it } from 'vitest';
import { daysSinceLastInvestigativeAct, impunityIndex, impunityLabelledFrom, impunityStatus, impunityTooEarly, unescoStatus, type IndexCase, type InvolvementFacts, type MilestoneFacts } from './impunity.ts';

const dp = (attribution: InvolvementFacts['attribution']): InvolvementFacts => ({ degree: 'direct_perpetrator', attribution });
const mm = (attribution: InvolvementFacts['attribution']): InvolvementFacts => ({ degree: 'mastermind', attribution });
const acc = (attribution: InvolvementFacts['attribution']): InvolvementFacts => ({ degree: 'accomplice', attribution });

describe('impunityStatus', () => {
  const table: Array<[string, InvolvementFacts[], string, boolean, boolean | null]> = [
    ['nobody identified', [], 'complete_impunity', false, null],
    ['suspects named, none convicted', [dp('named_by_authorities'), dp('named_by_authorities')], 'complete_impunity', false, null],
    ['killer convicted, mastermind only suspected', [dp('convicted'), mm('suspected_by_ngo')], 'partial_justice', true, false],
    ['killer and mastermind convicted', [dp('convicted'), mm('convicted')], 'full_justice', true, true],
    ['only the killer identified and convicted', [dp('convicted')], 'full_justice', true, null],
    ['mastermind convicted, killer at large', [dp('charged'), mm('convicted')], 'partial_justice', false, true],
    ['one of two killers convicted', [dp('convicted'), dp('charged')], 'partial_justice', true, null],
    ['acquittal is not justice', [dp('acquitted')], 'complete_impunity', false, null],
    ['acquitted beside convicted', [dp('convicted'), dp('acquitted')], 'partial_justice', true, null],
    ['accomplice convicted alone does not count', [acc('convicted'), dp('alleged_by_victim')], 'complete_impunity', false, null],
    ['state failure to protect is not a perpetrator', [dp('convicted'), { degree: 'failure_to_protect', attribution: 'suspected_by_ngo' }], 'full_justice', true, null],
    ['mastermind alleged by the victim, killer convicted', [dp('convicted'), mm('alleged_by_victim')], 'partial_justice', true, false],
  ];
  it.each(table)('%s', (_name, involvements, status, perpetrator, mastermind) => {
    const r = impunityStatus(involvements);
    expect(r.status).toBe(status);
    expect(r.perpetratorConvicted).toBe(perpetrator);
    expect(r.mastermindConvicted).toBe(mastermind);
  });
});

describe('unescoStatus', () => {
  const table: Array<[string, InvolvementFacts[], Array<{ answered: boolean }>, string]> = [
    ['no conviction, never asked', [], [], 'ongoing'],
    ['no conviction, asked twice, never answered', [dp('charged')], [{ answered: false }, { answered: false }], 'no_information'],
    ['no conviction, one answer', [], [{ answered: false }, { answered: true }], 'ongoing'],
    ['killer convicted', [dp('convicted'), mm('suspected_by_ngo')], [{ answered: false }], 'resolved'],
    ['accomplice convicted: a conviction exists', [acc('convicted')], [], 'resolved'],
    ['acquittal only', [dp('acquitted')], [{ answered: true }], 'ongoing'],
  ];
  it.each(table)('%s', (_name, involvements, requests, status) => {
    expect(unescoStatus(involvements, requests)).toBe(status);
  });
});

describe('daysSinceLastInvestigativeAct', () => {
  const m = (kind: MilestoneFacts['kind'], on: string, precision: MilestoneFacts['precision'] = 'day'): MilestoneFacts => ({ kind, on, precision });
  const table: Array<[string, MilestoneFacts[], string, string | null, number | null]> = [
    ['no milestones', [], '2025-01-01', null, null],
    ['only a complaint', [m('complaint', '2006-03-06')], '2025-01-01', null, null],
    ['case opened', [m('case_opened', '2024-12-22')], '2025-01-01', '2024-12-22', 10],
    ['statement after the last act does not count', [m('case_opened', '2024-12-01'), m('official_statement', '2024-12-30')], '2025-01-01', '2024-12-01', 31],
    ['anniversary does not count', [m('arrest', '2024-11-01'), m('anniversary', '2024-12-31')], '2024-12-31', '2024-11-01', 60],
    ['European Court judgment is not the state acting', [m('re_qualified', '2005-04-07'), m('echr_judgment', '2017-04-13')], '2017-04-14', '2005-04-07', 4390],
    ['latest of several acts, in any order', [m('extradition_refused', '2005-07-28'), m('case_opened', '2005-03-02'), m('re_qualified', '2005-04-07')], '2005-08-07', '2005-07-28', 10],
    ['a month-precision act counts from the end of the month', [m('suspension', '2024-11-01', 'month')], '2024-12-10', '2024-11-30', 10],
    ['a year-precision act in the current year counts from today', [m('closure', '2024-01-01', 'year')], '2024-06-01', '2024-06-01', 0],
    ['state reply to UNESCO is not an act', [m('charge', '2020-01-01'), m('state_reply', '2023-05-05')], '2020-01-11', '2020-01-01', 10],
  ];
  it.each(table)('%s', (_name, milestones, today, lastOn, days) => {
    expect(daysSinceLastInvestigativeAct(milestones, today)).toEqual({ lastOn, days });
  });
});

describe('impunityIndex', () => {
  const params = { endYear: 2024, windowYears: 10, minCases: 5, population: 10_000_000, populationSource: 'State Statistical Committee', populationYear: 2024 };
  const killings = (n: number, year: number, status: IndexCase['status'] = 'complete_impunity'): IndexCase[] =>
    Array.from({ length: n }, () => ({ year, killing: true, status }));
  const table: Array<[string, IndexCase[], Partial<typeof params>, { killings: number; unsolved: number; value: number | null }]> = [
    ['below the minimum: no figure', killings(4, 2020), {}, { killings: 4, unsolved: 4, value: null }],
    ['five unsolved in ten million', killings(5, 2020), {}, { killings: 5, unsolved: 5, value: 0.5 }],
    ['solved and partly solved are not unsolved', [...killings(5, 2020), ...killings(2, 2021, 'full_justice'), ...killings(1, 2021, 'partial_justice')], {}, { killings: 8, unsolved: 5, value: 0.5 }],
    ['outside the window', [...killings(5, 2014), ...killings(5, 2015)], {}, { killings: 5, unsolved: 5, value: 0.5 }],
    ['assaults are not killings', [...killings(5, 2020), { year: 2020, killing: false, status: 'complete_impunity' }], {}, { killings: 5, unsolved: 5, value: 0.5 }],
    ['shorter window and other population', killings(6, 2023), { windowYears: 2, population: 3_000_000 }, { killings: 6, unsolved: 6, value: 2 }],
    ['lower minimum', killings(1, 2024), { minCases: 1, population: 7_000_000 }, { killings: 1, unsolved: 1, value: 0.143 }],
  ];
  it.each(table)('%s', (_name, cases, override, expected) => {
    expect(impunityIndex(cases, { ...params, ...override })).toMatchObject(expected);
  });
  it('names its window', () => {
    expect(impunityIndex([], params)).toMatchObject({ fromYear: 2015, toYear: 2024 });
  });
});

describe('impunityTooEarly', () => {
  it.each([
    // status, occurred, today, minDays, too early?
    ['complete_impunity', '2026-11-29', '2026-12-07', 365, true], // eight days old
    ['partial_justice', '2026-11-29', '2026-12-07', 365, true],
    ['full_justice', '2026-11-29', '2026-12-07', 365, false], // justice is a fact whenever reached
    ['complete_impunity', '2025-12-07', '2026-12-07', 365, false], // exactly the minimum
    ['complete_impunity', '2025-12-08', '2026-12-07', 365, true], // a day short
    ['complete_impunity', '2026-11-29', '2026-12-07', 7, false],
    ['complete_impunity', '2026-12-07', '2026-12-07', 0, false],
  ] as const)('%s on %s, seen %s with %i days: %s', (status, occurred, today, minDays, expected) => {
    expect(impunityTooEarly(status, occurred, today, minDays)).toBe(expected);
  });
  it('says from when the label applies', () => {
    expect(impunityLabelledFrom('2024-02-29', 365)).toBe('2025-02-28');
  });
});
