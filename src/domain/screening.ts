/**
 * Screening against the ILO / European Commission operational indicators of trafficking in human
 * beings (Delphi survey, 2009; ILO WCMS_105023). Pure: no I/O. The indicator catalogue is the copy
 * of `../shared/domain/ilo-indicators.json` committed beside this file (catalogue version
 * `ilo-2009.1`); the combination rules are data (`SCREENING_RULES`) with their own version, and both
 * versions go with every result so that it can be reproduced.
 *
 * A positive result is a screening finding, not a legal decision: it proposes a referral to the
 * competent authority and never changes anyone's status by itself.
 */
import catalogueJson from './ilo-indicators.json' with { type: 'json' };

export const SCREENING_LISTS = ['adult_labour', 'child_labour', 'adult_sexual', 'child_sexual'] as const;
export type ScreeningList = (typeof SCREENING_LISTS)[number];

export const DIMENSIONS = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const STRENGTHS = ['S', 'M', 'W'] as const;
export type Strength = (typeof STRENGTHS)[number];

export const EXPLOITATION_TYPES = ['labour', 'sexual'] as const;
export type ExploitationType = (typeof EXPLOITATION_TYPES)[number];

export type ListVerification = 'checked' | 'secondary' | 'provisional';

export type Indicator = {
  code: string;
  dimension: Dimension;
  label: string;
  /** Strength in each list; null where the indicator is not part of that list. */
  strength: Readonly<Record<ScreeningList, Strength | null>>;
};

export type Catalogue = {
  source: string;
  catalogueVersion: string;
  dimensions: Readonly<Record<Dimension, string>>;
  lists: Readonly<Record<ScreeningList, { verification: ListVerification; note: string }>>;
  indicators: readonly Indicator[];
};

/** Checks the catalogue's shape once, so a bad edit of the JSON stops start-up instead of skewing results. */
export function parseCatalogue(raw: unknown): Catalogue {
  const fail = (why: string): never => {
    throw new Error(`ILO indicator catalogue: ${why}`);
  };
  const c = raw as Partial<Catalogue> | null;
  if (!c || typeof c !== 'object') return fail('not an object');
  if (typeof c.catalogueVersion !== 'string' || !c.catalogueVersion) fail('catalogueVersion missing');
  if (typeof c.source !== 'string') fail('source missing');
  for (const d of DIMENSIONS) if (typeof c.dimensions?.[d] !== 'string') fail(`dimension ${d} has no name`);
  for (const l of SCREENING_LISTS) {
    const v = c.lists?.[l]?.verification;
    if (v !== 'checked' && v !== 'secondary' && v !== 'provisional') fail(`list ${l} has no verification`);
  }
  if (!Array.isArray(c.indicators) || c.indicators.length === 0) fail('no indicators');
  const seen = new Set<string>();
  for (const i of c.indicators!) {
    if (typeof i.code !== 'string' || seen.has(i.code)) fail(`indicator code missing or repeated: ${String(i.code)}`);
    seen.add(i.code);
    if (!(DIMENSIONS as readonly string[]).includes(i.dimension) || !i.code.startsWith(`${i.dimension}.`))
      fail(`${i.code}: dimension ${String(i.dimension)} does not match the code`);
    if (typeof i.label !== 'string' || !i.label) fail(`${i.code}: no label`);
    for (const l of SCREENING_LISTS) {
      const s = i.strength?.[l];
      if (s !== null && !(STRENGTHS as readonly (string | undefined)[]).includes(s)) fail(`${i.code}: strength in ${l} is ${String(s)}`);
    }
  }
  return c as Catalogue;
}

export const CATALOGUE: Catalogue = parseCatalogue(catalogueJson);

/** Minimum numbers of present indicators by strength; `mediumOrWeak` counts either. */
export type StrengthCombination = { strong?: number; medium?: number; weak?: number; mediumOrWeak?: number };
/** A presumed-victim condition: all clauses must hold; a clause holds when any of its terms does. */
export type PresumedVictimTerm = Dimension | 'recruitment_act_established';
export type ScreeningRules = {
  ruleVersion: string;
  /** A dimension is positive when the indicators present in it meet at least one combination. */
  dimensionPositiveWhen: readonly StrengthCombination[];
  presumedVictim: { adult: readonly (readonly PresumedVictimTerm[])[]; child: readonly (readonly PresumedVictimTerm[])[] };
};

/**
 * The rules of `trafficking.md` (ILO/EC 2009; Palermo Protocol art. 3(c) for children). Changing any
 * part of them means a new `ruleVersion`: stored results name the version they were computed with.
 */
export const SCREENING_RULES: ScreeningRules = {
  ruleVersion: 'ilo-ec-2009/pathway-1',
  dimensionPositiveWhen: [{ strong: 2 }, { strong: 1, mediumOrWeak: 1 }, { medium: 3 }, { medium: 2, weak: 1 }],
  presumedVictim: {
    // (D1 or D2 or D3) and D4 and (D5 or D6)
    adult: [['D1', 'D2', 'D3'], ['D4'], ['D5', 'D6']],
    // (D1 or D2 or D3 or the recruitment act otherwise established) and D4: the means are not needed.
    child: [['D1', 'D2', 'D3', 'recruitment_act_established'], ['D4']],
  },
};

export const isChildList = (list: ScreeningList): boolean => list.startsWith('child_');
export const isProvisional = (list: ScreeningList, catalogue: Catalogue = CATALOGUE): boolean =>
  catalogue.lists[list].verification === 'provisional';

export type ScreeningInput = {
  list: ScreeningList;
  indicators: readonly string[];
  /** Child lists only: the recruitment act (recruitment, transport, transfer, harbouring, receipt) is established by other means. */
  recruitmentActEstablished?: boolean;
};

export type ScreeningReason = {
  code:
    | 'dimension_positive'
    | 'dimension_not_positive'
    | 'presumed_victim'
    | 'not_presumed_victim'
    | 'recruitment_act_established'
    | 'provisional_list';
  dimension?: Dimension;
  indicators?: string[];
  message: string;
};

export type DimensionDetail = { positive: boolean; strong: string[]; medium: string[]; weak: string[] };

export type ScreeningResult = {
  list: ScreeningList;
  dimensions: Record<Dimension, boolean>;
  details: Record<Dimension, DimensionDetail>;
  presumedVictim: boolean;
  catalogueVersion: string;
  ruleVersion: string;
  provisional: boolean;
  verification: ListVerification;
  reasons: ScreeningReason[];
};

export class InvalidIndicatorsError extends Error {
  constructor(
    readonly unknown: readonly string[],
    readonly notInList: readonly string[],
    readonly list: ScreeningList,
  ) {
    const parts = [
      unknown.length ? `unknown indicator codes: ${unknown.join(', ')}` : '',
      notInList.length ? `not in the ${list} list: ${notInList.join(', ')}` : '',
    ].filter(Boolean);
    super(parts.join('; '));
    this.name = 'InvalidIndicatorsError';
  }
}

/** The codes that are not in the catalogue at all, and those the catalogue has but not in this list. */
export function invalidIndicators(list: ScreeningList, codes: readonly string[], catalogue: Catalogue = CATALOGUE) {
  const byCode = new Map(catalogue.indicators.map((i) => [i.code, i]));
  const unknown: string[] = [];
  const notInList: string[] = [];
  for (const code of new Set(codes)) {
    const i = byCode.get(code);
    if (!i) unknown.push(code);
    else if (i.strength[list] === null) notInList.push(code);
  }
  return { unknown, notInList };
}

const meets = (c: StrengthCombination, s: number, m: number, w: number): boolean =>
  s >= (c.strong ?? 0) && m >= (c.medium ?? 0) && w >= (c.weak ?? 0) && m + w >= (c.mediumOrWeak ?? 0);

const describeCombination = (c: StrengthCombination): string =>
  [
    c.strong ? `${c.strong} strong` : '',
    c.medium ? `${c.medium} medium` : '',
    c.weak ? `${c.weak} weak` : '',
    c.mediumOrWeak ? `${c.mediumOrWeak} medium or weak` : '',
  ]
    .filter(Boolean)
    .join(' and ');

const describeCounts = (d: DimensionDetail): string => {
  const parts = [
    d.strong.length ? `${d.strong.length} strong` : '',
    d.medium.length ? `${d.medium.length} medium` : '',
    d.weak.length ? `${d.weak.length} weak` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no indicators';
};

const describeClauses = (clauses: ScreeningRules['presumedVictim']['adult']): string =>
  clauses.map((c) => (c.length > 1 ? `(${c.join(' or ')})` : c[0])).join(' and ');

/** The rules in words, for the screen and the API description. */
export const describeRules = (rules: ScreeningRules = SCREENING_RULES) => ({
  dimensionPositive: `positive when the indicators present include: ${rules.dimensionPositiveWhen.map(describeCombination).join('; or ')}`,
  presumedVictimAdult: describeClauses(rules.presumedVictim.adult),
  presumedVictimChild: describeClauses(rules.presumedVictim.child),
});

/**
 * Evaluates observed indicators for one list: each dimension is positive under the ILO/EC
 * combination rule, and the person is a presumed victim under the adult or child rule (trafficking.md,
 * "Screening"). Throws `InvalidIndicatorsError` for codes the list does not have; repeats count once.
 */
export function evaluateScreening(input: ScreeningInput, rules: ScreeningRules = SCREENING_RULES, catalogue: Catalogue = CATALOGUE): ScreeningResult {
  const { list } = input;
  const bad = invalidIndicators(list, input.indicators, catalogue);
  if (bad.unknown.length || bad.notInList.length) throw new InvalidIndicatorsError(bad.unknown, bad.notInList, list);

  const present = new Set(input.indicators);
  const details = {} as Record<Dimension, DimensionDetail>;
  for (const d of DIMENSIONS) details[d] = { positive: false, strong: [], medium: [], weak: [] };
  for (const i of catalogue.indicators) {
    if (!present.has(i.code)) continue;
    const s = i.strength[list];
    const bucket = details[i.dimension];
    if (s === 'S') bucket.strong.push(i.code);
    else if (s === 'M') bucket.medium.push(i.code);
    else if (s === 'W') bucket.weak.push(i.code);
  }

  const reasons: ScreeningReason[] = [];
  const needed = rules.dimensionPositiveWhen.map(describeCombination).join('; or ');
  const dimensions = {} as Record<Dimension, boolean>;
  for (const d of DIMENSIONS) {
    const det = details[d];
    det.positive = rules.dimensionPositiveWhen.some((c) => meets(c, det.strong.length, det.medium.length, det.weak.length));
    dimensions[d] = det.positive;
    const codes = [...det.strong, ...det.medium, ...det.weak];
    if (det.positive) {
      reasons.push({ code: 'dimension_positive', dimension: d, indicators: codes, message: `${d} (${catalogue.dimensions[d]}) positive: ${describeCounts(det)}` });
    } else if (codes.length > 0) {
      reasons.push({
        code: 'dimension_not_positive',
        dimension: d,
        indicators: codes,
        message: `${d} (${catalogue.dimensions[d]}) not positive: ${describeCounts(det)}; needs ${needed}`,
      });
    }
  }

  const child = isChildList(list);
  const recruitmentAct = child && input.recruitmentActEstablished === true;
  if (recruitmentAct) reasons.push({ code: 'recruitment_act_established', message: 'The recruitment act is established by other means (child list)' });
  const holds = (t: PresumedVictimTerm) => (t === 'recruitment_act_established' ? recruitmentAct : dimensions[t]);
  const clauses = child ? rules.presumedVictim.child : rules.presumedVictim.adult;
  const presumedVictim = clauses.every((clause) => clause.some(holds));
  const ruleText = describeClauses(clauses);
  const failing = describeClauses(clauses.filter((c) => !c.some(holds)));
  reasons.push(
    presumedVictim
      ? { code: 'presumed_victim', message: `Presumed victim (${child ? 'child' : 'adult'} rule ${ruleText}): propose a referral to the competent authority` }
      : { code: 'not_presumed_victim', message: `Not a presumed victim under the ${child ? 'child' : 'adult'} rule ${ruleText}: missing ${failing}` },
  );

  const provisional = isProvisional(list, catalogue);
  if (provisional) reasons.push({ code: 'provisional_list', message: `The ${list} list is provisional: ${catalogue.lists[list].note}` });

  return {
    list,
    dimensions,
    details,
    presumedVictim,
    catalogueVersion: catalogue.catalogueVersion,
    ruleVersion: rules.ruleVersion,
    provisional,
    verification: catalogue.lists[list].verification,
    reasons,
  };
}

export type ListChoiceInput = {
  /** Age in years when known (stated or estimated); null when unknown. */
  age: number | null;
  /** The age has been verified (documents, assessment). */
  ageVerified?: boolean;
  /** There are reasons to think the person may be a child. */
  possiblyChild?: boolean;
  exploitation: ExploitationType;
};

/**
 * The list for a person: the child list when under 18, or when the age is not verified and there are
 * reasons to think the person is a child (age presumption, CETS art. 10(3)); then by exploitation type.
 */
export function chooseScreeningList(p: ListChoiceInput): { list: ScreeningList; child: boolean; reason: 'under_18' | 'presumed_child' | 'adult' } {
  const reason = p.age !== null && p.age < 18 ? 'under_18' : !p.ageVerified && p.possiblyChild ? 'presumed_child' : 'adult';
  const child = reason !== 'adult';
  return { list: `${child ? 'child' : 'adult'}_${p.exploitation}`, child, reason };
}
