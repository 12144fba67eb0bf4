/**
 * The national statistics' figures an action-plan indicator may take its value from
 * (../shared/domain/reporting.md, "Tracker data model": an indicator's source is "a saved statistics
 * query (same counting rules as the tables) or manual entry"). A figure is one cell of a national
 * table (src/server/modules/statistics/tables.ts, `buildTables`): the table's id and a key giving a
 * code for some of its dimensions. A full key is an inner cell, a partial key a margin, the empty key
 * the grand total; tables without margins (the justice figures, UNODC's persons, SDG 16.2.2) take a
 * full key only.
 *
 * The code lists here are the ones the tables are built from (tables.ts imports them), so a link
 * checked here names a cell the tables have. Citizenship and country codes come from the records
 * (ISO 3166-1 codes), so they are checked by their form; a quarter is Q1–Q4 of the reporting year.
 */
import type { IndicatorUnit } from '../domain/action-plan.ts';
import type { StatisticsTable } from '../domain/statistics-table.ts';
import { CONTACT_TYPES, SEXES } from './hotline.ts';
import { ASSISTANCE_SERVICE_STATUSES, ASSISTANCE_SERVICES, EXPLOITATION_FORMS, REFERRAL_PURPOSES } from './nrm.ts';
import { AGENCY_TYPES } from './roles.ts';

export const AGE_GROUPS = ['child', 'adult', 'unknown'] as const;
/** A victim's identification in the statistics (not the case's `victimStatus`). */
export const IDENTIFICATION_STATUSES = ['identified', 'presumed', 'not_identified'] as const;
export const REFERRAL_STATUSES = ['pending', 'accepted', 'declined', 'completed', 'revoked'] as const;
export const JUSTICE_FIGURES = ['cases_investigated', 'suspects', 'prosecuted', 'convicted', 'acquitted'] as const;
export const UNODC_FIGURES = ['suspected', 'prosecuted', 'convicted'] as const;
export const UNODC_SEXES = ['female', 'male'] as const;
/** SDG 16.2.2's forms (UNODC's groups), as the criminal-justice figures group them. */
export const SDG_FORM_GROUPS: Readonly<Record<'sexual' | 'labour' | 'other', readonly string[]>> = {
  sexual: ['sexual_exploitation'],
  labour: ['forced_labour', 'child_labour', 'servitude', 'forced_begging'],
  other: ['forced_marriage', 'forced_military', 'organ_removal', 'forced_adoption', 'surrogacy', 'other'],
};
export const SDG_GROUPS = ['total', 'female', 'male', 'child', 'adult', 'sexualForms', 'labourForms', 'otherForms'] as const;
export const SDG_MEASURES = ['victims', 'rate'] as const;
export const QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'] as const;
export const FORM_CODES = [...EXPLOITATION_FORMS, 'unknown'] as const;
export const CONTACT_TYPE_CODES = [...CONTACT_TYPES, 'unclassified'] as const;

/** A dimension's codes: a closed list, or ISO 3166-1 country codes found in the records. */
export type FigureCodes = readonly string[] | 'country';
export type FigureDimension = { id: string; codes: FigureCodes };
export type FigureTable = { dimensions: readonly FigureDimension[]; margins: boolean };

const d = (id: string, codes: FigureCodes): FigureDimension => ({ id, codes });

/** Every national table an indicator may be linked to, with its dimensions in the table's order. */
export const FIGURE_TABLES = {
  'nrm-victims-status-sex-age': { dimensions: [d('status', IDENTIFICATION_STATUSES), d('sex', SEXES), d('ageGroup', AGE_GROUPS)], margins: true },
  'nrm-victims-form-sex': { dimensions: [d('form', FORM_CODES), d('sex', SEXES)], margins: true },
  'nrm-victims-citizenship-age': { dimensions: [d('citizenship', 'country'), d('ageGroup', AGE_GROUPS)], margins: true },
  'nrm-victims-country-sex': { dimensions: [d('country', 'country'), d('sex', SEXES)], margins: true },
  'nrm-victims-agency-status': { dimensions: [d('agencyType', AGENCY_TYPES), d('status', IDENTIFICATION_STATUSES)], margins: true },
  'nrm-victims-quarter-age': { dimensions: [d('quarter', QUARTERS), d('ageGroup', AGE_GROUPS)], margins: true },
  'nrm-referrals-purpose-status': { dimensions: [d('purpose', REFERRAL_PURPOSES), d('referralStatus', REFERRAL_STATUSES)], margins: true },
  'nrm-services-service-status': { dimensions: [d('service', ASSISTANCE_SERVICES), d('serviceStatus', ASSISTANCE_SERVICE_STATUSES)], margins: true },
  'hotline-contacts-type': { dimensions: [d('contactType', CONTACT_TYPE_CODES)], margins: true },
  'hotline-victims-sex-age': { dimensions: [d('sex', SEXES), d('ageGroup', AGE_GROUPS)], margins: true },
  'justice-figures': { dimensions: [d('figure', JUSTICE_FIGURES)], margins: false },
  'unodc-persons-sex': { dimensions: [d('figure', UNODC_FIGURES), d('sex', UNODC_SEXES)], margins: false },
  'sdg-16-2-2': { dimensions: [d('group', SDG_GROUPS), d('measure', SDG_MEASURES)], margins: false },
} as const satisfies Record<string, FigureTable>;

export type FigureTableId = keyof typeof FIGURE_TABLES;
export const FIGURE_TABLE_IDS = Object.keys(FIGURE_TABLES) as FigureTableId[];
export const isFigureTable = (id: string): id is FigureTableId => Object.hasOwn(FIGURE_TABLES, id);

/** ISO 3166-1 alpha-3 (people's citizenship) or alpha-2 (cases' countries); XXX stateless; or unknown. */
const COUNTRY_CODE = /^(?:[A-Z]{2,3}|unknown)$/;

/** An indicator's link to a figure: the table and the cell's key. */
export type FigureLink = { table: string; key: Record<string, string> };

/** A rate (SDG 16.2.2 per 100,000) or a count (every other cell). */
export function figureKind(link: FigureLink): 'count' | 'rate' {
  return link.table === 'sdg-16-2-2' && link.key.measure === 'rate' ? 'rate' : 'count';
}

/** The units that hold a figure: a count only as a count, a rate only as a number (`amount`). */
export const unitsFor = (kind: 'count' | 'rate'): readonly IndicatorUnit[] => (kind === 'count' ? ['count'] : ['amount']);

/**
 * What is wrong with a link, field by field (`statisticsTable`, `statisticsKey.<dimension>`, `unit`):
 * a table that is not one, a dimension the table does not have, a code not of its dimension, a
 * dimension left out of a table without margins, or a unit that cannot hold the figure. Empty when
 * the link names a cell.
 */
export function figureLinkProblems(link: FigureLink, unit: IndicatorUnit): Record<string, string> {
  if (!isFigureTable(link.table)) return { statisticsTable: `not a national table: one of ${FIGURE_TABLE_IDS.join(', ')}` };
  const table: FigureTable = FIGURE_TABLES[link.table];
  const out: Record<string, string> = {};
  for (const [dim, code] of Object.entries(link.key)) {
    const dimension = table.dimensions.find((x) => x.id === dim);
    if (!dimension) out[`statisticsKey.${dim}`] = `the table has no such dimension: it has ${table.dimensions.map((x) => x.id).join(', ')}`;
    else if (dimension.codes === 'country' ? !COUNTRY_CODE.test(code) : !dimension.codes.includes(code))
      out[`statisticsKey.${dim}`] = dimension.codes === 'country' ? 'an ISO 3166-1 country code (AZE, AZ), XXX or unknown' : `one of ${dimension.codes.join(', ')}`;
  }
  if (!table.margins) for (const dimension of table.dimensions) if (!(dimension.id in link.key)) out[`statisticsKey.${dimension.id}`] ??= 'required: this table has no totals';
  if (Object.keys(out).length === 0) {
    const kind = figureKind(link);
    if (!unitsFor(kind).includes(unit)) out.unit = kind === 'count' ? 'a count of the statistics is held by the unit count' : 'a rate is held by the unit amount';
  }
  return out;
}

/** The key as the tables of a year spell it: a quarter Q1–Q4 is that year's (`2025-Q1`). */
export function tableKey(link: FigureLink, year: number): Record<string, string> {
  return Object.fromEntries(Object.entries(link.key).map(([dim, code]) => [dim, dim === 'quarter' ? `${year}-${code}` : code]));
}

/** The figure's value in the tables of the year: the cell or total whose key is exactly the link's; 0 for a country the year does not have. */
export function figureValue(tables: readonly StatisticsTable[], link: FigureLink, year: number): number | null {
  const table = tables.find((x) => x.id === link.table);
  if (!table) return null;
  const key = tableKey(link, year);
  const n = Object.keys(key).length;
  const cell = [...table.cells, ...table.totals].find((c) => Object.keys(c.key).length === n && Object.entries(key).every(([dim, code]) => c.key[dim] === code));
  if (cell) return cell.value;
  // A citizenship or country no victim of the year had is not a value of the table's dimension: nobody counted.
  return Object.keys(key).some((dim) => dim === 'citizenship' || dim === 'country') ? 0 : null;
}

/** "dim=code;dim=code" (the spreadsheet's `statisticsKey`), or null when it is not that. */
export function parseFigureKey(text: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+)\s*=\s*([A-Za-z0-9_-]+)$/.exec(part);
    if (!m || Object.hasOwn(out, m[1]!)) return null;
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** ISO 3166-1 alpha-3 (people's citizenship) to alpha-2 (what Intl names), for the countries the NRM sees most. */
export const ALPHA2: Readonly<Record<string, string>> = Object.fromEntries(
  'AZE:AZ RUS:RU UZB:UZ TUR:TR ARE:AE GEO:GE IRN:IR KAZ:KZ KGZ:KG TJK:TJ TKM:TM UKR:UA BLR:BY ARM:AM MDA:MD CHN:CN IND:IN NPL:NP PAK:PK BGD:BD AFG:AF IRQ:IQ SYR:SY QAT:QA SAU:SA KWT:KW BHR:BH OMN:OM JOR:JO LBN:LB ISR:IL EGY:EG MAR:MA DEU:DE GBR:GB USA:US FRA:FR ITA:IT ESP:ES GRC:GR CYP:CY POL:PL ROU:RO BGR:BG HUN:HU CZE:CZ NLD:NL BEL:BE AUT:AT CHE:CH SWE:SE NOR:NO FIN:FI DNK:DK PHL:PH IDN:ID THA:TH VNM:VN MYS:MY LKA:LK MMR:MM KOR:KR JPN:JP NGA:NG ETH:ET KEN:KE GHA:GH UGA:UG CMR:CM SDN:SD SOM:SO'
    .split(' ')
    .map((p) => p.split(':') as [string, string]),
);
