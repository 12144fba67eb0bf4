import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  DIMENSIONS,
  InvalidIndicatorsError,
  SCREENING_LISTS,
  chooseScreeningList,
  evaluateScreening,
  parseCatalogue,
  type Dimension,
  type ScreeningList,
} from './screening.ts';

const evaluate = (list: ScreeningList, indicators: string[], recruitmentActEstablished?: boolean) =>
  evaluateScreening({ list, indicators, ...(recruitmentActEstablished === undefined ? {} : { recruitmentActEstablished }) });

describe('the committed catalogue (copy of ../shared/domain/ilo-indicators.json, version ilo-2009.1)', () => {
  it('is the 2009 catalogue with 67 indicators and the adult labour counts per dimension 10/10/16/9/15/7', () => {
    expect(CATALOGUE.catalogueVersion).toBe('ilo-2009.1');
    expect(CATALOGUE.indicators).toHaveLength(67);
    const inAdultLabour = (d: Dimension) => CATALOGUE.indicators.filter((i) => i.dimension === d && i.strength.adult_labour !== null).length;
    expect(DIMENSIONS.map(inAdultLabour)).toEqual([10, 10, 16, 9, 15, 7]);
  });

  it('marks exactly the two sexual exploitation lists as provisional', () => {
    expect(SCREENING_LISTS.filter((l) => CATALOGUE.lists[l].verification === 'provisional')).toEqual(['adult_sexual', 'child_sexual']);
  });

  it('refuses a malformed catalogue', () => {
    const broken = structuredClone(CATALOGUE) as unknown as { indicators: { strength: Record<string, unknown> }[] };
    broken.indicators[0]!.strength.adult_labour = 'X';
    expect(() => parseCatalogue(broken)).toThrow(/strength in adult_labour/);
    const repeated = structuredClone(CATALOGUE) as unknown as { indicators: unknown[] };
    repeated.indicators.push(repeated.indicators[0]);
    expect(() => parseCatalogue(repeated)).toThrow(/repeated/);
    expect(() => parseCatalogue({ ...CATALOGUE, catalogueVersion: '' })).toThrow(/catalogueVersion/);
  });
});

describe('a dimension is positive with 2 strong; 1 strong and 1 medium or weak; 3 medium; or 2 medium and 1 weak', () => {
  // adult_labour strengths: D5.DOCUMENTS/DEBT_BONDAGE/ISOLATION/VIOLENCE strong, D5.THREAT_INFORM_FAMILY weak,
  // D5.FORCED_TO_LIE/ACT_AGAINST_PEERS/THREAT_DENUNCIATION medium; D3 has medium and 4 weak, no strong.
  const rows: [string, string[], boolean][] = [
    ['nothing', [], false],
    ['1 strong alone', ['D5.DOCUMENTS'], false],
    ['2 strong', ['D5.DOCUMENTS', 'D5.VIOLENCE'], true],
    ['4 strong', ['D5.DOCUMENTS', 'D5.VIOLENCE', 'D5.ISOLATION', 'D5.DEBT_BONDAGE'], true],
    ['1 strong and 1 medium', ['D5.DOCUMENTS', 'D5.FORCED_TO_LIE'], true],
    ['1 strong and 1 weak', ['D5.DOCUMENTS', 'D5.THREAT_INFORM_FAMILY'], true],
    ['1 medium alone', ['D5.FORCED_TO_LIE'], false],
    ['2 medium', ['D5.FORCED_TO_LIE', 'D5.ACT_AGAINST_PEERS'], false],
    ['3 medium', ['D5.FORCED_TO_LIE', 'D5.ACT_AGAINST_PEERS', 'D5.THREAT_DENUNCIATION'], true],
    ['2 medium and 1 weak', ['D5.FORCED_TO_LIE', 'D5.ACT_AGAINST_PEERS', 'D5.THREAT_INFORM_FAMILY'], true],
    ['1 weak alone', ['D5.THREAT_INFORM_FAMILY'], false],
    ['4 weak (weak ones alone never suffice)', ['D3.CULTURAL_BELIEFS', 'D3.DIFFICULTIES_PAST', 'D3.ORGANIZE_TRAVEL', 'D3.GENERAL_CONTEXT'], false],
    ['1 medium and 1 weak', ['D3.ECONOMIC', 'D3.GENERAL_CONTEXT'], false],
    ['1 medium and 3 weak (one medium with weak ones never suffices)', ['D3.ECONOMIC', 'D3.CULTURAL_BELIEFS', 'D3.DIFFICULTIES_PAST', 'D3.GENERAL_CONTEXT'], false],
    ['2 medium and 1 weak in D3', ['D3.ECONOMIC', 'D3.DEPENDENCY', 'D3.GENERAL_CONTEXT'], true],
    ['2 medium and 2 weak', ['D3.ECONOMIC', 'D3.DEPENDENCY', 'D3.GENERAL_CONTEXT', 'D3.ORGANIZE_TRAVEL'], true],
    ['1 strong repeated counts once', ['D5.DOCUMENTS', 'D5.DOCUMENTS'], false],
    ['2 medium repeated to look like 3', ['D5.FORCED_TO_LIE', 'D5.ACT_AGAINST_PEERS', 'D5.FORCED_TO_LIE'], false],
  ];
  it.each(rows)('%s -> %s', (_name, indicators, positive) => {
    const r = evaluate('adult_labour', indicators);
    const dims = new Set(indicators.map((c) => c.split('.')[0] as Dimension));
    for (const d of dims) expect(r.dimensions[d]).toBe(positive);
    // No other dimension is touched.
    for (const d of DIMENSIONS.filter((x) => !dims.has(x))) expect(r.dimensions[d]).toBe(false);
  });

  it('indicators of different dimensions never add up', () => {
    // One strong in D1 and one strong in D2: each dimension has one strong alone.
    const r = evaluate('adult_labour', ['D1.NATURE_OF_JOB', 'D2.VIOLENCE']);
    expect(r.dimensions).toMatchObject({ D1: false, D2: false });
  });

  it('uses the strength the indicator has in the chosen list', () => {
    // Abduction and debt bondage are medium for adult labour but strong for child labour.
    const codes = ['D2.ABDUCTION_SALE', 'D2.DEBT_BONDAGE'];
    expect(evaluate('adult_labour', codes).dimensions.D2).toBe(false);
    expect(evaluate('child_labour', codes).dimensions.D2).toBe(true);
    expect(evaluate('child_labour', codes).details.D2).toEqual({ positive: true, strong: codes, medium: [], weak: [] });
    // Education is weak for adults, strong for children: with the strong D1 indicator, positive in both.
    expect(evaluate('adult_sexual', ['D1.NATURE_OF_JOB', 'D1.EDUCATION']).details.D1).toMatchObject({ strong: ['D1.NATURE_OF_JOB'], weak: ['D1.EDUCATION'], positive: true });
  });
});

/** Indicators that make exactly one dimension positive in a list, chosen from the catalogue. */
function positiveSet(list: ScreeningList, d: Dimension): string[] {
  const inDim = CATALOGUE.indicators.filter((i) => i.dimension === d);
  const of = (s: 'S' | 'M' | 'W') => inDim.filter((i) => i.strength[list] === s).map((i) => i.code);
  const [s, m] = [of('S'), of('M')];
  if (s.length >= 2) return s.slice(0, 2);
  if (s.length === 1 && m.length >= 1) return [s[0]!, m[0]!];
  if (m.length >= 3) return m.slice(0, 3);
  throw new Error(`cannot make ${d} positive in ${list}`);
}

const subsets = (): Dimension[][] =>
  Array.from({ length: 64 }, (_, mask) => DIMENSIONS.filter((_d, bit) => mask & (1 << bit)));

describe('presumed victim, adult lists: (D1 or D2 or D3) and D4 and (D5 or D6)', () => {
  const expected = (on: Set<Dimension>) => (on.has('D1') || on.has('D2') || on.has('D3')) && on.has('D4') && (on.has('D5') || on.has('D6'));
  for (const list of ['adult_labour', 'adult_sexual'] as const) {
    it(`${list}: every one of the 64 combinations of positive dimensions`, () => {
      for (const dims of subsets()) {
        const r = evaluate(list, dims.flatMap((d) => positiveSet(list, d)));
        for (const d of DIMENSIONS) expect(r.dimensions[d], `${list} ${dims.join('+')} ${d}`).toBe(dims.includes(d));
        expect(r.presumedVictim, `${list} ${dims.join('+') || 'none'}`).toBe(expected(new Set(dims)));
      }
    });
  }

  const rows: [string, Dimension[], boolean][] = [
    ['D1 D4 D5', ['D1', 'D4', 'D5'], true],
    ['D3 D4 D6', ['D3', 'D4', 'D6'], true],
    ['D1 D2 D3 D5 D6 without exploitation', ['D1', 'D2', 'D3', 'D5', 'D6'], false],
    ['D4 D5 without recruitment', ['D4', 'D5'], false],
    ['D2 D4 without means at destination', ['D2', 'D4'], false],
  ];
  it.each(rows)('%s -> %s', (_n, dims, result) => {
    expect(evaluate('adult_labour', dims.flatMap((d) => positiveSet('adult_labour', d))).presumedVictim).toBe(result);
  });

  it('the recruitment act established by other means does not replace D1-D3 for an adult', () => {
    const r = evaluate('adult_labour', [...positiveSet('adult_labour', 'D4'), ...positiveSet('adult_labour', 'D5')], true);
    expect(r.presumedVictim).toBe(false);
    expect(r.reasons.map((x) => x.code)).not.toContain('recruitment_act_established');
  });
});

describe('presumed victim, child lists: (D1 or D2 or D3 or the recruitment act otherwise established) and D4', () => {
  const expected = (on: Set<Dimension>, act: boolean) => (on.has('D1') || on.has('D2') || on.has('D3') || act) && on.has('D4');
  for (const list of ['child_labour', 'child_sexual'] as const) {
    for (const act of [false, true]) {
      it(`${list}, recruitment act otherwise established: ${act}; every combination`, () => {
        for (const dims of subsets()) {
          const r = evaluate(list, dims.flatMap((d) => positiveSet(list, d)), act);
          expect(r.presumedVictim, `${list} ${dims.join('+') || 'none'} act=${act}`).toBe(expected(new Set(dims), act));
        }
      });
    }
  }

  it('the means (D5, D6) are not needed for a child', () => {
    const r = evaluate('child_labour', [...positiveSet('child_labour', 'D1'), ...positiveSet('child_labour', 'D4')]);
    expect(r.presumedVictim).toBe(true);
    expect(r.dimensions).toMatchObject({ D5: false, D6: false });
  });

  it('exploitation alone is not enough, the recruitment act established with it is', () => {
    const d4 = positiveSet('child_sexual', 'D4');
    expect(evaluate('child_sexual', d4).presumedVictim).toBe(false);
    const r = evaluate('child_sexual', d4, true);
    expect(r.presumedVictim).toBe(true);
    expect(r.reasons.map((x) => x.code)).toContain('recruitment_act_established');
    expect(evaluate('child_sexual', [], true).presumedVictim).toBe(false);
  });

  it('hazardous work is strong only in the child sexual list', () => {
    const codes = ['D4.HAZARDOUS', 'D4.LIVING_CONDITIONS'];
    expect(evaluate('child_sexual', codes).dimensions.D4).toBe(true);
    expect(evaluate('child_labour', codes).dimensions.D4).toBe(false);
  });
});

describe('codes', () => {
  it('refuses unknown codes and names them', () => {
    try {
      evaluate('adult_labour', ['D1.NATURE_OF_JOB', 'D9.NOPE', 'nonsense', 'D9.NOPE']);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidIndicatorsError);
      expect((e as InvalidIndicatorsError).unknown).toEqual(['D9.NOPE', 'nonsense']);
      expect((e as Error).message).toBe('unknown indicator codes: D9.NOPE, nonsense');
    }
  });

  it('refuses codes that exist but are not part of the chosen list', () => {
    expect(() => evaluate('child_labour', ['D3.FALSE_INFO_LAW', 'D4.NO_SOCIAL_PROTECTION'])).toThrow(
      'not in the child_labour list: D3.FALSE_INFO_LAW, D4.NO_SOCIAL_PROTECTION',
    );
    expect(evaluate('adult_labour', ['D3.FALSE_INFO_LAW']).details.D3.medium).toEqual(['D3.FALSE_INFO_LAW']);
  });

  it('is case-sensitive: codes are stable identifiers', () => {
    expect(() => evaluate('adult_labour', ['d1.nature_of_job'])).toThrow(InvalidIndicatorsError);
  });
});

describe('result', () => {
  it('carries both versions, the provisional flag and reasons per dimension', () => {
    const codes = [...positiveSet('adult_sexual', 'D1'), ...positiveSet('adult_sexual', 'D4'), ...positiveSet('adult_sexual', 'D6'), 'D2.DOCUMENTS'];
    const r = evaluate('adult_sexual', codes);
    expect(r).toMatchObject({ list: 'adult_sexual', presumedVictim: true, catalogueVersion: 'ilo-2009.1', ruleVersion: 'ilo-ec-2009/pathway-1', provisional: true, verification: 'provisional' });
    expect(r.reasons.map((x) => [x.code, x.dimension ?? null])).toEqual([
      ['dimension_positive', 'D1'],
      ['dimension_not_positive', 'D2'],
      ['dimension_positive', 'D4'],
      ['dimension_positive', 'D6'],
      ['presumed_victim', null],
      ['provisional_list', null],
    ]);
    expect(r.reasons[1]!.indicators).toEqual(['D2.DOCUMENTS']);
    expect(r.reasons[1]!.message).toContain('needs 2 strong; or 1 strong and 1 medium or weak; or 3 medium; or 2 medium and 1 weak');
  });

  it('says which part of the rule is missing', () => {
    const r = evaluate('adult_labour', positiveSet('adult_labour', 'D1'));
    expect(r.presumedVictim).toBe(false);
    expect(r.provisional).toBe(false);
    expect(r.reasons.at(-1)).toMatchObject({ code: 'not_presumed_victim' });
    expect(r.reasons.at(-1)!.message).toContain('missing D4 and (D5 or D6)');
  });

  it('gives the same result for the same input (reproducible)', () => {
    const codes = positiveSet('child_labour', 'D2');
    expect(evaluate('child_labour', [...codes].reverse())).toEqual(evaluate('child_labour', codes));
  });
});

describe('choosing the list', () => {
  const rows: [string, Parameters<typeof chooseScreeningList>[0], ScreeningList, string][] = [
    ['adult, labour', { age: 30, exploitation: 'labour' }, 'adult_labour', 'adult'],
    ['adult, sexual', { age: 18, exploitation: 'sexual' }, 'adult_sexual', 'adult'],
    ['17, labour', { age: 17, exploitation: 'labour' }, 'child_labour', 'under_18'],
    ['17.9, sexual', { age: 17.9, exploitation: 'sexual' }, 'child_sexual', 'under_18'],
    ['0', { age: 0, exploitation: 'labour' }, 'child_labour', 'under_18'],
    ['under 18 even if possiblyChild is false', { age: 12, possiblyChild: false, ageVerified: true, exploitation: 'sexual' }, 'child_sexual', 'under_18'],
    ['age unknown, no reason to think a child', { age: null, exploitation: 'labour' }, 'adult_labour', 'adult'],
    ['age unknown, possibly a child', { age: null, possiblyChild: true, exploitation: 'labour' }, 'child_labour', 'presumed_child'],
    ['stated 19, unverified, possibly a child', { age: 19, possiblyChild: true, exploitation: 'sexual' }, 'child_sexual', 'presumed_child'],
    ['verified 19 although thought possibly a child', { age: 19, ageVerified: true, possiblyChild: true, exploitation: 'sexual' }, 'adult_sexual', 'adult'],
  ];
  it.each(rows)('%s', (_n, input, list, reason) => {
    expect(chooseScreeningList(input)).toEqual({ list, child: list.startsWith('child'), reason });
  });
});
