/**
 * INTERIM ADAPTER, to be replaced by the statistics module's `nationalTables(db, { from, to, lang })`
 * (issue 13, national statistics): the tables the annual report prints until that module lands. The
 * criminal-justice figures are the justice module's own (`statistics`, converted to tables here); the
 * NRM and hotline counts are simple counts of the year's records (repository.ts), with no disclosure
 * control: the annual report is for the coordinator's office and analysts, not a public release.
 */
import type { TFunction } from 'i18next';
import type { Db } from '../../db/database.ts';
import type { Principal } from '../../access/principal.ts';
import type { Language } from '../../../shared/schemas/common.ts';
import type { z } from 'zod';
import type { FiguresView, StatisticsView } from '../../../shared/schemas/justice.ts';
import type { StatisticsTable, TableCell, TableDimension } from '../../../domain/statistics-table.ts';
import { FORM_GROUPS, SENTENCE_BANDS } from '../../../shared/justice.ts';
import { DECISION_OUTCOMES, DECISION_STAGES, EXPLOITATION_FORMS, REFERRAL_PURPOSES } from '../../../shared/nrm.ts';
import { PERSON_SEXES } from '../../../shared/people.ts';
import { CONTACT_CHANNELS } from '../../../shared/hotline.ts';
import { hasText, textsIn } from '../../i18n.ts';
import { loadCountryProfile } from '../../nrm-profile.ts';
import { statistics } from '../justice/statistics.ts';
import * as repo from './repository.ts';

type Figures = z.infer<typeof FiguresView>;

type Dim = { id: string; labelKey: string; codes: readonly string[]; labelOf: (code: string) => string };

const dimension = (t: TFunction, d: Dim, seen: readonly string[]): TableDimension => {
  const codes = [...d.codes, ...[...new Set(seen)].filter((c) => !d.codes.includes(c)).sort()];
  return { id: d.id, label: t(d.labelKey), values: codes.map((code) => ({ code, label: d.labelOf(code) })) };
};

/**
 * A count table over one or two dimensions: every inner cell (0 where nothing was counted), and
 * margins by summing when the groups do not overlap (`additive`); a victim counted under several
 * forms makes the sum no total, so such a table has none.
 */
export function countTable(t: TFunction, o: { id: string; title: string; dims: Dim[]; rows: repo.CountRow[]; additive: boolean; notes?: string[] }): StatisticsTable {
  const dims = o.dims.map((d) => dimension(t, d, o.rows.map((r) => r.key[d.id]!)));
  let keys: Record<string, string>[] = [{}];
  for (const d of dims) keys = keys.flatMap((k) => d.values.map((v) => ({ ...k, [d.id]: v.code })));
  const count = (key: Record<string, string>) =>
    o.rows.filter((r) => Object.entries(key).every(([k, v]) => r.key[k] === v)).reduce((a, r) => a + r.n, 0);
  const cell = (key: Record<string, string>): TableCell => ({ key, value: count(key), suppressed: null });
  const totals: TableCell[] = [];
  if (o.additive) {
    if (dims.length > 1) for (const d of dims) for (const v of d.values) totals.push(cell({ [d.id]: v.code }));
    totals.push(cell({}));
  }
  return { id: o.id, title: o.title, dimensions: dims, cells: keys.map(cell), totals, ...(o.notes ? { notes: o.notes } : {}) };
}

const codeLabel = (lang: Language, prefix: string, fallback: string) => (code: string) => {
  const key = `${prefix}.${code}`;
  return hasText(lang, key) ? textsIn(lang)(key) : code === '' ? fallback : code;
};

/** The justice module's figures as tables: by form of exploitation, by the offender's sex, sentences by band. */
export function justiceTables(s: StatisticsView, lang: Language): StatisticsTable[] {
  const t = textsIn(lang);
  const notes = [t('reports.tables.notesJustice')];
  const figures = [
    ['cases', t('justice.stats.cases'), (f: Figures) => f.investigations.cases],
    ['suspects', t('justice.stats.suspects'), (f: Figures) => f.investigations.suspects],
    ['prosecutions', t('justice.stats.prosecutions'), (f: Figures) => f.prosecutions.defendants],
    ['convictions', t('justice.stats.convictions'), (f: Figures) => f.convictions.defendants],
    ['acquittals', t('justice.stats.acquittals'), (f: Figures) => f.acquittals.defendants],
  ] as const;
  const figureDim = (only?: readonly string[]): TableDimension => ({
    id: 'figure',
    label: t('reports.tables.dim.figure'),
    values: figures.filter(([code]) => !only || only.includes(code)).map(([code, label]) => ({ code, label })),
  });
  const byForm: StatisticsTable = {
    id: 'justice-by-form',
    title: t('reports.tables.justiceByForm'),
    dimensions: [figureDim(), { id: 'form', label: t('reports.tables.dim.form'), values: FORM_GROUPS.map((g) => ({ code: g, label: t(`justice.form.${g}`) })) }],
    cells: figures.flatMap(([code, , get]) => FORM_GROUPS.map((g) => ({ key: { figure: code, form: g }, value: get(s.byForm[g]), suppressed: null }))),
    // A case of several forms counts under each: the totals are the figures themselves, not sums.
    totals: figures.map(([code, , get]) => ({ key: { figure: code }, value: get(s), suppressed: null })),
    notes,
  };
  const sexes = Object.keys(s.bySex).sort();
  const sexFigures = ['prosecutions', 'convictions'] as const;
  const bySex: StatisticsTable = {
    id: 'justice-by-offender-sex',
    title: t('reports.tables.justiceBySex'),
    dimensions: [figureDim(sexFigures), { id: 'sex', label: t('reports.tables.dim.sex'), values: sexes.map((x) => ({ code: x, label: codeLabel(lang, 'justice.sex', x)(x) })) }],
    cells: figures.filter(([c]) => (sexFigures as readonly string[]).includes(c)).flatMap(([code, , get]) => sexes.map((x) => ({ key: { figure: code, sex: x }, value: get(s.bySex[x]!), suppressed: null }))),
    totals: figures.filter(([c]) => (sexFigures as readonly string[]).includes(c)).map(([code, , get]) => ({ key: { figure: code }, value: get(s), suppressed: null })),
    notes,
  };
  const bands: StatisticsTable = {
    id: 'justice-sentences-by-band',
    title: t('reports.tables.justiceBands'),
    dimensions: [{ id: 'band', label: t('reports.tables.dim.band'), values: SENTENCE_BANDS.map((b) => ({ code: b, label: t(`justice.band.${b}`) })) }],
    cells: SENTENCE_BANDS.map((b) => ({ key: { band: b }, value: s.sentences.bands[b], suppressed: null })),
    totals: [{ key: {}, value: SENTENCE_BANDS.reduce((a, b) => a + s.sentences.bands[b], 0), suppressed: null }],
    notes,
  };
  return [byForm, bySex, bands];
}

/** The NRM's and the hotline's counts for the period, as tables. */
export async function nrmInterimTables(db: Db, period: repo.LocalPeriod, lang: Language): Promise<StatisticsTable[]> {
  const t = textsIn(lang);
  const notes = [t('reports.tables.notesNrm')];
  const unknown = t('reports.tables.unknown');
  const [sexAge, forms, citizenship, decisions, referrals, contacts] = await Promise.all([
    repo.victimsBySexAge(db, period),
    repo.victimsByForm(db, period),
    repo.victimsByCitizenship(db, period),
    repo.decisionsByStageOutcome(db, period),
    repo.referralsByPurpose(db, period),
    repo.contactsByChannel(db, period),
  ]);
  const dim = (id: string, codes: readonly string[], prefix: string): Dim => ({ id, labelKey: `reports.tables.dim.${id}`, codes, labelOf: codeLabel(lang, prefix, unknown) });
  return [
    countTable(t, { id: 'nrm-victims-by-sex-age', title: t('reports.tables.victimsBySexAge'), dims: [dim('sex', PERSON_SEXES, 'nrm.codes.sex'), dim('ageGroup', ['child', 'adult', 'unknown'], 'reports.tables.ageGroup')], rows: sexAge, additive: true, notes }),
    countTable(t, { id: 'nrm-victims-by-form', title: t('reports.tables.victimsByForm'), dims: [dim('form', EXPLOITATION_FORMS, 'nrm.codes.exploitation')], rows: forms, additive: false, notes }),
    countTable(t, { id: 'nrm-victims-by-citizenship', title: t('reports.tables.victimsByCitizenship'), dims: [dim('citizenship', [], 'reports.tables.citizenship')], rows: citizenship, additive: true, notes }),
    countTable(t, { id: 'nrm-identification-decisions', title: t('reports.tables.decisions'), dims: [dim('stage', DECISION_STAGES, 'nrm.codes.stage'), dim('outcome', DECISION_OUTCOMES, 'nrm.codes.outcome')], rows: decisions, additive: true, notes }),
    countTable(t, { id: 'nrm-referrals-by-purpose', title: t('reports.tables.referrals'), dims: [dim('purpose', REFERRAL_PURPOSES, 'nrm.codes.purpose')], rows: referrals, additive: true, notes }),
    countTable(t, { id: 'hotline-contacts-by-channel', title: t('reports.tables.hotline'), dims: [dim('channel', CONTACT_CHANNELS, 'hotlineConsole.channel')], rows: contacts, additive: true, notes }),
  ];
}

/**
 * Every table of the annual report for a calendar year until the statistics module lands: the
 * justice figures (read as `p`, who must see figures) and the NRM and hotline counts.
 */
export async function interimNationalTables(db: Db, p: Principal, o: { year: number; lang: Language }): Promise<StatisticsTable[]> {
  const from = `${o.year}-01-01`;
  const to = `${o.year}-12-31`;
  const profile = await loadCountryProfile(db);
  const [justice, nrm] = await Promise.all([statistics(db, p, { from, to }), nrmInterimTables(db, { from, to, timeZone: profile.timeZone }, o.lang)]);
  return [...justiceTables(justice, o.lang), ...nrm];
}
