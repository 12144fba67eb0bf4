import { describe, expect, it } from 'vitest';
import { AZERBAIJAN_JUSTICE_PROFILE as AZ, statutePart } from '../../../domain/justice-profile.ts';
import {
  articleOf,
  defendantFacts,
  deferralChildAgeOn,
  figuresOf,
  formGroup,
  formGroups,
  isBelowMinimum,
  isSerious,
  periodFlags,
  reportingPeriod,
  reviewFlag,
  sentenceBand,
  sentenceInForce,
  tally,
  within,
  type DefendantFacts,
  type SentenceInput,
  type TallyRow,
  type VerdictInput,
} from './counting.ts';

const part = (code: string) => statutePart(AZ, code)!;
const sentence = (s: Partial<SentenceInput>): SentenceInput => ({
  type: 'imprisonment',
  termMonths: 72,
  fineAmount: null,
  suspended: false,
  deferred: false,
  deferralGround: null,
  belowMinimum: false,
  belowMinimumGround: null,
  mitigating: [],
  ...s,
});

describe('forms and articles', () => {
  it.each([
    ['sexual_exploitation', 'sexual'],
    ['forced_labour', 'labour'],
    ['child_labour', 'labour'],
    ['servitude', 'labour'],
    ['forced_begging', 'labour'],
    ['forced_marriage', 'other'],
    ['organ_removal', 'other'],
    ['other', 'other'],
  ])('%s is %s', (form, group) => expect(formGroup(form)).toBe(group));

  it.each([
    [[], ['other']],
    [['forced_labour', 'sexual_exploitation'], ['sexual', 'labour']],
    [['sexual_exploitation', 'sexual_exploitation'], ['sexual']],
    [['organ_removal', 'servitude'], ['labour', 'other']],
  ])('groups of %j are %j', (forms, groups) => expect(formGroups(forms)).toEqual(groups));

  it.each([
    ['144-1.2.3', '144-1'],
    ['144-1.1', '144-1'],
    ['144-2.1', '144-2'],
    ['106.2', '106'],
    ['243', '243'],
  ])('article of %s is %s', (code, article) => expect(articleOf(code)).toBe(article));
});

describe('reporting periods', () => {
  it.each([
    [2023, 'calendar', '2023-01-01', '2023-12-31'],
    [2024, 'us_tip', '2023-04-01', '2024-03-31'],
    [2005, 'us_tip', '2004-04-01', '2005-03-31'],
  ] as const)('%i %s runs %s to %s', (year, kind, from, to) => expect(reportingPeriod(year, kind)).toEqual({ from, to }));

  it.each([
    ['2024-01-01', true],
    ['2024-12-31', true],
    ['2023-12-31', false],
    ['2025-01-01', false],
    [null, false],
  ])('%s within 2024: %s', (day, inside) => expect(within(day, { from: '2024-01-01', to: '2024-12-31' })).toBe(inside));
});

describe('sentence bands', () => {
  it.each([
    [{ type: 'imprisonment', termMonths: 72, suspended: true, deferred: false }, 'suspended_or_deferred'],
    [{ type: 'imprisonment', termMonths: 96, suspended: false, deferred: true }, 'suspended_or_deferred'],
    [{ type: 'fine', termMonths: null, suspended: false, deferred: false }, 'fine_only'],
    [{ type: 'imprisonment', termMonths: 6, suspended: false, deferred: false }, 'under_1'],
    [{ type: 'imprisonment', termMonths: 11, suspended: false, deferred: false }, 'under_1'],
    [{ type: 'imprisonment', termMonths: 12, suspended: false, deferred: false }, '1_5'],
    [{ type: 'imprisonment', termMonths: 59, suspended: false, deferred: false }, '1_5'],
    [{ type: 'imprisonment', termMonths: 60, suspended: false, deferred: false }, '5_10'],
    [{ type: 'imprisonment', termMonths: 120, suspended: false, deferred: false }, '5_10'],
    [{ type: 'imprisonment', termMonths: 121, suspended: false, deferred: false }, 'over_10'],
    [{ type: 'restriction_of_liberty', termMonths: 24, suspended: false, deferred: false }, 'other'],
    [{ type: 'correctional_work', termMonths: 12, suspended: false, deferred: false }, 'other'],
  ] as const)('%j is %s', (s, band) => expect(sentenceBand(s)).toBe(band));

  it.each([
    [sentence({ termMonths: 12 }), true],
    [sentence({ termMonths: 11 }), false],
    [sentence({ termMonths: 60, suspended: true }), false],
    [sentence({ termMonths: 60, deferred: true }), false],
    [sentence({ type: 'fine', termMonths: null }), false],
  ])('serious %#', (s, serious) => expect(isSerious(s, AZ.seriousMinMonths)).toBe(serious));
});

describe('review flags and below-minimum', () => {
  it.each([
    ['in range', sentence({ termMonths: 72 }), ['144-1.1'], 'female', null, false],
    ['below 144-1.1 minimum, no ground', sentence({ termMonths: 36 }), ['144-1.1'], 'female', 'below_minimum_without_ground', true],
    ['below minimum with art. 62 ground', sentence({ termMonths: 36, belowMinimum: true, belowMinimumGround: 'art. 62' }), ['144-1.1'], 'female', null, true],
    ['below minimum with mitigating circumstances', sentence({ termMonths: 36, mitigating: ['minor_child'] }), ['144-1.1'], 'female', null, true],
    ['above maximum', sentence({ termMonths: 130 }), ['144-1.1'], 'male', 'above_maximum', false],
    ['most serious charge decides: 144-1.2.3 minimum 96', sentence({ termMonths: 72 }), ['144-3.1', '144-1.2.3'], 'male', 'below_minimum_without_ground', true],
    ['suspended term is still checked', sentence({ termMonths: 24, suspended: true }), ['144-1.1'], 'female', 'below_minimum_without_ground', true],
    ['unverified range (144-2) is never flagged', sentence({ termMonths: 1 }), ['144-2.1'], 'male', null, false],
    ['fine is not checked against a term', sentence({ type: 'fine', termMonths: null, fineAmount: 500 }), ['144-3.1'], 'male', null, false],
    ['child deferral for a man: to check', sentence({ deferred: true, deferralGround: 'child_under_age' }), ['144-1.1'], 'male', 'deferral_to_check', false],
    ['child deferral for a woman', sentence({ deferred: true, deferralGround: 'child_under_age' }), ['144-1.1'], 'female', null, false],
  ] as const)('%s', (_name, s, codes, sex, flag, below) => {
    const parts = codes.map(part);
    expect(reviewFlag(s, parts, sex)).toBe(flag);
    expect(isBelowMinimum(s, parts)).toBe(below);
  });

  it.each([
    ['2010-05-01', 8],
    ['2016-12-31', 8],
    ['2017-01-01', 14],
    ['2026-01-01', 14],
    ['1999-01-01', undefined],
  ])('child age limit for deferral on %s is %s', (day, age) => expect(deferralChildAgeOn(AZ, day)).toBe(age));
});

describe('sentence in force', () => {
  const first = { id: 'a', imposedOn: '2020-03-01', instance: 'first' as const };
  const appeal = { id: 'b', imposedOn: '2020-09-15', instance: 'appeal' as const };
  it.each([
    ['2020-02-28', undefined],
    ['2020-03-01', 'a'],
    ['2020-09-14', 'a'],
    ['2020-09-15', 'b'],
    ['2030-01-01', 'b'],
  ])('on %s: %s', (day, id) => expect(sentenceInForce([appeal, first], day)?.id).toBe(id));
  it('a cassation on the same day as an appeal decides', () => {
    expect(sentenceInForce([{ id: 'c', imposedOn: '2021-01-01', instance: 'cassation' as const }, { id: 'b', imposedOn: '2021-01-01', instance: 'appeal' as const }], '2021-02-01')?.id).toBe('c');
  });
});

describe('defendant facts', () => {
  const base = {
    caseOpenedOn: '2020-01-10',
    caseForms: ['sexual_exploitation'],
    caseArticles: ['144-1.1'],
    caseComplicity: false,
    sex: 'female',
    isOfficial: false,
    charges: [
      { id: 'c1', article: '144-1.2.3' },
      { id: 'c2', article: '144-3.1' },
    ],
    verdicts: [] as VerdictInput[],
    events: [] as { type: string; occurredOn: string; ground: string | null }[],
  };
  const v = (chargeId: string, instance: VerdictInput['instance'], outcome: VerdictInput['outcome'], decidedOn: string): VerdictInput => ({ chargeId, instance, outcome, decidedOn, terminationGround: null });

  it.each<[string, Partial<typeof base>, Partial<DefendantFacts>]>([
    ['charged only', {}, { articles: ['144-1', '144-3'], convictedArticles: [], indictedOn: null, convictedOn: null, acquittedOn: null }],
    ['no charges yet: the case articles', { charges: [] }, { articles: ['144-1'] }],
    ['indicted', { events: [{ type: 'indicted', occurredOn: '2020-06-01', ground: null }] }, { indictedOn: '2020-06-01' }],
    [
      'convicted on one charge, acquitted on the other',
      { verdicts: [v('c1', 'first', 'convicted', '2021-02-01'), v('c2', 'first', 'acquitted', '2021-02-01')] },
      { convictedOn: '2021-02-01', convictedArticles: ['144-1'], acquittedOn: null },
    ],
    [
      'acquitted of everything at first instance',
      { verdicts: [v('c1', 'first', 'acquitted', '2021-02-01'), v('c2', 'first', 'acquitted', '2021-02-03')] },
      { convictedOn: null, acquittedOn: '2021-02-03' },
    ],
    [
      'convicted, then acquitted on appeal: reversal counted apart, the conviction stays',
      { verdicts: [v('c1', 'first', 'convicted', '2021-02-01'), v('c1', 'appeal', 'acquitted', '2021-06-01')], events: [{ type: 'final', occurredOn: '2021-06-01', ground: null }] },
      { convictedOn: '2021-02-01', reversedOn: '2021-06-01', finalOn: null, acquittedOn: null },
    ],
    [
      'conviction upheld and final',
      { verdicts: [v('c1', 'first', 'convicted', '2021-02-01'), v('c1', 'appeal', 'convicted', '2021-05-01')], events: [{ type: 'final', occurredOn: '2021-05-01', ground: null }] },
      { convictedOn: '2021-02-01', finalOn: '2021-05-01', reversedOn: null },
    ],
    [
      'reclassified to 144-3 and convicted there: a conviction under the related article only',
      { charges: [{ id: 'c1', article: '144-1.1' }, { id: 'c3', article: '144-3.1' }], verdicts: [v('c1', 'first', 'reclassified', '2021-02-01'), v('c3', 'first', 'convicted', '2021-02-01')] },
      { convictedArticles: ['144-3'], convictedOn: '2021-02-01' },
    ],
    [
      'terminated at investigation',
      { events: [{ type: 'terminated', occurredOn: '2020-04-01', ground: 'no_evidence' }] },
      { terminatedOn: '2020-04-01', terminationGround: 'no_evidence' },
    ],
    [
      'terminated after a verdict is not a termination',
      { verdicts: [v('c1', 'first', 'convicted', '2021-02-01')], events: [{ type: 'terminated', occurredOn: '2021-04-01', ground: 'amnesty' }] },
      { terminatedOn: null },
    ],
    ['an official defendant is complicity', { isOfficial: true }, { complicity: true }],
    ['both forms', { caseForms: ['forced_labour', 'sexual_exploitation'] }, { formGroups: ['sexual', 'labour'] }],
  ])('%s', (_name, over, expected) => {
    expect(defendantFacts({ ...base, ...over })).toMatchObject(expected);
  });
});

const facts = (f: Partial<DefendantFacts>): DefendantFacts => ({
  formGroups: ['sexual'],
  articles: ['144-1'],
  convictedArticles: [],
  sex: 'female',
  complicity: false,
  caseOpenedOn: '2023-02-01',
  indictedOn: null,
  convictedOn: null,
  finalOn: null,
  acquittedOn: null,
  reversedOn: null,
  terminatedOn: null,
  terminationGround: null,
  ...f,
});
const Y2023 = { from: '2023-01-01', to: '2023-12-31' };
const served = (band: TallyRow['band'], more: Partial<TallyRow> = {}) => ({ band, suspended: false, deferred: false, belowMinimum: false, deferralGround: null, flagged: false, serious: false, ...more });

describe('figures of a period', () => {
  it('counts persons, not cases: suspects, prosecutions, convictions, acquittals', () => {
    const rows = [
      periodFlags(facts({ indictedOn: '2023-05-01', convictedOn: '2023-09-01', convictedArticles: ['144-1'] }), Y2023, served('5_10', { serious: true })),
      periodFlags(facts({ indictedOn: '2023-05-01', acquittedOn: '2023-10-01' }), Y2023, null),
      periodFlags(facts({ caseOpenedOn: '2022-12-31', indictedOn: '2022-12-31', convictedOn: '2023-01-02', convictedArticles: ['144-1'] }), Y2023, served('suspended_or_deferred', { suspended: true })),
      periodFlags(facts({ caseOpenedOn: '2023-03-01', terminatedOn: '2023-06-01', terminationGround: 'no_evidence' }), Y2023, null),
    ];
    const f = figuresOf(rows, [{ weight: 2, formGroups: ['sexual'], articles: ['144-1'], complicity: false, sexes: ['female'] }], AZ.countedArticles);
    expect(f.investigations).toEqual({ cases: 2, suspects: 3 });
    expect(f.prosecutions.defendants).toBe(2);
    expect(f.convictions.defendants).toBe(2);
    expect(f.acquittals.defendants).toBe(1);
    expect(f.terminations).toEqual({ defendants: 1, byGround: { no_evidence: 1 } });
    expect(f.sentences.bands['5_10']).toBe(1);
    expect(f.sentences.bands.suspended_or_deferred).toBe(1);
    expect(f.sentences.shares).toEqual({ suspendedOrDeferred: 0.5, belowMinimum: 0, serious: 0.5 });
  });

  it('leaves related articles out of the totals and counts them on their own row', () => {
    const rows = [periodFlags(facts({ articles: ['144-3'], convictedArticles: ['144-3'], indictedOn: '2023-02-01', convictedOn: '2023-07-01' }), Y2023, served('1_5'))];
    const s = tally(rows, [], AZ.countedArticles, ['144-1', '144-2', '144-3']);
    expect(s.convictions.defendants).toBe(0);
    expect(s.prosecutions.defendants).toBe(0);
    expect(s.byArticle['144-3']!.convictions.defendants).toBe(1);
    expect(s.byArticle['144-1']!.convictions.defendants).toBe(0);
  });

  it('a defendant of sexual and labour exploitation is in each form row and once in the total', () => {
    const rows = [periodFlags(facts({ formGroups: ['sexual', 'labour'], convictedArticles: ['144-1'], convictedOn: '2023-03-01' }), Y2023, served('1_5'))];
    const s = tally(rows, [], AZ.countedArticles, []);
    expect(s.convictions.defendants).toBe(1);
    expect(s.byForm.sexual.convictions.defendants).toBe(1);
    expect(s.byForm.labour.convictions.defendants).toBe(1);
    expect(s.byForm.other.convictions.defendants).toBe(0);
  });

  it('answers the "light sentences" claim: suspended and deferred shares by offender sex, deferral grounds counted', () => {
    const conv = { convictedArticles: ['144-1'], convictedOn: '2023-04-01' };
    const rows = [
      { ...periodFlags(facts({ ...conv, sex: 'female' }), Y2023, served('suspended_or_deferred', { deferred: true, deferralGround: 'child_under_age' })), weight: 3 },
      { ...periodFlags(facts({ ...conv, sex: 'female' }), Y2023, served('suspended_or_deferred', { deferred: true, deferralGround: 'pregnancy' })), weight: 1 },
      { ...periodFlags(facts({ ...conv, sex: 'female' }), Y2023, served('5_10', { serious: true })), weight: 4 },
      { ...periodFlags(facts({ ...conv, sex: 'male' }), Y2023, served('suspended_or_deferred', { suspended: true, belowMinimum: true, flagged: true })), weight: 1 },
      { ...periodFlags(facts({ ...conv, sex: 'male' }), Y2023, served('over_10', { serious: true })), weight: 9 },
    ];
    const s = tally(rows, [], AZ.countedArticles, []);
    expect(s.convictions.defendants).toBe(18);
    expect(s.sentences.suspendedOrDeferred).toBe(5);
    expect(s.sentences.deferralGrounds).toEqual({ child_under_age: 3, pregnancy: 1 });
    expect(s.bySex.female!.sentences.shares.suspendedOrDeferred).toBe(0.5);
    expect(s.bySex.male!.sentences.shares.suspendedOrDeferred).toBe(0.1);
    expect(s.bySex.male!.sentences.belowMinimum).toBe(1);
    expect(s.sentences.flaggedForReview).toBe(1);
  });

  it('counts a reversal on appeal apart, keeping the first-instance conviction in its period', () => {
    const f = facts({ convictedArticles: ['144-1'], convictedOn: '2022-11-01', reversedOn: '2023-03-01' });
    const y2022 = figuresOf([periodFlags(f, { from: '2022-01-01', to: '2022-12-31' }, served('1_5'))], [], AZ.countedArticles);
    const y2023 = figuresOf([periodFlags(f, Y2023, null)], [], AZ.countedArticles);
    expect(y2022.convictions).toEqual({ defendants: 1, final: 0, reversedOnAppeal: 0 });
    expect(y2023.convictions).toEqual({ defendants: 0, final: 0, reversedOnAppeal: 1 });
  });

  it('splits by official complicity, cases by the sexes of their suspects', () => {
    const rows = [
      periodFlags(facts({ complicity: true, indictedOn: '2023-02-02' }), Y2023, null),
      periodFlags(facts({ complicity: false, sex: 'male', indictedOn: '2023-02-02' }), Y2023, null),
    ];
    const cases = [
      { weight: 1, formGroups: ['sexual' as const], articles: ['144-1'], complicity: true, sexes: ['female'] },
      { weight: 1, formGroups: ['labour' as const], articles: ['144-2'], complicity: false, sexes: ['male', 'female'] },
    ];
    const s = tally(rows, cases, AZ.countedArticles, []);
    expect(s.byComplicity.official.prosecutions.defendants).toBe(1);
    expect(s.byComplicity.official.investigations.cases).toBe(1);
    expect(s.bySex.female!.investigations.cases).toBe(2);
    expect(s.bySex.male!.investigations.cases).toBe(1);
    expect(s.byForm.labour.investigations.cases).toBe(1);
  });

  it('a sentence only counts for a defendant convicted in the period', () => {
    const r = periodFlags(facts({ convictedArticles: ['144-1'], convictedOn: '2021-01-01' }), Y2023, served('under_1'));
    expect(r.band).toBeNull();
    expect(figuresOf([r], [], AZ.countedArticles).sentences.withSentence).toBe(0);
  });
});
