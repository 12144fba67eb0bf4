import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import type { DashboardView, DurationStats, ExportFormat } from '../../../shared/schemas/hotline-dashboard.ts';

/** One line of the exported table. Values are numbers where they are figures. */
export type TableRow = { section: string; figure: string; value: string | number | null };

const percent = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

function durationRows(section: string, d: DurationStats): TableRow[] {
  return [
    { section, figure: 'Contacts timed', value: d.count },
    { section, figure: 'Median (s)', value: d.medianSeconds },
    { section, figure: '90th percentile (s)', value: d.p90Seconds },
    { section, figure: 'Mean (s)', value: d.meanSeconds },
  ];
}

/** The dashboard as one three-column table (section, figure, value), the same in CSV and XLSX. */
export function dashboardTable(v: DashboardView): TableRow[] {
  const t = v.totals;
  return [
    { section: 'Range', figure: 'From', value: v.range.from },
    { section: 'Range', figure: 'To', value: v.range.to },
    { section: 'Range', figure: 'Time zone', value: v.range.tz },
    { section: 'Range', figure: 'Region', value: v.range.region ?? 'all' },
    { section: 'Range', figure: 'Agencies', value: v.range.scope === 'all' ? 'all' : 'own agency' },
    { section: 'Contacts', figure: 'Contacts', value: t.contacts },
    { section: 'Contacts', figure: 'Answered', value: t.answered },
    { section: 'Contacts', figure: 'Abandoned', value: t.abandoned },
    { section: 'Contacts', figure: 'Not answered yet', value: t.unanswered },
    { section: 'Contacts', figure: 'Answer rate (%)', value: percent(t.answerRate) },
    { section: 'Contacts', figure: 'Substantive', value: t.substantive },
    { section: 'Contacts', figure: 'Not substantive', value: t.nonSubstantive },
    { section: 'Contacts', figure: 'No contact type yet', value: t.unclassified },
    { section: 'Contacts', figure: 'Substantive share (%)', value: percent(t.substantiveShare) },
    ...durationRows('Time to answer', v.timeToAnswer),
    ...durationRows('Handle time', v.handleTime),
    { section: 'Escalations', figure: 'Escalations', value: v.escalations.count },
    { section: 'Escalations', figure: 'Acknowledged', value: v.escalations.acknowledged },
    { section: 'Escalations', figure: 'Not acknowledged', value: v.escalations.unacknowledged },
    ...durationRows('Time to acknowledge', v.escalations.timeToAcknowledge),
    ...v.byChannel.map((r) => ({ section: 'By channel', figure: r.channel, value: r.contacts })),
    ...v.byContactType.map((r) => ({ section: 'By contact type', figure: r.contactType, value: r.contacts })),
    ...v.outcomes.map((r) => ({ section: 'Outcomes', figure: r.outcome, value: r.contacts })),
    ...v.byHour.map((r) => ({ section: 'By hour', figure: `${String(r.hour).padStart(2, '0')}:00`, value: r.contacts })),
    ...v.byDay.map((r) => ({ section: 'By day', figure: r.day, value: r.contacts })),
  ];
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

const HEADER = ['Section', 'Figure', 'Value'];

/** UTF-8 with a byte-order mark, so that spreadsheet programs read Azerbaijani and Russian text right. */
export function toCsv(rows: TableRow[]): Buffer {
  const text = stringify([HEADER, ...rows.map((r) => [safeCell(r.section), safeCell(r.figure), safeCell(r.value)])], { record_delimiter: '\r\n' });
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

export async function toXlsx(rows: TableRow[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Pathway';
  const sheet = book.addWorksheet('Dashboard');
  sheet.columns = [
    { header: HEADER[0], key: 'section', width: 22 },
    { header: HEADER[1], key: 'figure', width: 28 },
    { header: HEADER[2], key: 'value', width: 16 },
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
