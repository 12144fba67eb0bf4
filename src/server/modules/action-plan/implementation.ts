/**
 * The action plan's implementation in a year, for the annual national report (docs/action-plan.md,
 * "In the annual report"): the plans in force that year (adopted, expired or superseded, whose period
 * covers it), their measures with the status derived as on the year's last day (or today, for the
 * current year) by the same rule as the tracker (`measureStatus`), and each indicator with its
 * baseline, target and latest value from an accepted report for that year or before, and, for an
 * indicator linked to the national statistics, its figure computed for the year (the tables of the
 * year computed once, `computeFigures`). No person is named: agencies and measures only.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { measureStatus, compareNumbers, type Deadline, type IndicatorUnit, type MeasureStatus, type ReportProgress, type ReviewState } from '../../../domain/action-plan.ts';
import { countryToday } from '../../nrm-profile.ts';
import * as repo from './repository.ts';
import { deadlineOf } from './service.ts';
import { computeFigures, linkOf } from './figures.ts';

export type ImplementationOfYear = {
  year: number;
  asOf: string;
  plans: Array<{ id: string; title: string; actNumber: string | null; actDate: string | null; startYear: number; endYear: number; status: string }>;
  measures: Array<{ planId: string; number: string; text: string; agencyId: string; agencyName: string; status: MeasureStatus; deadline: Deadline }>;
  indicators: Array<{ planId: string; measureNumber: string; definition: string; unit: IndicatorUnit; baseline: number | null; target: number | null; latest: { value: number; period: number } | null; statisticsTable: string | null; computed: { value: number; period: number } | null }>;
};

const IN_FORCE = ['adopted', 'expired', 'superseded'];

export async function implementationOfYear(db: Db, year: number): Promise<ImplementationOfYear> {
  const today = await countryToday(db);
  const asOf = today < `${year}-12-31` ? today : `${year}-12-31`;
  const plans = (await repo.findPlans(db)).filter((p) => IN_FORCE.includes(p.status) && p.startYear <= year && p.endYear >= year).sort((a, b) => a.startYear - b.startYear || a.title.localeCompare(b.title));
  const rows = plans.length ? await repo.measuresQuery(db, { planIds: plans.map((p) => p.id) }) : [];
  const ids = rows.map((m) => m.id);
  const [reports, inds] = await Promise.all([repo.reportSummaries(db, { measureIds: ids }), repo.indicators(db, ids)]);
  const measures = rows
    .map((m) => {
      const deadline = deadlineOf(m);
      const facts = reports.filter((r) => r.measureId === m.id && r.agencyId === m.responsibleAgencyId && r.period <= year).map((r) => ({ period: r.period, progress: r.progress as ReportProgress, review: r.review as ReviewState }));
      const status = measureStatus({ deadline, plan: { startYear: m.startYear, endYear: m.endYear, reportDueDays: m.reportDueDays }, reports: facts, today: asOf, dropped: m.droppedAt !== null && new Date(m.droppedAt).getUTCFullYear() <= year, periodic: true });
      return { planId: m.planId, number: m.number, text: m.text, agencyId: m.responsibleAgencyId, agencyName: m.agencyName, status, deadline };
    })
    .sort((a, b) => plans.findIndex((p) => p.id === a.planId) - plans.findIndex((p) => p.id === b.planId) || compareNumbers(a.number, b.number));
  const latest = await latestValues(db, inds.map((i) => i.id), year);
  const computed = await computeFigures(db, inds.flatMap((i) => { const link = linkOf(i); return link ? [{ id: i.id, link, year }] : []; }));
  const numberOf = new Map(rows.map((m) => [m.id, { number: m.number, planId: m.planId }]));
  const indicators = inds
    .map((i) => ({ planId: numberOf.get(i.measureId)!.planId, measureNumber: numberOf.get(i.measureId)!.number, definition: i.definition, unit: i.unit as IndicatorUnit, baseline: i.baseline, target: i.target, latest: latest.get(i.id) ?? null, statisticsTable: i.statisticsTable, computed: computed.get(i.id) ?? null }))
    .sort((a, b) => plans.findIndex((p) => p.id === a.planId) - plans.findIndex((p) => p.id === b.planId) || compareNumbers(a.measureNumber, b.measureNumber));
  return {
    year,
    asOf,
    plans: plans.map((p) => ({ id: p.id, title: p.title, actNumber: p.actNumber, actDate: p.actDate ? String(p.actDate).slice(0, 10) : null, startYear: p.startYear, endYear: p.endYear, status: p.status })),
    measures,
    indicators,
  };
}

/** Each indicator's value in the latest accepted report for the year or before (later period first, then the latest submitted). */
async function latestValues(db: Db, indicatorIds: readonly string[], year: number): Promise<Map<string, { value: number; period: number }>> {
  if (indicatorIds.length === 0) return new Map();
  const { rows } = await sql<{ indicatorId: string; value: number; period: number }>`
    SELECT DISTINCT ON (v.indicator_id) v.indicator_id AS "indicatorId", v.value, r.period
    FROM action_plan_report_values v
    JOIN action_plan_reports r ON r.id = v.report_id
    WHERE v.indicator_id = ANY(${[...indicatorIds]}::uuid[]) AND r.review = 'accepted' AND r.period <= ${year}
    ORDER BY v.indicator_id, r.period DESC, r.submitted_at DESC
  `.execute(db);
  return new Map(rows.map((r) => [r.indicatorId, { value: Number(r.value), period: r.period }]));
}
