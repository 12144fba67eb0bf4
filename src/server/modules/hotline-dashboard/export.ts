import { loadExcelJS } from '../../heavy-modules.ts';
import { stringify } from 'csv-stringify/sync';
import type { DashboardView, ExportFormat } from '../../../shared/schemas/hotline-dashboard.ts';
import { dashboardRows, figureCode, figureTextKey, type DashboardRow } from '../../../shared/hotline-dashboard-table.ts';
import type { Language } from '../../../shared/schemas/common.ts';
import { textsIn } from '../../i18n.ts';

/** One line of the exported table. Values are numbers where they are figures. */
export type TableRow = { section: string; figure: string; value: string | number | null };

/**
 * How the export names things: in a language (headers, sections, figures and code values labelled
 * with the web app's own texts), or as codes for programs (`codes=1`: section and figure keys, the
 * vocabulary's codes, the headers `section,figure,value`).
 */
export type Naming = { lang: Language } | 'codes';

export type Labelled = { header: [string, string, string]; sheet: string; rows: TableRow[] };

/** The dashboard as one three-column table (section, figure, value), the same in CSV and XLSX and on the page. */
export function dashboardTable(v: DashboardView, naming: Naming): Labelled {
  const rows = dashboardRows(v, true);
  if (naming === 'codes') {
    return { header: ['section', 'figure', 'value'], sheet: 'Dashboard', rows: rows.map((r) => ({ section: r.section, figure: figureCode(r.figure), value: r.value })) };
  }
  const t = textsIn(naming.lang);
  const unit = (u: DashboardRow['unit']) => (u === 'seconds' ? ` (${t('hotlineDashboard.table.unitSeconds')})` : u === 'percent' ? ` (${t('hotlineDashboard.table.unitPercent')})` : '');
  return {
    header: [t('hotlineDashboard.table.section'), t('hotlineDashboard.table.figure'), t('hotlineDashboard.table.value')],
    sheet: t('hotlineDashboard.nav'),
    rows: rows.map((r) => {
      const key = figureTextKey(r.figure);
      return {
        section: t(`hotlineDashboard.table.${r.section}`),
        figure: `${key ? t(key) : figureCode(r.figure)}${unit(r.unit)}`,
        value: r.valueKey ? t(`hotlineDashboard.${r.valueKey}`) : r.value,
      };
    }),
  };
}

/**
 * A spreadsheet treats a cell starting with =, +, -, @, a tab or a carriage return as a formula
 * (OWASP "CSV injection"); such text gets a leading apostrophe, which shows it as plain text.
 * Numbers stay numbers (a negative figure is not text).
 */
export function safeCell(value: string | number | null): string | number {
  if (value === null) return '';
  if (typeof value === 'number') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** UTF-8 with a byte-order mark, so that spreadsheet programs read Azerbaijani and Russian text right. */
export function toCsv({ header, rows }: Pick<Labelled, 'header' | 'rows'>): Buffer {
  const text = stringify([header, ...rows.map((r) => [safeCell(r.section), safeCell(r.figure), safeCell(r.value)])], { record_delimiter: '\r\n' });
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

export async function toXlsx({ header, sheet: name, rows }: Labelled): Promise<Buffer> {
  const book = new (await loadExcelJS()).Workbook();
  book.creator = 'Pathway';
  const sheet = book.addWorksheet(name);
  sheet.columns = [
    { header: header[0], key: 'section', width: 22 },
    { header: header[1], key: 'figure', width: 28 },
    { header: header[2], key: 'value', width: 16 },
  ];
  sheet.getRow(1).font = { bold: true };
  // Text cells are written as shared strings, never as formulas; the same guard as the CSV keeps the
  // two files alike when a figure is copied out of one into the other.
  for (const r of rows) sheet.addRow({ section: safeCell(r.section), figure: safeCell(r.figure), value: r.value === null ? null : safeCell(r.value) });
  return Buffer.from(await book.xlsx.writeBuffer());
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
