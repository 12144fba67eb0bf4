/**
 * The counting rules of the law-enforcement figures (docs/criminal-justice.md, "Counting rules"),
 * written once as pure functions: no I/O. The service keeps each defendant's facts with
 * `defendantFacts` (table `justice_defendant_facts`), the statistics read groups the facts of a
 * period into `TallyRow`s with a weight (the SQL is `periodFlags` said in SQL; an API test holds the
 * two to the same answers) and `tally` turns them into the figures.
 */
import { statutePart, valueOn, type JusticeProfile, type StatutePart } from '../../../domain/justice-profile.ts';
import {
  FORM_GROUPS,
  SENTENCE_BANDS,
  type DeferralGround,
  type FormGroup,
  type Instance,
  type SentenceBand,
  type SentenceType,
  type VerdictOutcome,
} from '../../../shared/justice.ts';

// ---------------------------------------------------------------------------------------------
// Forms, articles, periods

const LABOUR_FORMS = new Set(['forced_labour', 'child_labour', 'servitude', 'forced_begging']);

/** Sexual and labour exploitation are always apart; every other HTCDS form (marriage, organs, ...) is `other`. */
export function formGroup(form: string): FormGroup {
  if (form === 'sexual_exploitation') return 'sexual';
  return LABOUR_FORMS.has(form) ? 'labour' : 'other';
}

/** The groups of a case's forms, in the order of FORM_GROUPS; a case with no form recorded is `other`. */
export function formGroups(forms: readonly string[]): FormGroup[] {
  const groups = new Set(forms.map(formGroup));
  if (groups.size === 0) groups.add('other');
  return FORM_GROUPS.filter((g) => groups.has(g));
}

/** The article of an article part: `144-1.2.3` -> `144-1`, `106.1` -> `106`. */
export const articleOf = (code: string): string => code.split('.')[0]!;

export type Period = { from: string; to: string };

/** Is an ISO day within the period, both ends included? */
export const within = (day: string | null | undefined, p: Period): boolean => day != null && day >= p.from && day <= p.to;

/**
 * The reporting period of a year: the calendar year, or the US reporting year `year`, which the TIP
 * Report published in June of `year` covers: 1 April of the year before to 31 March of `year`.
 */
export function reportingPeriod(year: number, kind: 'calendar' | 'us_tip'): Period {
  if (kind === 'calendar') return { from: `${year}-01-01`, to: `${year}-12-31` };
  return { from: `${year - 1}-04-01`, to: `${year}-03-31` };
}

// ---------------------------------------------------------------------------------------------
// A defendant's facts

export type ChargeInput = { id: string; article: string };
export type VerdictInput = { chargeId: string; instance: Instance; outcome: VerdictOutcome; decidedOn: string; terminationGround: string | null; createdAt?: number };
export type EventInput = { type: string; occurredOn: string; ground: string | null };

export type DefendantFacts = {
  formGroups: FormGroup[];
  /** Articles of every charge brought (or the case's articles before any charge). */
  articles: string[];
  /** Articles of the charges convicted at first instance. */
  convictedArticles: string[];
  sex: string;
  complicity: boolean;
  caseOpenedOn: string;
  indictedOn: string | null;
  /** The first first-instance verdict convicting on any charge. */
  convictedOn: string | null;
  /** The conviction became final (the `final` event), while a conviction stands. */
  finalOn: string | null;
  /** Acquitted at first instance of every charge decided (none convicted). */
  acquittedOn: string | null;
  /** Convicted at first instance, then no conviction left after an appeal or cassation: counted apart, never deleting the first. */
  reversedOn: string | null;
  terminatedOn: string | null;
  terminationGround: string | null;
};

const INSTANCE_ORDER: Record<Instance, number> = { first: 0, appeal: 1, cassation: 2 };
const minDay = (days: readonly string[]) => (days.length === 0 ? null : [...days].sort()[0]!);
const maxDay = (days: readonly string[]) => (days.length === 0 ? null : [...days].sort().at(-1)!);

/** The latest verdict on each charge: by date, then instance, then the order recorded. */
export function latestVerdicts(verdicts: readonly VerdictInput[]): Map<string, VerdictInput> {
  const out = new Map<string, VerdictInput>();
  const sorted = [...verdicts].sort(
    (a, b) => a.decidedOn.localeCompare(b.decidedOn) || INSTANCE_ORDER[a.instance] - INSTANCE_ORDER[b.instance] || (a.createdAt ?? 0) - (b.createdAt ?? 0),
  );
  for (const v of sorted) out.set(v.chargeId, v);
  return out;
}

/**
 * What the counting rules need of one defendant, from the case, the defendant's charges, verdicts
 * and procedural events (the defendant's own and the case's `terminated`).
 */
export function defendantFacts(input: {
  caseOpenedOn: string;
  caseForms: readonly string[];
  caseArticles: readonly string[];
  caseComplicity: boolean;
  sex: string;
  isOfficial: boolean;
  charges: readonly ChargeInput[];
  verdicts: readonly VerdictInput[];
  events: readonly EventInput[];
}): DefendantFacts {
  const articleOfCharge = new Map(input.charges.map((c) => [c.id, articleOf(c.article)]));
  const articles = [...new Set(input.charges.length > 0 ? input.charges.map((c) => articleOf(c.article)) : input.caseArticles.map(articleOf))].sort();
  const first = input.verdicts.filter((v) => v.instance === 'first');
  const firstConvictions = first.filter((v) => v.outcome === 'convicted');
  const convictedArticles = [...new Set(firstConvictions.map((v) => articleOfCharge.get(v.chargeId)).filter((a): a is string => a !== undefined))].sort();
  const convictedOn = minDay(firstConvictions.map((v) => v.decidedOn));
  const latest = [...latestVerdicts(input.verdicts).values()];
  const standing = latest.some((v) => v.outcome === 'convicted');
  const later = input.verdicts.filter((v) => v.instance !== 'first');
  const reversedOn = convictedOn !== null && !standing && later.length > 0 ? maxDay(later.map((v) => v.decidedOn)) : null;
  const acquittals = first.filter((v) => v.outcome === 'acquitted');
  const acquittedOn = firstConvictions.length === 0 && acquittals.length > 0 ? maxDay(acquittals.map((v) => v.decidedOn)) : null;
  const days = (type: string) => input.events.filter((e) => e.type === type).map((e) => e.occurredOn);
  const finalOn = standing ? minDay(days('final')) : null;
  const termination = [...input.events].filter((e) => e.type === 'terminated').sort((a, b) => a.occurredOn.localeCompare(b.occurredOn))[0];
  // A defendant with a verdict was not terminated at the investigation, whatever happened to the case after.
  const terminated = termination && first.length === 0 ? termination : undefined;
  return {
    formGroups: formGroups(input.caseForms),
    articles,
    convictedArticles,
    sex: input.sex,
    complicity: input.caseComplicity || input.isOfficial,
    caseOpenedOn: input.caseOpenedOn,
    indictedOn: minDay(days('indicted')),
    convictedOn,
    finalOn,
    acquittedOn,
    reversedOn,
    terminatedOn: terminated?.occurredOn ?? null,
    terminationGround: terminated?.ground ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Sentences

export type SentenceInput = {
  type: SentenceType;
  termMonths: number | null;
  fineAmount: number | null;
  suspended: boolean;
  deferred: boolean;
  deferralGround: DeferralGround | null;
  belowMinimum: boolean;
  belowMinimumGround: string | null;
  mitigating: readonly string[];
};

/**
 * The band of a sentence: suspended or deferred first (they are not served now, whatever the term);
 * then a fine alone; then effective imprisonment by term: under 12 months, 12 to under 60, 60 to 120,
 * over 120; restriction of liberty and correctional work are `other`.
 */
export function sentenceBand(s: Pick<SentenceInput, 'type' | 'termMonths' | 'suspended' | 'deferred'>): SentenceBand {
  if (s.suspended || s.deferred) return 'suspended_or_deferred';
  switch (s.type) {
    case 'fine':
      return 'fine_only';
    case 'imprisonment': {
      const t = s.termMonths ?? 0;
      if (t < 12) return 'under_1';
      if (t < 60) return '1_5';
      if (t <= 120) return '5_10';
      return 'over_10';
    }
    case 'restriction_of_liberty':
    case 'correctional_work':
    case 'other':
      return 'other';
    default: {
      const never: never = s.type;
      return never;
    }
  }
}

/** Serious (TIP): effective imprisonment, neither suspended nor deferred, of at least `seriousMinMonths`. */
export const isSerious = (s: Pick<SentenceInput, 'type' | 'termMonths' | 'suspended' | 'deferred'>, seriousMinMonths: number): boolean =>
  s.type === 'imprisonment' && !s.suspended && !s.deferred && (s.termMonths ?? 0) >= seriousMinMonths;

/** The most serious of the convicted parts: highest rank, then highest maximum. */
export function mostSerious(parts: readonly StatutePart[]): StatutePart | undefined {
  return [...parts].sort((a, b) => b.rank - a.rank || (b.maxMonths ?? 0) - (a.maxMonths ?? 0))[0];
}

export type ReviewFlag = 'below_minimum_without_ground' | 'above_maximum' | 'deferral_to_check';

/**
 * A sentence is what the court decided: it is recorded as decided, and flagged for review (never
 * refused) when its term is below the minimum of the most serious convicted part without a recorded
 * ground (art. 62 or a mitigating circumstance), above its maximum, or deferred for a child on a man
 * (the Execution Code defers for men only when raising the child alone: to check). A suspended term
 * is still a term: its length is checked against the range too.
 */
export function reviewFlag(s: SentenceInput, convictedParts: readonly StatutePart[], defendantSex: string): ReviewFlag | null {
  const part = mostSerious(convictedParts);
  if (s.type === 'imprisonment' && part && s.termMonths !== null) {
    const grounded = (s.belowMinimumGround?.trim() ?? '') !== '' || s.mitigating.length > 0;
    if (part.minMonths !== null && s.termMonths < part.minMonths && !grounded) return 'below_minimum_without_ground';
    if (part.maxMonths !== null && s.termMonths > part.maxMonths) return 'above_maximum';
  }
  if (s.deferred && s.deferralGround === 'child_under_age' && defendantSex === 'male') return 'deferral_to_check';
  return null;
}

/** Below the minimum: said so by the court, or an imprisonment term under the most serious convicted part's minimum. */
export function isBelowMinimum(s: SentenceInput, convictedParts: readonly StatutePart[]): boolean {
  if (s.belowMinimum) return true;
  const part = mostSerious(convictedParts);
  return s.type === 'imprisonment' && part?.minMonths != null && s.termMonths !== null && s.termMonths < part.minMonths;
}

/** The parts of the profile in force on a day for these codes (unknown codes left out). */
export function partsOf(profile: JusticeProfile, codes: readonly string[]): StatutePart[] {
  return codes.map((c) => statutePart(profile, c)).filter((p): p is StatutePart => p !== undefined);
}

/** A child's age limit for deferral on the day of the sentence. */
export const deferralChildAgeOn = (profile: JusticeProfile, day: string): number | undefined => valueOn(profile.deferralChildAge, day);

export type DatedSentence = { imposedOn: string; instance: Instance; createdAt?: number };

/** The sentence in force on a day: the latest imposed on or before it (an appeal's replaces the first's from its date). */
export function sentenceInForce<S extends DatedSentence>(sentences: readonly S[], day: string): S | undefined {
  return [...sentences]
    .filter((s) => s.imposedOn <= day)
    .sort((a, b) => a.imposedOn.localeCompare(b.imposedOn) || INSTANCE_ORDER[a.instance] - INSTANCE_ORDER[b.instance] || (a.createdAt ?? 0) - (b.createdAt ?? 0))
    .at(-1);
}

// ---------------------------------------------------------------------------------------------
// A period's figures

/** A defendant's facts as a period sees them (the SQL of the statistics read computes the same). */
export type TallyRow = {
  weight: number;
  formGroups: readonly FormGroup[];
  articles: readonly string[];
  convictedArticles: readonly string[];
  sex: string;
  complicity: boolean;
  /** Their case was opened in the period (a suspect of the period's investigations). */
  opened: boolean;
  indicted: boolean;
  convicted: boolean;
  final: boolean;
  reversed: boolean;
  acquitted: boolean;
  terminated: boolean;
  terminationGround: string | null;
  /** The sentence in force at the period's end, for a defendant convicted in the period. */
  band: SentenceBand | null;
  suspended: boolean;
  deferred: boolean;
  belowMinimum: boolean;
  deferralGround: string | null;
  flagged: boolean;
  serious: boolean;
};

/** A case opened in the period. */
export type CaseTallyRow = { weight: number; formGroups: readonly FormGroup[]; articles: readonly string[]; complicity: boolean; sexes: readonly string[] };

export type SentenceInForceFacts = Pick<TallyRow, 'band' | 'suspended' | 'deferred' | 'belowMinimum' | 'deferralGround' | 'flagged' | 'serious'>;

/** `TallyRow` of one defendant's facts and sentence in force for a period (what the SQL read does for many at once). */
export function periodFlags(f: DefendantFacts, p: Period, sentence: SentenceInForceFacts | null): TallyRow {
  const convicted = within(f.convictedOn, p);
  return {
    weight: 1,
    formGroups: f.formGroups,
    articles: f.articles,
    convictedArticles: f.convictedArticles,
    sex: f.sex,
    complicity: f.complicity,
    opened: within(f.caseOpenedOn, p),
    indicted: within(f.indictedOn, p),
    convicted,
    final: within(f.finalOn, p),
    reversed: within(f.reversedOn, p),
    acquitted: within(f.acquittedOn, p),
    terminated: within(f.terminatedOn, p),
    terminationGround: within(f.terminatedOn, p) ? f.terminationGround : null,
    ...(convicted && sentence
      ? sentence
      : { band: null, suspended: false, deferred: false, belowMinimum: false, deferralGround: null, flagged: false, serious: false }),
  };
}

/**
 * One dated fact of a defendant (or a case opening) with the attributes the counting rules look at,
 * and how many share them: what the figures read gets from `justice_figure_months` and the facts
 * rows (migration 0112). Every figure is a sum over single facts (a defendant counts in "convicted"
 * by its conviction day alone), so a defendant's facts rows of a period add up to its `periodFlags`.
 */
export type FactKind = 'opened' | 'indicted' | 'acquitted' | 'terminated' | 'convicted' | 'final' | 'reversed';
export type SentenceAttrs = {
  band: SentenceBand;
  suspended: boolean;
  deferred: boolean;
  belowMinimum: boolean;
  deferralGround: string | null;
  flagged: boolean;
  type: SentenceType;
  termMonths: number | null;
};
export type FactAttrs = {
  formGroups: FormGroup[];
  articles: string[];
  sex: string;
  complicity: boolean;
  convictedArticles?: string[];
  terminationGround?: string | null;
  /** The sentence in force on the period's end, of a conviction (null: none yet). */
  sentence?: SentenceAttrs | null;
};
export type CaseAttrs = { forms: string[]; articles: string[]; complicity: boolean; sexes: string[] };

/** The `TallyRow` of `weight` defendants sharing one dated fact in the period. */
export function factTallyRow(kind: FactKind, a: FactAttrs, weight: number, seriousMinMonths: number): TallyRow {
  const s = kind === 'convicted' ? (a.sentence ?? null) : null;
  return {
    weight,
    formGroups: a.formGroups,
    articles: a.articles,
    convictedArticles: a.convictedArticles ?? [],
    sex: a.sex,
    complicity: a.complicity,
    opened: kind === 'opened',
    indicted: kind === 'indicted',
    convicted: kind === 'convicted',
    final: kind === 'final',
    reversed: kind === 'reversed',
    acquitted: kind === 'acquitted',
    terminated: kind === 'terminated',
    terminationGround: kind === 'terminated' ? (a.terminationGround ?? null) : null,
    band: s?.band ?? null,
    suspended: s?.suspended ?? false,
    deferred: s?.deferred ?? false,
    belowMinimum: s?.belowMinimum ?? false,
    deferralGround: s?.deferralGround ?? null,
    flagged: s?.flagged ?? false,
    serious: s ? isSerious(s, seriousMinMonths) : false,
  };
}

/** The `CaseTallyRow` of `weight` cases opened in the period sharing these attributes. */
export const caseTallyRow = (a: CaseAttrs, weight: number): CaseTallyRow => ({ weight, formGroups: formGroups(a.forms), articles: a.articles, complicity: a.complicity, sexes: a.sexes });

export type Bands = Record<SentenceBand, number>;
export type Figures = {
  investigations: { cases: number; suspects: number };
  prosecutions: { defendants: number };
  convictions: { defendants: number; final: number; reversedOnAppeal: number };
  acquittals: { defendants: number };
  terminations: { defendants: number; byGround: Record<string, number> };
  sentences: {
    withSentence: number;
    suspendedOrDeferred: number;
    suspended: number;
    deferred: number;
    fineOnly: number;
    belowMinimum: number;
    serious: number;
    flaggedForReview: number;
    deferralGrounds: Record<string, number>;
    bands: Bands;
    /** Shares of the convicted defendants (0 to 1; null with no convictions). */
    shares: { suspendedOrDeferred: number | null; belowMinimum: number | null; serious: number | null };
  };
};

export const emptyBands = (): Bands => Object.fromEntries(SENTENCE_BANDS.map((b) => [b, 0])) as Bands;

export function emptyFigures(): Figures {
  return {
    investigations: { cases: 0, suspects: 0 },
    prosecutions: { defendants: 0 },
    convictions: { defendants: 0, final: 0, reversedOnAppeal: 0 },
    acquittals: { defendants: 0 },
    terminations: { defendants: 0, byGround: {} },
    sentences: {
      withSentence: 0,
      suspendedOrDeferred: 0,
      suspended: 0,
      deferred: 0,
      fineOnly: 0,
      belowMinimum: 0,
      serious: 0,
      flaggedForReview: 0,
      deferralGrounds: {},
      bands: emptyBands(),
      shares: { suspendedOrDeferred: null, belowMinimum: null, serious: null },
    },
  };
}

const share = (n: number, of: number) => (of === 0 ? null : Math.round((n / of) * 1000) / 1000);
const bump = (rec: Record<string, number>, key: string, by: number) => {
  rec[key] = (rec[key] ?? 0) + by;
};

/**
 * The figures of defendant and case rows, each counted by its weight (persons, not cases, for
 * prosecutions and convictions; each defendant once per table). `counted` are the articles whose
 * figures these are: a defendant counts if one of their articles (their convicted articles, for the
 * convictions and sentences) is one of them.
 */
export function figuresOf(rows: readonly TallyRow[], cases: readonly CaseTallyRow[], counted: readonly string[]): Figures {
  const f = emptyFigures();
  const hit = (articles: readonly string[]) => articles.some((a) => counted.includes(a));
  for (const c of cases) if (hit(c.articles)) f.investigations.cases += c.weight;
  for (const r of rows) {
    if (!hit(r.articles)) continue;
    const w = r.weight;
    if (r.opened) f.investigations.suspects += w;
    if (r.indicted) f.prosecutions.defendants += w;
    if (r.acquitted) f.acquittals.defendants += w;
    if (r.terminated) {
      f.terminations.defendants += w;
      bump(f.terminations.byGround, r.terminationGround ?? 'unknown', w);
    }
  }
  for (const r of rows) {
    if (!hit(r.convictedArticles)) continue;
    const w = r.weight;
    if (r.final) f.convictions.final += w;
    if (r.reversed) f.convictions.reversedOnAppeal += w;
    if (!r.convicted) continue;
    f.convictions.defendants += w;
    const s = f.sentences;
    if (r.band === null) continue;
    s.withSentence += w;
    s.bands[r.band] += w;
    if (r.suspended || r.deferred) s.suspendedOrDeferred += w;
    if (r.suspended) s.suspended += w;
    if (r.deferred) {
      s.deferred += w;
      bump(s.deferralGrounds, r.deferralGround ?? 'unknown', w);
    }
    if (r.band === 'fine_only') s.fineOnly += w;
    if (r.belowMinimum) s.belowMinimum += w;
    if (r.serious) s.serious += w;
    if (r.flagged) s.flaggedForReview += w;
  }
  const convicted = f.convictions.defendants;
  f.sentences.shares = {
    suspendedOrDeferred: share(f.sentences.suspendedOrDeferred, convicted),
    belowMinimum: share(f.sentences.belowMinimum, convicted),
    serious: share(f.sentences.serious, convicted),
  };
  return f;
}

export type Statistics = Figures & {
  byForm: Record<FormGroup, Figures>;
  byArticle: Record<string, Figures>;
  bySex: Record<string, Figures>;
  byComplicity: { official: Figures; none: Figures };
};

/**
 * The whole table: the totals over the counted articles, and the same figures split by form (a
 * defendant with both sexual and labour exploitation is in each row and once in the total), by
 * article (every article of the profile, counted or related: each row counts that article alone), by
 * offender sex (cases by the sexes of their suspects) and by official complicity.
 */
export function tally(rows: readonly TallyRow[], cases: readonly CaseTallyRow[], counted: readonly string[], allArticles: readonly string[]): Statistics {
  const byForm = Object.fromEntries(
    FORM_GROUPS.map((g) => [g, figuresOf(rows.filter((r) => r.formGroups.includes(g)), cases.filter((c) => c.formGroups.includes(g)), counted)]),
  ) as Record<FormGroup, Figures>;
  const articles = [...new Set([...allArticles, ...rows.flatMap((r) => r.articles), ...cases.flatMap((c) => c.articles)])].sort();
  const byArticle = Object.fromEntries(articles.map((a) => [a, figuresOf(rows, cases, [a])]));
  const sexes = [...new Set(['female', 'male', ...rows.map((r) => r.sex)])];
  const bySex = Object.fromEntries(sexes.map((s) => [s, figuresOf(rows.filter((r) => r.sex === s), cases.filter((c) => c.sexes.includes(s)), counted)]));
  return {
    ...figuresOf(rows, cases, counted),
    byForm,
    byArticle,
    bySex,
    byComplicity: {
      official: figuresOf(rows.filter((r) => r.complicity), cases.filter((c) => c.complicity), counted),
      none: figuresOf(rows.filter((r) => !r.complicity), cases.filter((c) => !c.complicity), counted),
    },
  };
}
