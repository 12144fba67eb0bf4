/**
 * The law-enforcement figures: one grouped read of the period's defendant facts and cases, counted by
 * the pure rules of counting.ts; the trend over years; the records behind a figure; CSV and XLSX.
 */
import { loadExcelJS } from '../../heavy-modules.ts';
import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import type { Db } from '../../db/database.ts';
import type { AuditActor } from '../../audit/audit.ts';
import { auditRead } from '../../audit/audit.ts';
import type { Principal } from '../../access/principal.ts';
import { forbidden } from '../../errors.ts';
import { countryToday, loadJusticeProfile } from '../../nrm-profile.ts';
import { FORM_GROUPS, SENTENCE_BANDS, type FormGroup } from '../../../shared/justice.ts';
import type { RecordsQuery, RecordsView, StatisticsQuery, StatisticsView, TrendQuery, TrendView } from '../../../shared/schemas/justice.ts';
import { safeCell } from '../hotline-dashboard/export.ts';
import { caseTallyRow, factTallyRow, reportingPeriod, tally, type CaseAttrs, type CaseTallyRow, type FactAttrs, type Figures, type Period, type TallyRow } from './counting.ts';
import { mayReadAny, maySeeFigures } from './policy.ts';
import * as repo from './repository.ts';

const HTCDS_FORMS_OF: Record<FormGroup, string[]> = {
  sexual: ['sexual_exploitation'],
  labour: ['forced_labour', 'child_labour', 'servitude', 'forced_begging'],
  other: ['forced_marriage', 'forced_military', 'organ_removal', 'forced_adoption', 'surrogacy', 'other'],
};

/** The period a query names: from/to, a reporting year, or the current calendar (or US) year by default. */
export async function periodOf(db: Db, q: { from?: string | undefined; to?: string | undefined; year?: number | undefined; yearKind?: 'calendar' | 'us_tip' | undefined }): Promise<Period & { asOf: string }> {
  const today = await countryToday(db);
  const profile = await loadJusticeProfile(db);
  const p = q.from && q.to ? { from: q.from, to: q.to } : reportingPeriod(q.year ?? Number(today.slice(0, 4)), q.yearKind ?? profile.reportingYear);
  // The sentence in force at the period's end (or today, for a period not over yet).
  return { ...p, asOf: p.to < today ? p.to : today };
}

export async function statistics(db: Db, p: Principal, q: z.infer<typeof StatisticsQuery>): Promise<StatisticsView> {
  if (!maySeeFigures(p)) throw forbidden();
  const profile = await loadJusticeProfile(db);
  const period = await periodOf(db, q);
  const rows = await repo.figureRows(db, period, period.asOf);
  const counted = q.article ? [q.article] : profile.countedArticles;
  // The `form` and `article` filters, on the grouped rows: a defendant by its form groups and
  // articles, a case by its HTCDS forms and the articles of its parts.
  const tallyRows: TallyRow[] = [];
  const cases: CaseTallyRow[] = [];
  for (const r of rows) {
    if (r.kind === 'case') {
      const a = r.attrs as CaseAttrs;
      if (q.form && !a.forms.some((f) => HTCDS_FORMS_OF[q.form!].includes(f))) continue;
      if (q.article && !a.articles.includes(q.article)) continue;
      cases.push(caseTallyRow(a, r.weight));
    } else {
      const a = r.attrs as FactAttrs;
      if (q.form && !a.formGroups.includes(q.form)) continue;
      if (q.article && !a.articles.includes(q.article)) continue;
      tallyRows.push(factTallyRow(r.kind, a, r.weight, profile.seriousMinMonths));
    }
  }
  const articles = [...new Set(profile.statutes.map((s) => s.article))];
  const s = tally(tallyRows, cases, counted, q.article ? [q.article] : articles);
  return { period: { from: period.from, to: period.to, asOf: period.asOf }, countedArticles: [...counted], ...s };
}

export async function trend(db: Db, p: Principal, q: z.infer<typeof TrendQuery>): Promise<z.infer<typeof TrendView>> {
  if (!maySeeFigures(p)) throw forbidden();
  const profile = await loadJusticeProfile(db);
  const kind = q.yearKind ?? profile.reportingYear;
  const first = reportingPeriod(q.fromYear, kind);
  const last = reportingPeriod(q.toYear, kind);
  // A US year Y starts on 1 April of Y-1: shifting its days by 9 months puts them all in Y.
  const r = await repo.trendRows(db, first.from, last.to, profile.countedArticles, kind === 'us_tip' ? '9 months' : '0 days');
  const at = (rows: { year: number; n?: number; cases?: number }[], y: number) => {
    const hit = rows.find((x) => x.year === y);
    return hit ? (hit.n ?? hit.cases ?? 0) : 0;
  };
  const years = [];
  for (let y = q.fromYear; y <= q.toYear; y++) {
    const per = reportingPeriod(y, kind);
    years.push({
      year: y,
      from: per.from,
      to: per.to,
      cases: at(r.cases, y),
      suspects: at(r.suspects, y),
      prosecutions: at(r.prosecutions, y),
      convictions: at(r.convictions, y),
      convictionsSexual: at(r.sexual, y),
      convictionsLabour: at(r.labour, y),
      acquittals: at(r.acquittals, y),
      suspendedOrDeferred: at(r.light, y),
      serious: at(r.serious, y),
    });
  }
  return { years };
}

/**
 * The records behind one figure, with no names. Users who work on criminal cases see only the
 * records they may read (and may open them); analysts and the coordinator (aggregate reports) see
 * every record, de-identified, and open none. The read is audited.
 */
export async function records(db: Db, p: Principal, actor: AuditActor, q: z.infer<typeof RecordsQuery>): Promise<z.infer<typeof RecordsView>> {
  if (!maySeeFigures(p)) throw forbidden();
  const profile = await loadJusticeProfile(db);
  const today = await countryToday(db);
  const restrict = p.permissions.has('reports:aggregate') ? null : mayReadAny(p) ? p : null;
  const rows = await repo.recordRows(
    db,
    {
      period: { from: q.from, to: q.to },
      asOf: q.to < today ? q.to : today,
      figure: q.figure,
      form: q.form,
      article: q.article,
      sex: q.sex,
      complicity: q.complicity,
      counted: profile.countedArticles,
      limit: q.limit,
    },
    restrict,
  );
  const total = rows[0]?.total ?? 0;
  await auditRead(db, actor, {
    action: 'justice.figure_records_read',
    recordType: 'investigation',
    changes: { figure: q.figure, from: q.from, to: q.to, form: q.form ?? null, article: q.article ?? null, sex: q.sex ?? null, results: rows.length },
  });
  return {
    items: rows.map((r) => ({ criminalCaseId: r.criminalCaseId, caseNumber: r.caseNumber, agencyName: r.agencyName, defendant: r.defendant, sex: r.sex, articles: r.articles, on: r.on, openable: r.openable })),
    total,
    truncated: total > rows.length,
  };
}

// ------------------------------------------------------------------------------------------------
// Exports: the same table as the screen, one row per figure and split

export type TableRow = { split: string; group: string; figure: string; value: number | string | null };

function figureRows(split: string, group: string, f: Figures): TableRow[] {
  const r = (figure: string, value: number | null) => ({ split, group, figure, value });
  return [
    r('investigations.cases', f.investigations.cases),
    r('investigations.suspects', f.investigations.suspects),
    r('prosecutions.defendants', f.prosecutions.defendants),
    r('convictions.defendants', f.convictions.defendants),
    r('convictions.final', f.convictions.final),
    r('convictions.reversedOnAppeal', f.convictions.reversedOnAppeal),
    r('acquittals.defendants', f.acquittals.defendants),
    r('terminations.defendants', f.terminations.defendants),
    ...Object.entries(f.terminations.byGround).map(([g, n]) => r(`terminations.${g}`, n)),
    r('sentences.suspendedOrDeferred', f.sentences.suspendedOrDeferred),
    r('sentences.suspended', f.sentences.suspended),
    r('sentences.deferred', f.sentences.deferred),
    ...Object.entries(f.sentences.deferralGrounds).map(([g, n]) => r(`sentences.deferralGround.${g}`, n)),
    r('sentences.fineOnly', f.sentences.fineOnly),
    r('sentences.belowMinimum', f.sentences.belowMinimum),
    r('sentences.serious', f.sentences.serious),
    r('sentences.flaggedForReview', f.sentences.flaggedForReview),
    ...SENTENCE_BANDS.map((b) => r(`sentences.band.${b}`, f.sentences.bands[b])),
    r('sentences.share.suspendedOrDeferred', f.sentences.shares.suspendedOrDeferred),
    r('sentences.share.belowMinimum', f.sentences.shares.belowMinimum),
    r('sentences.share.serious', f.sentences.shares.serious),
  ];
}

export function statisticsTable(s: StatisticsView): TableRow[] {
  return [
    { split: 'period', group: 'from', figure: 'from', value: s.period.from },
    { split: 'period', group: 'to', figure: 'to', value: s.period.to },
    { split: 'period', group: 'asOf', figure: 'sentence in force on', value: s.period.asOf },
    ...figureRows('total', s.countedArticles.join('+'), s),
    ...FORM_GROUPS.flatMap((g) => figureRows('form', g, s.byForm[g])),
    ...Object.entries(s.byArticle).flatMap(([a, f]) => figureRows('article', a, f)),
    ...Object.entries(s.bySex).flatMap(([x, f]) => figureRows('offender_sex', x, f)),
    ...figureRows('complicity', 'official', s.byComplicity.official),
    ...figureRows('complicity', 'none', s.byComplicity.none),
  ];
}

const HEADER = ['Split', 'Group', 'Figure', 'Value'];

export function toCsv(rows: TableRow[]): Buffer {
  const text = stringify([HEADER, ...rows.map((r) => [safeCell(r.split), safeCell(r.group), safeCell(r.figure), safeCell(r.value)])], { record_delimiter: '\r\n' });
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

export async function toXlsx(rows: TableRow[]): Promise<Buffer> {
  const book = new (await loadExcelJS()).Workbook();
  book.creator = 'Pathway';
  const sheet = book.addWorksheet('Law enforcement');
  sheet.columns = [
    { header: HEADER[0], key: 'split', width: 14 },
    { header: HEADER[1], key: 'group', width: 16 },
    { header: HEADER[2], key: 'figure', width: 40 },
    { header: HEADER[3], key: 'value', width: 12 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) sheet.addRow({ split: safeCell(r.split), group: safeCell(r.group), figure: safeCell(r.figure), value: r.value === null ? null : safeCell(r.value) });
  return Buffer.from(await book.xlsx.writeBuffer());
}
