import { daysBetween, periodEnd, type PartialDate } from './press-dates.ts';
import { addDays } from './deadlines.ts';
import type { Attribution, ImpunityStatus, InvolvementDegree, MilestoneKind, UnescoStatus } from '../shared/press.ts';

/** One person or group's part in an attack, as far as the record establishes it. */
export type InvolvementFacts = { degree: InvolvementDegree; attribution: Attribution };

export type ImpunityResult = {
  status: ImpunityStatus;
  /** A direct perpetrator has been convicted. */
  perpetratorConvicted: boolean;
  /** An identified mastermind has been convicted; null when no mastermind has been identified. */
  mastermindConvicted: boolean | null;
  /** Direct perpetrators and masterminds identified, and how many of them were convicted. */
  responsible: number;
  convicted: number;
};

const RESPONSIBLE: ReadonlySet<InvolvementDegree> = new Set(['direct_perpetrator', 'mastermind']);

/**
 * Impunity status (press-freedom.md "Derived", after CPJ): full justice when every direct
 * perpetrator and every identified mastermind is convicted; partial justice when some are;
 * complete impunity when none is (also when nobody has been identified). An acquittal is not a
 * conviction. Accomplices and a state's failure to protect do not count either way.
 */
export function impunityStatus(involvements: readonly InvolvementFacts[]): ImpunityResult {
  const responsible = involvements.filter((i) => RESPONSIBLE.has(i.degree));
  const convicted = responsible.filter((i) => i.attribution === 'convicted');
  const direct = responsible.filter((i) => i.degree === 'direct_perpetrator');
  const masterminds = responsible.filter((i) => i.degree === 'mastermind');
  const status: ImpunityStatus =
    convicted.length === 0 ? 'complete_impunity' : convicted.length === responsible.length ? 'full_justice' : 'partial_justice';
  return {
    status,
    perpetratorConvicted: direct.some((i) => i.attribution === 'convicted'),
    mastermindConvicted: masterminds.length === 0 ? null : masterminds.some((i) => i.attribution === 'convicted'),
    responsible: responsible.length,
    convicted: convicted.length,
  };
}

/**
 * UNESCO Observatory judicial status (press-freedom.md "Derived"): resolved once anyone has been
 * convicted for the attack; no information received when the state was asked and never answered;
 * otherwise ongoing/unresolved.
 */
export function unescoStatus(involvements: readonly InvolvementFacts[], stateRequests: ReadonlyArray<{ answered: boolean }>): UnescoStatus {
  if (involvements.some((i) => i.attribution === 'convicted')) return 'resolved';
  if (stateRequests.length > 0 && stateRequests.every((r) => !r.answered)) return 'no_information';
  return 'ongoing';
}

/**
 * Milestones that are the state acting on the case. Statements and anniversaries do not count
 * (press-freedom.md), nor steps taken by others: the victim's complaint, the European Court, the
 * state's letters to UNESCO or the Council of Europe, or a record that evidence was not collected.
 */
export const INVESTIGATIVE_MILESTONES: ReadonlySet<MilestoneKind> = new Set<MilestoneKind>([
  'case_opened',
  'case_refused',
  're_qualified',
  'suspect_named',
  'suspect_released',
  'arrest_warrant',
  'extradition_requested',
  'extradition_refused',
  'charge',
  'arrest',
  'trial',
  'verdict',
  'appeal',
  'suspension',
  'closure',
  'reopening',
]);

export type MilestoneFacts = PartialDate & { kind: MilestoneKind };

/**
 * Days since the last investigative act (press-freedom.md "Derived"; statements and anniversaries
 * do not count). A milestone known only to the month or year counts from the end of that period,
 * so the figure is the inactivity that is certain. Null when the state never acted.
 */
export function daysSinceLastInvestigativeAct(milestones: readonly MilestoneFacts[], today: string): { lastOn: string | null; days: number | null } {
  let last: string | null = null;
  for (const m of milestones) {
    if (!INVESTIGATIVE_MILESTONES.has(m.kind)) continue;
    const end = periodEnd(m);
    const capped = end > today ? today : end;
    if (last === null || capped > last) last = capped;
  }
  return { lastOn: last, days: last === null ? null : Math.max(0, daysBetween(last, today)) };
}

/**
 * Whether an attack is too recent for an impunity label (docs/press-freedom.md, "When impunity is
 * labelled"): "complete impunity" or "partial justice" only once `minDays` (the country profile's
 * `impunityMinDays`) have passed since the attack, counted from the first day of its period when
 * only the month or year is known. Before that the investigation has hardly had time to act, and
 * the label would say more than the record does. Full justice is a fact whenever it is reached.
 */
export function impunityTooEarly(status: ImpunityStatus, occurredOn: string, today: string, minDays: number): boolean {
  return status !== 'full_justice' && today < impunityLabelledFrom(occurredOn, minDays);
}

/** The first day an impunity label is shown for an attack that happened on (or in the period starting) `occurredOn`. */
export const impunityLabelledFrom = (occurredOn: string, minDays: number): string => addDays(occurredOn, minDays);

/** What an impunity index is computed with; stored beside every published figure. */
export type ImpunityIndexParams = {
  /** The last year of the window, and how many years it spans (CPJ: 10). */
  endYear: number;
  windowYears: number;
  /** The least number of unsolved cases for a figure to be given at all (CPJ: 5). */
  minCases: number;
  population: number;
  populationSource: string;
  populationYear: number;
};

export type IndexCase = { year: number; killing: boolean; status: ImpunityStatus };

export type ImpunityIndexResult = {
  fromYear: number;
  toYear: number;
  killings: number;
  unsolved: number;
  /** Unsolved killings per million inhabitants; null when fewer than `minCases` are unsolved. */
  value: number | null;
};

/**
 * Impunity index after CPJ's Global Impunity Index: killings in the window with complete impunity
 * (no conviction at all), per million inhabitants, given only when at least `minCases` are unsolved.
 */
export function impunityIndex(cases: readonly IndexCase[], p: ImpunityIndexParams): ImpunityIndexResult {
  const fromYear = p.endYear - p.windowYears + 1;
  const inWindow = cases.filter((c) => c.killing && c.year >= fromYear && c.year <= p.endYear);
  const unsolved = inWindow.filter((c) => c.status === 'complete_impunity').length;
  const value = unsolved < p.minCases || p.population <= 0 ? null : Math.round((unsolved / (p.population / 1_000_000)) * 1000) / 1000;
  return { fromYear, toYear: p.endYear, killings: inWindow.length, unsolved, value };
}
