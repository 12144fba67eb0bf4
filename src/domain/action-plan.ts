/**
 * National action plan tracking (../shared/domain/reporting.md, "Tracker data model"): a measure's
 * deadline, the years it reports on, when each year's report is due, whether an indicator value fits
 * its unit, and the measure's status derived from its deadline and its reviewed reports. Nobody types
 * a measure's status: it follows from these rules.
 */
import { addDays } from './deadlines.ts';

export const MEASURE_STATUSES = ['not_started', 'on_track', 'late', 'done', 'dropped'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];

/** What a body says of its work in a period (the data model's report status). */
export const REPORT_PROGRESS = ['not_started', 'in_progress', 'done', 'not_done'] as const;
export type ReportProgress = (typeof REPORT_PROGRESS)[number];

/** Where a report stands with the coordinator's office. */
export const REVIEW_STATES = ['submitted', 'accepted', 'returned'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export const INDICATOR_UNITS = ['count', 'percentage', 'amount', 'yes_no'] as const;
export type IndicatorUnit = (typeof INDICATOR_UNITS)[number];

export const DEADLINE_KINDS = ['date', 'year', 'period', 'continuous'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** A measure's deadline: a day, a year, a span of years, or "continuous" (the whole plan, reported every year). */
export type Deadline =
  | { kind: 'date'; on: string }
  | { kind: 'year'; year: number }
  | { kind: 'period'; fromYear: number; toYear: number }
  | { kind: 'continuous' };

/** The plan's years and the days after a year's end its reports are due (20 January: reporting.md). */
export type PlanFrame = { startYear: number; endYear: number; reportDueDays: number };

/** The last day the measure may be finished on; null for a continuous measure (never late by its deadline). */
export function deadlineEnd(d: Deadline): string | null {
  switch (d.kind) {
    case 'date':
      return d.on;
    case 'year':
      return `${d.year}-12-31`;
    case 'period':
      return `${d.toYear}-12-31`;
    case 'continuous':
      return null;
  }
}

/** The years a measure reports on: from the plan's (or the period's) start to its deadline's year, within the plan. */
export function reportingYears(d: Deadline, plan: PlanFrame): number[] {
  const from = d.kind === 'period' ? Math.max(plan.startYear, d.fromYear) : plan.startYear;
  const end = deadlineEnd(d);
  const to = Math.min(plan.endYear, end ? Number(end.slice(0, 4)) : plan.endYear);
  const out: number[] = [];
  for (let y = from; y <= to; y++) out.push(y);
  return out;
}

/** The day a year's report is due: `reportDueDays` after the year's end. */
export const reportDueOn = (year: number, reportDueDays: number): string => addDays(`${year}-12-31`, reportDueDays);

/**
 * Whether a reported value fits the indicator's unit: a count is a whole number ≥ 0, a percentage
 * 0–100, an amount a number ≥ 0, yes/no 0 or 1. Returns the reason it does not fit, or null.
 */
export function indicatorValueProblem(unit: IndicatorUnit, value: number): string | null {
  if (!Number.isFinite(value)) return 'not a number';
  switch (unit) {
    case 'count':
      return Number.isInteger(value) && value >= 0 ? null : 'a count is a whole number, not negative';
    case 'percentage':
      return value >= 0 && value <= 100 ? null : 'a percentage is between 0 and 100';
    case 'amount':
      return value >= 0 ? null : 'an amount is not negative';
    case 'yes_no':
      return value === 0 || value === 1 ? null : 'yes/no is 1 or 0';
  }
}

/** A report of the measure's responsible body, as the status rule sees it. */
export type ReportFact = { period: number; progress: ReportProgress; review: ReviewState };

export type StatusInput = {
  deadline: Deadline;
  plan: PlanFrame;
  dropped: boolean;
  /** The responsible (lead) body's reports. */
  reports: readonly ReportFact[];
  today: string;
  /** Measures report every year; an action item of a meeting reports once, so owes no yearly reports. */
  periodic: boolean;
};

/** The reporting years whose report is due before today and of which the body has sent none (a returned one does not count). */
export function overdueYears(input: Pick<StatusInput, 'deadline' | 'plan' | 'reports' | 'today'>): number[] {
  const sent = new Set(input.reports.filter((r) => r.review !== 'returned').map((r) => r.period));
  return reportingYears(input.deadline, input.plan).filter((y) => reportDueOn(y, input.plan.reportDueDays) < input.today && !sent.has(y));
}

/**
 * A measure's status, in this order: dropped (by the coordinator, with a reason); done (an accepted
 * report says done); late (its deadline has passed, or a year's report is overdue); on track (an
 * accepted report says the work is under way); otherwise not started. Only reports the coordinator's
 * office accepted move a measure to on track or done; a submitted report only keeps it from being
 * late for a missing report.
 */
export function measureStatus(input: StatusInput): MeasureStatus {
  if (input.dropped) return 'dropped';
  const accepted = input.reports.filter((r) => r.review === 'accepted');
  if (accepted.some((r) => r.progress === 'done')) return 'done';
  const end = deadlineEnd(input.deadline);
  if (end !== null && end < input.today) return 'late';
  if (input.periodic && overdueYears(input).length > 0) return 'late';
  if (accepted.some((r) => r.progress === 'in_progress')) return 'on_track';
  return 'not_started';
}

/** Late first, then not started, on track, done, dropped: the coordinator's order. */
export const STATUS_ORDER: Readonly<Record<MeasureStatus, number>> = { late: 0, not_started: 1, on_track: 2, done: 3, dropped: 4 };

/** Compares hierarchical measure numbers ("4.1.9" before "4.1.10"). */
export function compareNumbers(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return c;
  }
  return 0;
}
