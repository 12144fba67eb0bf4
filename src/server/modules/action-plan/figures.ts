/**
 * Indicators whose source is the national statistics (docs/action-plan.md, "Indicators from the
 * statistics"): their value for a reporting year is the figure of the national tables of that
 * calendar year, counted by the statistics module's own rules (`nationalData`, `buildTables`), never
 * a copy. The tables of a year are computed once for all the indicators asking for that year.
 * The statistics module knows nothing of the action plan: only this module imports it.
 */
import type { DbOrTx } from '../../db/database.ts';
import { buildTables, nationalData } from '../statistics/tables.ts';
import { mayReadFigures as mayReadNationalFigures } from '../statistics/service.ts';
import type { Principal } from '../../access/principal.ts';
import { figureValue, type FigureLink } from '../../../shared/statistics-figures.ts';
import { reportingYears, type PlanFrame, type Deadline } from '../../../domain/action-plan.ts';

/**
 * Whether the reader may see the figures: they are the exact national statistics, shown to those
 * who may read them in the statistics module (the coordinator's office, analysts), never to a focal
 * point or an auditor without that permission (a small count may point to a person).
 */
export const mayReadFigures = (p: Principal): boolean => mayReadNationalFigures(p);

/** A figure asked for: the indicator's id, its link, and the reporting year (null: none yet, no figure). */
export type FigureRequest = { id: string; link: FigureLink; year: number | null };

/** The link stored on an indicator row, or null for a manual indicator. */
export const linkOf = (i: { statisticsTable: string | null; statisticsKey: Record<string, string> | null }): FigureLink | null => (i.statisticsTable ? { table: i.statisticsTable, key: i.statisticsKey ?? {} } : null);

/**
 * The latest reporting year of a measure that has ended by `today` (reports describe a finished
 * year), or null when none has: the year whose figure the plan and measure views show.
 */
export function latestEndedYear(deadline: Deadline, plan: PlanFrame, today: string): number | null {
  const ended = reportingYears(deadline, plan).filter((y) => `${y}-12-31` < today);
  return ended.length ? ended[ended.length - 1]! : null;
}

/** Each requested indicator's figure, by indicator id: the national tables computed once per year asked for. */
export async function computeFigures(db: DbOrTx, requests: readonly FigureRequest[]): Promise<Map<string, { value: number; period: number }>> {
  const out = new Map<string, { value: number; period: number }>();
  const years = [...new Set(requests.map((r) => r.year).filter((y): y is number => y !== null))].sort();
  for (const year of years) {
    // Labels are not read here; the values are the same in every language.
    const tables = buildTables(await nationalData(db, { from: `${year}-01-01`, to: `${year}-12-31` }), 'en').map((x) => x.table);
    for (const r of requests) {
      if (r.year !== year) continue;
      const value = figureValue(tables, r.link, year);
      if (value !== null) out.set(r.id, { value, period: year });
    }
  }
  return out;
}
