/**
 * The annual national report: a cover, contents, the US TIP report's law-enforcement, protection and
 * prevention sections, GRETA's statistics, each table with its chart, page numbers and the release
 * version; and the same tables as an XLSX workbook, one sheet a table. The tables come from the
 * caller (StatisticsTable[]: the statistics module's `nationalTables` for the year); the sections are
 * an array the caller may extend (the action plan's implementation report goes in as one more section).
 */
import { loadExcelJS } from '../../heavy-modules.ts';
import type { Db } from '../../db/database.ts';
import type { Language } from '../../../shared/schemas/common.ts';
import type { StatisticsTable } from '../../../domain/statistics-table.ts';
import { hasText, textsIn } from '../../i18n.ts';
import { loadCountryProfile } from '../../nrm-profile.ts';
import { safeCell } from '../hotline-dashboard/export.ts';
import { barsOf, PdfWriter } from './pdf.ts';

export type ReportSection = {
  /** Stable code, e.g. "law_enforcement", "action_plan". */
  id: string;
  title: string;
  intro?: string;
  tables: StatisticsTable[];
  /** More content written after the tables (a narrative, a list of measures). */
  write?: (w: PdfWriter) => void;
  /** More XLSX sheets after the tables' (a list of measures): a header row, then the rows. */
  sheets?: Array<{ id: string; columns: string[]; rows: Array<Array<string | number>> }>;
};

/** Which section a table belongs to, by its id: the US report's three Ps, GRETA's statistics. */
const SECTION_OF: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(justice|unodc)-/, 'law_enforcement'],
  [/^nrm-(identification|referrals|services)-/, 'protection'],
  [/^(hotline|prevention)-/, 'prevention'],
  [/^(nrm-victims|greta|sdg)-/, 'greta'],
];
export const STANDARD_SECTIONS = ['law_enforcement', 'protection', 'prevention', 'greta'] as const;

/** The standard sections with the tables that belong to each; tables no section claims go last, under "other tables". */
export function annualSections(tables: readonly StatisticsTable[], lang: Language): ReportSection[] {
  const t = textsIn(lang);
  const sectionOf = (table: StatisticsTable) => SECTION_OF.find(([re]) => re.test(table.id))?.[1] ?? 'other';
  const ids = [...STANDARD_SECTIONS, ...(tables.some((x) => sectionOf(x) === 'other') ? ['other' as const] : [])];
  return ids.map((id) => ({
    id,
    title: t(`reports.annual.section.${id}`),
    ...(hasText(lang, `reports.annual.sectionIntro.${id}`) ? { intro: t(`reports.annual.sectionIntro.${id}`) } : {}),
    tables: tables.filter((x) => sectionOf(x) === id),
  }));
}

export type AnnualOptions = {
  year: number;
  lang: Language;
  tables: StatisticsTable[];
  /** The release's version (a statistical release's, or Pathway's own until releases exist). */
  version: string;
  /** The report's sections; `annualSections(tables, lang)` by default. Extend that array to add one. */
  sections?: ReportSection[];
};

/** The annual report as a PDF. */
export async function annualReport(db: Db, o: AnnualOptions): Promise<Buffer> {
  const profile = await loadCountryProfile(db);
  const sections = o.sections ?? annualSections(o.tables, o.lang);
  const t = textsIn(o.lang);
  const w = await PdfWriter.create({ lang: o.lang, title: `${t('reports.annual.title')} ${o.year}`, version: o.version, generatedAt: new Date(), timeZone: profile.timeZone });
  // Cover
  w.paragraph('\n\n\n\n\n').heading(t('reports.annual.title'), 1).heading(t('reports.annual.year', { year: o.year }), 2);
  w.paragraph(t('reports.annual.release', { version: o.version }), { muted: true }).paragraph(t('reports.annual.intro', { year: o.year }), { muted: true });
  // Contents: its own page, written once the sections' pages are known.
  w.pageBreak();
  const contentsPage = w.pageIndex;
  const starts: number[] = [];
  for (const s of sections) {
    w.pageBreak();
    starts.push(w.pageIndex);
    w.heading(s.title, 1);
    if (s.intro) w.paragraph(s.intro, { muted: true });
    for (const table of s.tables) {
      w.table(table);
      const bars = barsOf(table);
      if (bars.length > 1) w.barChart(table.title, bars);
    }
    s.write?.(w);
  }
  w.onPage(contentsPage, (x) => {
    x.heading(t('reports.annual.contents'), 1);
    sections.forEach((s, i) => x.contentsLine(s.title, starts[i]! + 1));
  });
  return w.finish();
}

/** The same tables as an XLSX workbook: a contents sheet, then one sheet a table (rows of its cells and totals). */
export async function annualWorkbook(o: AnnualOptions): Promise<Buffer> {
  const t = textsIn(o.lang);
  const sections = o.sections ?? annualSections(o.tables, o.lang);
  const book = new (await loadExcelJS()).Workbook();
  book.creator = 'Pathway';
  book.title = `${t('reports.annual.title')} ${o.year}`;
  const contents = book.addWorksheet(t('reports.annual.sheetContents'));
  contents.columns = [
    { header: t('reports.annual.sheetSection'), key: 'section', width: 28 },
    { header: t('reports.annual.sheetTable'), key: 'table', width: 60 },
    { header: 'id', key: 'id', width: 32 },
  ];
  contents.getRow(1).font = { bold: true };
  contents.addRow({ section: t('reports.annual.title'), table: t('reports.annual.release', { version: o.version }), id: String(o.year) });
  const used = new Set<string>();
  for (const s of sections) {
    for (const table of s.tables) {
      contents.addRow({ section: safeCell(s.title), table: safeCell(table.title), id: table.id });
      const sheet = book.addWorksheet(sheetName(table.id, used));
      const dims = table.dimensions;
      sheet.columns = [...dims.map((d) => ({ header: d.label, key: d.id, width: 26 })), { header: t('reports.annual.sheetValue'), key: 'value', width: 14 }];
      sheet.getRow(1).font = { bold: true };
      const total = t('reports.pdf.total');
      for (const c of [...table.cells, ...table.totals]) {
        const row: Record<string, string | number | null> = {};
        for (const d of dims) row[d.id] = d.id in c.key ? safeCell(d.values.find((v) => v.code === c.key[d.id])?.label ?? c.key[d.id]!) : total;
        row.value = c.suppressed || c.value === null ? t('reports.pdf.suppressed') : c.value;
        sheet.addRow(row);
      }
      for (const n of table.notes ?? []) sheet.addRow({ [dims[0]?.id ?? 'value']: safeCell(n) });
    }
    for (const extra of s.sheets ?? []) {
      contents.addRow({ section: safeCell(s.title), table: '', id: extra.id });
      const sheet = book.addWorksheet(sheetName(extra.id, used));
      sheet.addRow(extra.columns.map((c) => safeCell(c))).font = { bold: true };
      for (const row of extra.rows) sheet.addRow(row.map((v) => (typeof v === 'number' ? v : safeCell(v))));
      sheet.columns.forEach((c) => (c.width = 28));
    }
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A sheet name is at most 31 characters, unique, without []:*?/\ : the table's id fits. */
function sheetName(id: string, used: Set<string>): string {
  const base = id.replace(/[[\]:*?/\\]/g, '-').slice(0, 28);
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
  used.add(name);
  return name;
}
