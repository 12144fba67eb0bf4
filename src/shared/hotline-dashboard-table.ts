/**
 * The hotline dashboard as one table of (section, figure, value): the same rows on the dashboard's
 * page and in its CSV and XLSX export. Sections and figures are keys; the page and a labelled
 * export name them in the reader's language through the texts under `hotlineDashboard`
 * (`labelOf`), a machine-readable export (`codes=1`) writes the keys and codes as they are.
 */
import type { DashboardView, DurationStats } from './schemas/hotline-dashboard.ts';

export type FigureUnit = 'seconds' | 'percent';

/** What a figure is called: a text key, a code of a vocabulary, or a value shown as it is. */
export type FigureName =
  | { key: string }
  | { code: string; group: 'channel' | 'contactType' | 'outcome' }
  | { hour: number }
  | { day: string };

export type DashboardRow = {
  /** Machine name of the section: `range`, `contacts`, `timeToAnswer`... (texts: `hotlineDashboard.table.<section>`). */
  section: string;
  figure: FigureName;
  /** Numbers are numbers; a percentage is the share times 100 (83.3), durations in seconds. */
  value: string | number | null;
  unit?: FigureUnit;
  /** A value that is itself a key (the region `all`, the scope). */
  valueKey?: string;
};

const percent = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

function durations(section: string, d: DurationStats): DashboardRow[] {
  return [
    { section, figure: { key: 'table.count' }, value: d.count },
    { section, figure: { key: 'table.median' }, value: d.medianSeconds, unit: 'seconds' },
    { section, figure: { key: 'table.p90' }, value: d.p90Seconds, unit: 'seconds' },
    { section, figure: { key: 'table.mean' }, value: d.meanSeconds, unit: 'seconds' },
  ];
}

/** Every row, in order; `withRange` puts the range the figures cover first (the export has it, the page shows it above). */
export function dashboardRows(v: DashboardView, withRange: boolean): DashboardRow[] {
  const t = v.totals;
  return [
    ...(withRange
      ? [
          { section: 'range', figure: { key: 'from' }, value: v.range.from },
          { section: 'range', figure: { key: 'to' }, value: v.range.to },
          { section: 'range', figure: { key: 'table.timeZone' }, value: v.range.tz },
          v.range.region === null
            ? { section: 'range', figure: { key: 'region' }, value: 'all', valueKey: 'allRegions' }
            : { section: 'range', figure: { key: 'region' }, value: v.range.region },
          { section: 'range', figure: { key: 'table.agencies' }, value: v.range.scope, valueKey: v.range.scope === 'all' ? 'scopeAll' : 'scopeAgency' },
        ]
      : []),
    { section: 'contacts', figure: { key: 'cards.contacts' }, value: t.contacts },
    { section: 'contacts', figure: { key: 'cards.answered' }, value: t.answered },
    { section: 'contacts', figure: { key: 'cards.abandoned' }, value: t.abandoned },
    { section: 'contacts', figure: { key: 'table.unanswered' }, value: t.unanswered },
    { section: 'contacts', figure: { key: 'cards.answerRate' }, value: percent(t.answerRate), unit: 'percent' },
    { section: 'contacts', figure: { key: 'table.substantive' }, value: t.substantive },
    { section: 'contacts', figure: { key: 'table.nonSubstantive' }, value: t.nonSubstantive },
    { section: 'contacts', figure: { key: 'table.unclassified' }, value: t.unclassified },
    { section: 'contacts', figure: { key: 'cards.substantiveShare' }, value: percent(t.substantiveShare), unit: 'percent' },
    ...durations('timeToAnswer', v.timeToAnswer),
    ...durations('handleTime', v.handleTime),
    { section: 'escalations', figure: { key: 'cards.escalations' }, value: v.escalations.count },
    { section: 'escalations', figure: { key: 'table.acknowledged' }, value: v.escalations.acknowledged },
    { section: 'escalations', figure: { key: 'table.unacknowledged' }, value: v.escalations.unacknowledged },
    ...durations('timeToAcknowledge', v.escalations.timeToAcknowledge),
    ...v.byChannel.map((r): DashboardRow => ({ section: 'byChannel', figure: { code: r.channel, group: 'channel' }, value: r.contacts })),
    ...v.byContactType.map((r): DashboardRow => ({ section: 'byContactType', figure: { code: r.contactType, group: 'contactType' }, value: r.contacts })),
    ...v.outcomes.map((r): DashboardRow => ({ section: 'outcomes', figure: { code: r.outcome, group: 'outcome' }, value: r.contacts })),
    ...v.byHour.map((r): DashboardRow => ({ section: 'byHour', figure: { hour: r.hour }, value: r.contacts })),
    ...v.byDay.map((r): DashboardRow => ({ section: 'byDay', figure: { day: r.day }, value: r.contacts })),
  ];
}

export const hourText = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** The key or code a machine-readable export writes for a figure. */
export function figureCode(f: FigureName): string {
  if ('key' in f) return f.key.replace(/^(table|cards)\./, '');
  if ('code' in f) return f.code;
  if ('hour' in f) return hourText(f.hour);
  return f.day;
}

/** The text key (under `hotlineDashboard.`) naming a figure, or null when it is shown as it is (an hour, a day). */
export function figureTextKey(f: FigureName): string | null {
  if ('key' in f) return `hotlineDashboard.${f.key}`;
  if ('code' in f) return `hotlineDashboard.${f.group}.${f.code}`;
  return null;
}
