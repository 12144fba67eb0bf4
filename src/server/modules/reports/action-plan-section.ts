/**
 * The annual report's action plan implementation section (docs/reports.md): the plans in force in
 * the year, measures by derived status per responsible agency (a table, charted, and one XLSX sheet),
 * the late measures and the indicators with baseline, target and latest value (lists in the PDF,
 * sheets in the XLSX). The facts come from the action plan module (`implementationOfYear`).
 */
import type { Language } from '../../../shared/schemas/common.ts';
import type { StatisticsTable, TableCell } from '../../../domain/statistics-table.ts';
import { MEASURE_STATUSES, type Deadline } from '../../../domain/action-plan.ts';
import type { ImplementationOfYear } from '../action-plan/implementation.ts';
import { textsIn } from '../../i18n.ts';
import type { ReportSection } from './annual.ts';

export const ACTION_PLAN_TABLE = 'action-plan-agency-status';

export function actionPlanSection(x: ImplementationOfYear, lang: Language): ReportSection {
  const t = textsIn(lang);
  const agencies = [...new Map(x.measures.map((m) => [m.agencyId, m.agencyName])).entries()].sort((a, b) => a[1].localeCompare(b[1], lang));
  const count = (key: { agency?: string; status?: string }) => x.measures.filter((m) => (key.agency === undefined || m.agencyId === key.agency) && (key.status === undefined || m.status === key.status)).length;
  const cell = (key: Record<string, string>): TableCell => ({ key, value: count(key), suppressed: null });
  const table: StatisticsTable = {
    id: ACTION_PLAN_TABLE,
    title: t('reports.actionPlan.tableTitle', { year: x.year }),
    dimensions: [
      { id: 'agency', label: t('reports.actionPlan.agency'), values: agencies.map(([code, label]) => ({ code, label })) },
      { id: 'status', label: t('reports.actionPlan.status'), values: MEASURE_STATUSES.map((s) => ({ code: s, label: t(`actionPlan.status.${s}`) })) },
    ],
    cells: agencies.flatMap(([a]) => MEASURE_STATUSES.map((s) => cell({ agency: a, status: s }))),
    totals: [...agencies.map(([a]) => cell({ agency: a })), ...MEASURE_STATUSES.map((s) => cell({ status: s })), cell({})],
    notes: [t('reports.actionPlan.asOf', { day: x.asOf })],
  };
  const deadline = (d: Deadline) =>
    d.kind === 'date' ? d.on : d.kind === 'year' ? t('actionPlan.deadline.year', { year: d.year }) : d.kind === 'period' ? t('actionPlan.deadline.period', { from: d.fromYear, to: d.toYear }) : t('actionPlan.deadline.continuous');
  const planTitle = new Map(x.plans.map((p) => [p.id, p.title]));
  const num = (v: number | null) => (v === null ? '–' : String(v));
  const plans = x.plans.map((p) => [p.title, p.actNumber ?? '', p.actDate ?? '', `${p.startYear}–${p.endYear}`, t(`actionPlan.planStatus.${p.status}`)]);
  const late = x.measures.filter((m) => m.status === 'late').map((m) => [planTitle.get(m.planId) ?? '', m.number, m.text, m.agencyName, deadline(m.deadline)]);
  const indicators = x.indicators.map((i) => [planTitle.get(i.planId) ?? '', i.measureNumber, i.definition, t(`actionPlan.unit.${i.unit}`), num(i.baseline), num(i.target), i.latest ? String(i.latest.value) : '–', i.latest ? String(i.latest.period) : '', i.computed ? String(i.computed.value) : '']);
  return {
    id: 'action_plan',
    title: t('reports.annual.section.action_plan'),
    intro: t('reports.annual.sectionIntro.action_plan'),
    tables: x.measures.length ? [table] : [],
    write: (w) => {
      w.heading(t('reports.actionPlan.plans'), 2).list(x.plans.map((p) => `${p.title} (${p.startYear}–${p.endYear}${p.actNumber ? `, № ${p.actNumber}` : ''}${p.actDate ? `, ${p.actDate}` : ''}): ${t(`actionPlan.planStatus.${p.status}`)}`));
      w.heading(t('reports.actionPlan.late'), 2).list(late.map(([plan, number, text, agency, due]) => `${number} ${text} — ${agency}; ${t('reports.actionPlan.deadline')}: ${due} (${plan})`));
      w.heading(t('reports.actionPlan.indicators'), 2).list(
        x.indicators.map((i) => `${i.measureNumber} ${i.definition} (${t(`actionPlan.unit.${i.unit}`)}): ${t('reports.actionPlan.baseline')} ${num(i.baseline)}, ${t('reports.actionPlan.target')} ${num(i.target)}, ${t('reports.actionPlan.latest')} ${i.latest ? `${i.latest.value} (${i.latest.period})` : '–'}${i.computed ? `; ${t('reports.actionPlan.computed', { year: i.computed.period, value: i.computed.value })}` : ''}`),
      );
    },
    sheets: [
      { id: 'action-plan-plans', columns: [t('reports.actionPlan.plan'), t('reports.actionPlan.actNumber'), t('reports.actionPlan.actDate'), t('reports.actionPlan.period'), t('reports.actionPlan.planStatus')], rows: plans },
      { id: 'action-plan-late-measures', columns: [t('reports.actionPlan.plan'), t('reports.actionPlan.number'), t('reports.actionPlan.measure'), t('reports.actionPlan.agency'), t('reports.actionPlan.deadline')], rows: late },
      {
        id: 'action-plan-indicators',
        columns: [t('reports.actionPlan.plan'), t('reports.actionPlan.number'), t('reports.actionPlan.indicator'), t('reports.actionPlan.unit'), t('reports.actionPlan.baseline'), t('reports.actionPlan.target'), t('reports.actionPlan.latest'), t('reports.actionPlan.latestPeriod'), t('reports.actionPlan.computedColumn')],
        rows: indicators,
      },
    ],
  };
}
