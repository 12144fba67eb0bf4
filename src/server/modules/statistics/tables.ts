/**
 * The national statistical tables (docs/statistics.md), computed from the records for any period:
 * NRM victims (GRETA, Eurostat, UK-style quarters), referrals and services, the hotline's figures
 * (its presumed victims apart from the NRM's), the criminal-justice figures (justice/statistics.ts)
 * with UNODC's persons by sex, and SDG 16.2.2. Labels in az, ru or en (src/server/i18n.ts).
 */
import type { Db } from '../../db/database.ts';
import type { Principal } from '../../access/principal.ts';
import type { Language } from '../../../shared/schemas/common.ts';
import type { StatisticsTable, TableCell, TableDimension } from '../../../domain/statistics-table.ts';
import { universeOf, type ReleaseTable } from '../../../domain/disclosure.ts';
import type { CountryProfile } from '../../../domain/country-profile.ts';
import { AGENCY_TYPES } from '../../../shared/roles.ts';
import { AGE_GROUPS, ALPHA2, CONTACT_TYPE_CODES, FORM_CODES, IDENTIFICATION_STATUSES, JUSTICE_FIGURES, REFERRAL_STATUSES, SDG_FORM_GROUPS, SDG_MEASURES, UNODC_FIGURES, UNODC_SEXES } from '../../../shared/statistics-figures.ts';
import { ASSISTANCE_SERVICE_STATUSES, ASSISTANCE_SERVICES, REFERRAL_PURPOSES } from '../../../shared/nrm.ts';
import { SEXES } from '../../../shared/hotline.ts';
import { textsIn } from '../../i18n.ts';
import { loadCountryProfile } from '../../nrm-profile.ts';
import { statistics as justiceStatistics } from '../justice/statistics.ts';
import * as repo from './repository.ts';

export { AGE_GROUPS };
export const VICTIM_STATUSES = IDENTIFICATION_STATUSES;
const FORM_GROUPS = SDG_FORM_GROUPS;

/** Everything the tables are made of: grouped counts only, no row about a person. */
export type NationalData = {
  period: repo.Period;
  victims: repo.VictimGroup[];
  referrals: Array<{ purpose: string; status: string; n: number }>;
  services: Array<{ service: string; status: string; n: number }>;
  contacts: Array<{ contactType: string | null; n: number }>;
  hotlineVictims: Array<{ sex: string; ageGroup: string; n: number }>;
  justice: Awaited<ReturnType<typeof justiceStatistics>>;
  population: CountryProfile['population'];
};

/** The criminal-justice figures are aggregates: read as an aggregate reporter, whoever asks. */
const FIGURES_READER: Principal = { userId: '00000000-0000-0000-0000-000000000000', agencyId: '00000000-0000-0000-0000-000000000000', email: '', roles: [], permissions: new Set(['reports:aggregate']), via: 'session', sessionId: null, tokenId: null };

export async function nationalData(db: Db, period: repo.Period): Promise<NationalData> {
  const profile = await loadCountryProfile(db);
  const [victims, referrals, services, contacts, hotlineVictims, justice] = await Promise.all([
    repo.victimGroups(db, period),
    repo.referralGroups(db, period),
    repo.serviceGroups(db, period),
    repo.hotlineContactGroups(db, period),
    repo.hotlineVictimGroups(db, period),
    justiceStatistics(db, FIGURES_READER, { from: period.from, to: period.to }),
  ]);
  return { period, victims, referrals, services, contacts, hotlineVictims, justice, population: profile.population };
}

/** Whether the period holds anything at all to count. */
export function hasData(d: NationalData): boolean {
  const j = d.justice;
  return d.victims.length + d.referrals.length + d.services.length + d.contacts.length + d.hotlineVictims.length > 0 || j.investigations.cases + j.prosecutions.defendants + j.convictions.defendants + j.acquittals.defendants > 0;
}

type Counted = { key: Record<string, string>; n: number };

/** A table over `dims` with every inner cell (0 where nothing counts) and, with `margins`, every margin. */
function cube(id: string, title: string, dims: TableDimension[], rows: Counted[], margins = true, notes?: string[]): StatisticsTable {
  let keys: Array<Record<string, string>> = [{}];
  for (const d of dims) keys = keys.flatMap((k) => d.values.map((v) => ({ ...k, [d.id]: v.code })));
  const SEP = '\u0001';
  // The rows summed to this table's dimensions first (the rows split by many more), then every
  // margin summed from those inner cells: linear in the rows and the cells.
  const index = new Map<string, number>();
  for (const r of rows) {
    const k = dims.map((d) => r.key[d.id]).join(SEP);
    index.set(k, (index.get(k) ?? 0) + r.n);
  }
  const cells: TableCell[] = keys.map((key) => ({ key, value: index.get(dims.map((d) => key[d.id]).join(SEP)) ?? 0, suppressed: null }));
  const totals: TableCell[] = [];
  if (margins) {
    for (let mask = (1 << dims.length) - 1; mask >= 1; mask--) {
      const kept = dims.filter((_, i) => !(mask & (1 << i)));
      const sums = new Map<string, number>();
      for (const [k, n] of index) {
        const parts = k.split(SEP);
        const mk = dims.flatMap((d, i) => (mask & (1 << i) ? [] : [parts[i]])).join(SEP);
        sums.set(mk, (sums.get(mk) ?? 0) + n);
      }
      let ks: Array<Record<string, string>> = [{}];
      for (const d of kept) ks = ks.flatMap((k) => d.values.map((v) => ({ ...k, [d.id]: v.code })));
      for (const key of ks) totals.push({ key, value: sums.get(kept.map((d) => key[d.id]).join(SEP)) ?? 0, suppressed: null });
    }
  }
  return { id, title, dimensions: dims, cells, totals, ...(notes ? { notes } : {}) };
}

const present = (codes: Array<string | null>) => {
  const counts = new Map<string, number>();
  for (const c of codes) counts.set(c ?? 'unknown', (counts.get(c ?? 'unknown') ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => (a === 'unknown' ? 1 : b === 'unknown' ? -1 : a.localeCompare(b)));
};

function quartersOf(p: repo.Period): string[] {
  const out: string[] = [];
  let y = Number(p.from.slice(0, 4));
  let q = Math.floor((Number(p.from.slice(5, 7)) - 1) / 3) + 1;
  const endY = Number(p.to.slice(0, 4));
  const endQ = Math.floor((Number(p.to.slice(5, 7)) - 1) / 3) + 1;
  while (y < endY || (y === endY && q <= endQ)) {
    out.push(`${y}-Q${q}`);
    q++;
    if (q > 4) {
      q = 1;
      y++;
    }
  }
  return out;
}

/** One labelled table with the population it counts and whether public releases carry it. */
export type LabelledTable = ReleaseTable & { public: boolean };

/** The tables of a period in one language. */
export function buildTables(d: NationalData, lang: Language): LabelledTable[] {
  const t = textsIn(lang);
  const region = new Intl.DisplayNames([lang], { type: 'region' });
  const unknown = t('statistics.values.unknown');
  const countryLabel = (c: string) => {
    if (c === 'unknown') return unknown;
    if (c === 'XXX') return t('statistics.values.stateless');
    try {
      return region.of(c.length === 3 ? (ALPHA2[c] ?? c) : c) ?? c;
    } catch {
      return c;
    }
  };
  const dim = (id: string, codes: readonly string[], label: (c: string) => string): TableDimension => ({ id, label: t(`statistics.dims.${id}`), values: codes.map((code) => ({ code, label: label(code) })) });
  const sex = dim('sex', SEXES, (c) => t(`nrm.codes.sex.${c}`));
  const age = dim('ageGroup', AGE_GROUPS, (c) => t(`statistics.values.ageGroup.${c}`));
  const status = dim('status', VICTIM_STATUSES, (c) => t(`statistics.values.status.${c}`));
  const form = dim('form', FORM_CODES, (c) => (c === 'unknown' ? unknown : t(`nrm.codes.exploitation.${c}`)));
  const citizenship = dim('citizenship', present(d.victims.map((v) => v.citizenship)), countryLabel);
  const country = dim('country', present(d.victims.map((v) => v.country)), countryLabel);
  const agency = dim('agencyType', AGENCY_TYPES, (c) => t(`agencyType.${c}`));
  const quarter = dim('quarter', quartersOf(d.period), (c) => t('statistics.values.quarter', { year: c.slice(0, 4), q: c.slice(6) }));
  const title = (id: string) => t(`statistics.tables.${id}`);
  const { from, to } = d.period;
  const U = (population: string) => universeOf(population, from, to);

  const victims = d.victims.map((v) => ({ key: { sex: v.sex, ageGroup: v.ageGroup, status: v.status, citizenship: v.citizenship ?? 'unknown', country: v.country ?? 'unknown', form: v.form ?? 'unknown', agencyType: v.agencyType, quarter: v.quarter }, n: v.n }));
  const j = d.justice;
  const articles = j.countedArticles.join(', ');
  const justiceNotes = [t('statistics.notes.articles', { articles }), t('statistics.notes.justiceSource')];

  const out: LabelledTable[] = [
    { universe: U('nrm-victims'), public: true, table: cube('nrm-victims-status-sex-age', title('nrm-victims-status-sex-age'), [status, sex, age], victims, true, [t('statistics.notes.nrmVictims')]) },
    { universe: U('nrm-victims'), public: true, table: cube('nrm-victims-form-sex', title('nrm-victims-form-sex'), [form, sex], victims, true, [t('statistics.notes.firstForm')]) },
    { universe: U('nrm-victims'), public: true, table: cube('nrm-victims-citizenship-age', title('nrm-victims-citizenship-age'), [citizenship, age], victims) },
    { universe: U('nrm-victims'), public: true, table: cube('nrm-victims-country-sex', title('nrm-victims-country-sex'), [country, sex], victims) },
    { universe: U('nrm-victims'), public: true, table: cube('nrm-victims-agency-status', title('nrm-victims-agency-status'), [agency, status], victims) },
    { universe: U('nrm-victims'), public: true, table: cube('nrm-victims-quarter-age', title('nrm-victims-quarter-age'), [quarter, age], victims) },
    {
      universe: U('nrm-referrals'),
      public: true,
      table: cube('nrm-referrals-purpose-status', title('nrm-referrals-purpose-status'), [dim('purpose', REFERRAL_PURPOSES, (c) => t(`nrm.codes.purpose.${c}`)), dim('referralStatus', REFERRAL_STATUSES, (c) => t(`nrm.codes.referralStatus.${c}`))], d.referrals.map((r) => ({ key: { purpose: r.purpose, referralStatus: r.status }, n: r.n }))),
    },
    {
      universe: U('nrm-services'),
      public: true,
      table: cube('nrm-services-service-status', title('nrm-services-service-status'), [dim('service', ASSISTANCE_SERVICES, (c) => t(`nrmDocuments.assistance.services.${c}`)), dim('serviceStatus', ASSISTANCE_SERVICE_STATUSES, (c) => t(`nrmDocuments.assistance.statuses.${c}`))], d.services.map((r) => ({ key: { service: r.service, serviceStatus: r.status }, n: r.n }))),
    },
    {
      universe: U('hotline-contacts'),
      public: true,
      table: cube('hotline-contacts-type', title('hotline-contacts-type'), [dim('contactType', CONTACT_TYPE_CODES, (c) => (c === 'unclassified' ? t('statistics.values.unclassified') : t(`hotlineDashboard.contactType.${c}`)))], d.contacts.map((r) => ({ key: { contactType: r.contactType ?? 'unclassified' }, n: r.n }))),
    },
    { universe: U('hotline-victims'), public: true, table: cube('hotline-victims-sex-age', title('hotline-victims-sex-age'), [sex, age], d.hotlineVictims.map((r) => ({ key: { sex: r.sex, ageGroup: r.ageGroup }, n: r.n })), true, [t('statistics.notes.hotlineVictims')]) },
    {
      universe: U('justice'),
      public: true,
      table: cube(
        'justice-figures',
        title('justice-figures'),
        [dim('figure', JUSTICE_FIGURES, (c) => t(`statistics.values.figure.${c}`))],
        [
          { key: { figure: 'cases_investigated' }, n: j.investigations.cases },
          { key: { figure: 'suspects' }, n: j.investigations.suspects },
          { key: { figure: 'prosecuted' }, n: j.prosecutions.defendants },
          { key: { figure: 'convicted' }, n: j.convictions.defendants },
          { key: { figure: 'acquitted' }, n: j.acquittals.defendants },
        ],
        false,
        justiceNotes,
      ),
    },
    {
      universe: U('justice-persons'),
      public: true,
      table: cube(
        'unodc-persons-sex',
        title('unodc-persons-sex'),
        [dim('figure', UNODC_FIGURES, (c) => t(`statistics.values.figure.${c}`)), dim('sex', UNODC_SEXES, (c) => t(`nrm.codes.sex.${c}`))],
        UNODC_SEXES.flatMap((s) => {
          const f = j.bySex[s];
          return f ? [{ key: { figure: 'suspected', sex: s }, n: f.investigations.suspects }, { key: { figure: 'prosecuted', sex: s }, n: f.prosecutions.defendants }, { key: { figure: 'convicted', sex: s }, n: f.convictions.defendants }] : [];
        }),
        false,
        justiceNotes,
      ),
    },
  ];
  const sdg = sdgTable(d, lang);
  if (sdg) out.push({ universe: U('sdg'), public: false, table: sdg });
  return out;
}

/**
 * SDG 16.2.2: detected victims (identified and presumed, not those found not to be victims) per
 * 100,000 residents, by sex, age group and form, with the population of the period's last year.
 * Internal only: UNODC computes the rate from the counts, which the releases carry.
 */
function sdgTable(d: NationalData, lang: Language): StatisticsTable | null {
  const t = textsIn(lang);
  const year = Number(d.period.to.slice(0, 4));
  const pop = [...d.population].sort((a, b) => b.year - a.year).find((p) => p.year <= year) ?? null;
  if (!pop) return null;
  const detected = d.victims.filter((v) => v.status !== 'not_identified');
  const n = (f: (v: repo.VictimGroup) => boolean) => detected.filter(f).reduce((s, v) => s + v.n, 0);
  const groups: Array<[string, number, number]> = [
    ['total', n(() => true), pop.total],
    ['female', n((v) => v.sex === 'female'), pop.female],
    ['male', n((v) => v.sex === 'male'), pop.male],
    ['child', n((v) => v.ageGroup === 'child'), pop.children],
    ['adult', n((v) => v.ageGroup === 'adult'), pop.total - pop.children],
    ...Object.entries(FORM_GROUPS).map(([g, forms]): [string, number, number] => [`${g}Forms`, n((v) => v.form !== null && forms.includes(v.form)), pop.total]),
  ];
  const rate = (k: number, of: number) => (of > 0 ? Math.round((k / of) * 100_000 * 1000) / 1000 : 0);
  return {
    id: 'sdg-16-2-2',
    title: t('statistics.tables.sdg-16-2-2'),
    dimensions: [
      { id: 'group', label: t('statistics.dims.group'), values: groups.map(([g]) => ({ code: g, label: t(`statistics.values.group.${g}`) })) },
      { id: 'measure', label: t('statistics.dims.measure'), values: SDG_MEASURES.map((m) => ({ code: m, label: t(`statistics.values.measure.${m}`) })) },
    ],
    cells: groups.flatMap(([g, k, of]) => [
      { key: { group: g, measure: 'victims' }, value: k, suppressed: null },
      { key: { group: g, measure: 'rate' }, value: rate(k, of), suppressed: null },
    ]),
    totals: [],
    notes: [t('statistics.notes.population', { year: pop.year, total: pop.total, source: pop.source })],
  };
}

/**
 * The national tables of a period in az, ru or en: what the coordinator's and analysts' screens show
 * and what the annual report prints (exact figures: no disclosure control inside Pathway).
 */
export async function nationalTables(db: Db, q: { from: string; to: string; lang: Language }): Promise<StatisticsTable[]> {
  return buildTables(await nationalData(db, { from: q.from, to: q.to }), q.lang).map((x) => x.table);
}
