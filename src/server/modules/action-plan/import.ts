/**
 * A plan's goals, measures and indicators from a spreadsheet (CSV or the first sheet of an XLSX
 * workbook), into an existing plan. One row per measure; a row with only the number and indicator
 * columns adds another indicator to the measure above. Agencies are named by their name or short
 * name. Every row is checked first: one bad row (an unknown agency, a deadline that is not one)
 * answers 400 naming the row and column (`rows.<n>.<column>`, n the spreadsheet's row number) and
 * nothing is written. Then everything is written in one transaction through the same service
 * functions as the API; a dry run rolls it back and answers what would have been made.
 */
import type ExcelJS from 'exceljs';
import { loadExcelJS } from '../../heavy-modules.ts';
import { parse } from 'csv-parse/sync';
import type { Db } from '../../db/database.ts';
import { appendAudit, type AuditActor } from '../../audit/audit.ts';
import type { Principal } from '../../access/principal.ts';
import { AppError, badRequest, forbidden, notFound } from '../../errors.ts';
import { INDICATOR_UNITS, indicatorValueProblem, type IndicatorUnit } from '../../../domain/action-plan.ts';
import { MeasureNumber, type CreateMeasureBody, type Deadline } from '../../../shared/schemas/action-plan.ts';
import { figureLinkProblems, parseFigureKey } from '../../../shared/statistics-figures.ts';
import { mayManage } from './policy.ts';
import * as repo from './repository.ts';
import { addGoal, addMeasure } from './service.ts';

export const IMPORT_COLUMNS = ['goal', 'goalTitle', 'number', 'text', 'responsible', 'coResponsible', 'deadline', 'expectedResult', 'indicator', 'unit', 'baseline', 'target', 'statisticsTable', 'statisticsKey'] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
type Row = Partial<Record<Column, string>>;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const CONTINUOUS = new Set(['continuous', 'davamlı', 'davamli', 'постоянно', 'daimi']);

/** "2022", "2021-2023", "2021-06-30", or "continuous" (az "davamlı", ru "постоянно"). */
export function parseDeadline(v: string): Deadline | null {
  const s = v.trim().toLowerCase().replace(/[–—]/g, '-');
  if (CONTINUOUS.has(s)) return { kind: 'continuous' };
  if (/^\d{4}$/.test(s)) return { kind: 'year', year: Number(s) };
  const span = /^(\d{4})\s*-\s*(\d{4})$/.exec(s);
  if (span) return Number(span[2]) >= Number(span[1]) ? { kind: 'period', fromYear: Number(span[1]), toYear: Number(span[2]) } : null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)) return { kind: 'date', on: s };
  return null;
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    return '';
  }
  return String(v);
}

/** The rows with their spreadsheet row numbers (the header is row 1). */
async function readRows(content: Buffer | string, type: 'csv' | 'xlsx'): Promise<{ row: number; data: Row }[]> {
  let table: string[][];
  if (type === 'csv') {
    try {
      table = parse(String(content).replace(/^\uFEFF/, ''), { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
    } catch (e) {
      throw badRequest('validation_failed', 'The file is not CSV', { file: (e as Error).message.slice(0, 200) });
    }
  } else {
    const wb = new (await loadExcelJS()).Workbook();
    try {
      await wb.xlsx.load(content as unknown as ArrayBuffer);
    } catch {
      throw badRequest('validation_failed', 'The file is not an XLSX workbook', { file: 'not an XLSX workbook' });
    }
    const ws = wb.worksheets[0];
    if (!ws) throw badRequest('validation_failed', 'The workbook has no sheet', { file: 'no sheet' });
    table = [];
    ws.eachRow({ includeEmpty: true }, (r, n) => {
      const values = Array.isArray(r.values) ? r.values.slice(1) : [];
      table[n - 1] = values.map((v) => cellText(v as ExcelJS.CellValue).trim());
    });
    table = Array.from(table, (r) => r ?? []);
  }
  const [header, ...body] = table;
  if (!header) throw badRequest('validation_failed', 'No header row', { file: 'no header row' });
  const columns = header.map((h) => h.trim());
  columns.forEach((c, i) => {
    if (c && !(IMPORT_COLUMNS as readonly string[]).includes(c)) throw badRequest('validation_failed', `Unknown column ${c}`, { [`columns.${i + 1}`]: `unknown column; expected ${IMPORT_COLUMNS.join(', ')}` });
  });
  for (const need of ['number', 'text', 'responsible', 'deadline'] as const) if (!columns.includes(need)) throw badRequest('validation_failed', `Missing column ${need}`, { [`columns.${need}`]: 'missing' });
  const rows = body
    .map((cells, i) => ({ row: i + 2, data: Object.fromEntries(columns.map((c, j) => [c, (cells[j] ?? '').trim()]).filter(([c, v]) => c && v)) as Row }))
    .filter((r) => Object.keys(r.data).length > 0);
  if (rows.length === 0) throw badRequest('validation_failed', 'No rows under the header', { file: 'no rows' });
  if (rows.length > 5000) throw badRequest('validation_failed', 'At most 5,000 rows per file', { file: 'too many rows' });
  return rows;
}

type Planned = { goals: Map<string, string>; measures: { row: number; goal: string | null; body: CreateMeasureBody }[] };

/** Every row checked before anything is written; the first problems found name their rows. */
async function plan(db: Db, rows: { row: number; data: Row }[]): Promise<Planned> {
  const agencies = await repo.allAgencies(db);
  const byName = new Map<string, string>();
  for (const a of agencies) {
    byName.set(a.name.trim().toLowerCase(), a.id);
    if (a.shortName) byName.set(a.shortName.trim().toLowerCase(), a.id);
  }
  const errors: Record<string, string> = {};
  const fail = (row: number, column: string, message: string) => void (errors[`rows.${row}.${column}`] ??= message);
  const agency = (row: number, column: Column, name: string) => {
    const id = byName.get(name.trim().toLowerCase());
    if (!id) fail(row, column, `unknown agency "${name.slice(0, 100)}"`);
    return id ?? '';
  };
  const num = (row: number, column: Column, v: string | undefined, unit: IndicatorUnit | undefined) => {
    if (v === undefined) return null;
    const n = Number(v.replace(',', '.'));
    const problem = Number.isFinite(n) ? (unit ? indicatorValueProblem(unit, n) : null) : 'not a number';
    if (problem) fail(row, column, problem);
    return n;
  };
  const out: Planned = { goals: new Map(), measures: [] };
  let last: Planned['measures'][number] | undefined;
  for (const { row, data } of rows) {
    if (data.goal) {
      if (!MeasureNumber.safeParse(data.goal).success) fail(row, 'goal', 'a number like 4 or 4.1');
      else if (data.goalTitle) out.goals.set(data.goal, data.goalTitle.slice(0, 500));
    }
    const indicator = () => {
      if (!data.indicator) return null;
      const unit = data.unit?.toLowerCase() as IndicatorUnit | undefined;
      if (!unit || !(INDICATOR_UNITS as readonly string[]).includes(unit)) {
        fail(row, 'unit', `one of ${INDICATOR_UNITS.join(', ')}`);
        return null;
      }
      const source = figure(row, unit);
      return { definition: data.indicator.slice(0, 1000), unit, baseline: num(row, 'baseline', data.baseline, unit), target: num(row, 'target', data.target, unit), ...source };
    };
    // An indicator from the national statistics: the table and the cell's key, checked as the API checks them.
    const figure = (row: number, unit: IndicatorUnit): { statisticsTable?: string; statisticsKey?: Record<string, string> } => {
      if (!data.statisticsTable) {
        if (data.statisticsKey) fail(row, 'statisticsTable', 'give the table the key is of');
        return {};
      }
      const key = parseFigureKey(data.statisticsKey ?? '');
      if (!key) {
        fail(row, 'statisticsKey', 'dimension=code;dimension=code');
        return {};
      }
      const problems = Object.entries(figureLinkProblems({ table: data.statisticsTable, key }, unit));
      for (const [field, message] of problems) {
        const [column, dim] = field.split('.');
        fail(row, column!, dim ? `${dim}: ${message}` : message);
      }
      return problems.length ? {} : { statisticsTable: data.statisticsTable, statisticsKey: key };
    };
    if (!data.number || !MeasureNumber.safeParse(data.number).success) {
      fail(row, 'number', 'a number like 4.1.9');
      continue;
    }
    // A continuation row: another indicator of the measure above.
    if (!data.text && !data.responsible && last && last.body.number === data.number) {
      const ind = indicator();
      if (ind) last.body.indicators.push(ind);
      continue;
    }
    if (!data.text) fail(row, 'text', 'required');
    if (!data.responsible) fail(row, 'responsible', 'required');
    const deadline = data.deadline ? parseDeadline(data.deadline) : null;
    if (!deadline) fail(row, 'deadline', 'a year (2022), years (2021-2023), a day (2021-06-30) or continuous');
    const responsibleAgencyId = data.responsible ? agency(row, 'responsible', data.responsible) : '';
    const co = (data.coResponsible ?? '').split(/[|;]/).map((s) => s.trim()).filter(Boolean).map((n) => agency(row, 'coResponsible', n));
    if (out.measures.some((m) => m.body.number === data.number)) fail(row, 'number', 'a measure with this number is above');
    const goal = data.goal ?? data.number.split('.')[0]!;
    const ind = indicator();
    last = {
      row,
      goal: data.goal ?? (out.goals.has(goal) ? goal : null),
      body: {
        number: data.number,
        text: (data.text ?? '').slice(0, 4000),
        responsibleAgencyId,
        coResponsibleAgencyIds: [...new Set(co)].filter((a) => a !== responsibleAgencyId),
        deadline: deadline ?? { kind: 'continuous' },
        expectedResult: data.expectedResult?.slice(0, 4000) ?? null,
        indicators: ind ? [ind] : [],
      },
    };
    out.measures.push(last);
  }
  const names = Object.keys(errors);
  if (names.length) {
    const first = names[0]!.split('.');
    throw badRequest('validation_failed', `Row ${first[1]}: ${first[2]} ${errors[names[0]!]}${names.length > 1 ? ` (and ${names.length - 1} more)` : ''}; nothing was imported`, errors);
  }
  return out;
}

class DryRun extends Error {
  constructor(readonly result: { goals: number; measures: number; indicators: number }) {
    super('dry run');
  }
}

export async function importPlan(db: Db, p: Principal, actor: AuditActor, planId: string, file: { content: Buffer | string; type: 'csv' | 'xlsx' }, dryRun: boolean) {
  if (!mayManage(p)) throw forbidden('Only the coordinator\'s office keeps the action plan');
  if ((await repo.findPlans(db, planId).catch(() => [])).length === 0) throw notFound('Plan');
  const planned = await plan(db, await readRows(file.content, file.type));
  const counts = { goals: 0, measures: planned.measures.length, indicators: planned.measures.reduce((n, m) => n + m.body.indicators.length, 0) };
  try {
    await db.transaction().execute(async (tx) => {
      const existing = new Map((await repo.goals(tx, [planId])).map((g) => [g.number, g.id]));
      for (const [number, title] of planned.goals) {
        if (existing.has(number)) continue;
        existing.set(number, (await addGoal(tx, p, actor, planId, { number, title })).id);
        counts.goals++;
      }
      for (const m of planned.measures) {
        try {
          await addMeasure(tx, p, actor, planId, { ...m.body, goalId: m.goal ? (existing.get(m.goal) ?? null) : null });
        } catch (e) {
          // A rule of the API (a number already in the plan): named by the row, nothing kept.
          if (e instanceof AppError && e.status < 500) {
            const [field, message] = Object.entries(e.fields ?? { row: e.message })[0]!;
            throw new AppError(e.code, e.status, `Row ${m.row}: ${e.message}; nothing was imported`, { [`rows.${m.row}.${field}`]: message });
          }
          throw e;
        }
      }
      await appendAudit(tx, actor, { action: 'action_plan.plan_imported', recordType: 'action_plan', recordId: planId, changes: { goals: counts.goals, created: counts.measures, indicatorCount: counts.indicators, dryRun } });
      if (dryRun) throw new DryRun(counts);
    });
  } catch (e) {
    if (e instanceof DryRun) return { dryRun: true, applied: false, ...e.result };
    throw e;
  }
  return { dryRun: false, applied: true, ...counts };
}
