import { NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { IndicatorUnit } from '../../../domain/action-plan.ts';
import { ALPHA2, FIGURE_TABLE_IDS, FIGURE_TABLES, figureKind, figureLinkProblems, isFigureTable, type FigureLink } from '../../../shared/statistics-figures.ts';

/**
 * An indicator's source on screen (docs/action-plan.md, "Indicators from the statistics"): entered
 * by hand, or a figure of the national statistics chosen as a table and a code for each dimension
 * ("total" for a dimension left out, where the table has totals). Labels come from the statistics'
 * own texts in az, ru and en; no code is shown.
 */

/** What the form holds: no table for a manual indicator. */
export type SourceValue = { table: string | null; key: Record<string, string> };

/** A country's name in the interface language, from its ISO 3166-1 code. */
function countryName(code: string, lang: string): string | null {
  if (code === 'XXX') return null;
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code.length === 3 ? (ALPHA2[code] ?? code) : code) ?? null;
  } catch {
    return null;
  }
}

/** A dimension's code in words, by the same texts the national tables use. */
export function codeLabel(t: TFunction, lang: string, dim: string, code: string): string {
  switch (dim) {
    case 'sex':
      return t(`nrm.codes.sex.${code}`);
    case 'ageGroup':
      return t(`statistics.values.ageGroup.${code}`);
    case 'status':
      return t(`statistics.values.status.${code}`);
    case 'form':
      return code === 'unknown' ? t('statistics.values.unknown') : t(`nrm.codes.exploitation.${code}`);
    case 'agencyType':
      return t(`agencyType.${code}`);
    case 'quarter':
      return t('actionPlan.figure.quarter', { q: code.slice(1) });
    case 'purpose':
      return t(`nrm.codes.purpose.${code}`);
    case 'referralStatus':
      return t(`nrm.codes.referralStatus.${code}`);
    case 'service':
      return t(`nrmDocuments.assistance.services.${code}`);
    case 'serviceStatus':
      return t(`nrmDocuments.assistance.statuses.${code}`);
    case 'contactType':
      return code === 'unclassified' ? t('statistics.values.unclassified') : t(`hotlineDashboard.contactType.${code}`);
    case 'figure':
      return t(`statistics.values.figure.${code}`);
    case 'group':
      return t(`statistics.values.group.${code}`);
    case 'measure':
      return t(`statistics.values.measure.${code}`);
    case 'citizenship':
    case 'country':
      return code === 'unknown' ? t('statistics.values.unknown') : code === 'XXX' ? t('statistics.values.stateless') : (countryName(code, lang) ?? t('actionPlan.figure.otherCountry'));
    default:
      return t('actionPlan.figure.otherCode');
  }
}

/** A link in words: the table's title and each chosen dimension's value, or "total". */
export function figureText(t: TFunction, lang: string, link: FigureLink): string {
  if (!isFigureTable(link.table)) return t('actionPlan.figure.statistics');
  const parts = FIGURE_TABLES[link.table].dimensions.filter((d) => d.id in link.key).map((d) => `${t(`statistics.dims.${d.id}`)}: ${codeLabel(t, lang, d.id, link.key[d.id]!)}`);
  return `${t(`statistics.tables.${link.table}`)} — ${parts.length ? parts.join(', ') : t('actionPlan.figure.total')}`;
}

/** The problems of a link as the server would name them (`statisticsKey.sex`, `unit`), in the interface language. */
export function sourceProblems(t: TFunction, value: SourceValue, unit: IndicatorUnit): Record<string, string> {
  if (value.table === null) return {};
  if (value.table === '') return { statisticsTable: t('actionPlan.figure.chooseTable') };
  const link = { table: value.table, key: value.key };
  const out: Record<string, string> = {};
  for (const field of Object.keys(figureLinkProblems(link, unit))) {
    if (field === 'unit') out.unit = figureKind(link) === 'rate' ? t('actionPlan.figure.unitRate') : t('actionPlan.figure.unitCount');
    else if (field === 'statisticsTable') out.statisticsTable = t('actionPlan.figure.chooseTable');
    else {
      const dim = field.slice('statisticsKey.'.length);
      out[field] = dim === 'citizenship' || dim === 'country' ? t('actionPlan.figure.countryCode') : t('actionPlan.figure.chooseValue');
    }
  }
  return out;
}

/** The unit a figure needs, to set it when a table or code is chosen. */
export const unitFor = (value: SourceValue): IndicatorUnit | null => (value.table ? (figureKind({ table: value.table, key: value.key }) === 'rate' ? 'amount' : 'count') : null);

/**
 * The source's fields. `errors` are the form's, `prefix` this indicator's (`indicators.0.`).
 * Choosing a figure also sets the unit that holds it (`onUnit`).
 */
export function SourceFields({ value, onChange, onUnit, errors, prefix, label }: { value: SourceValue; onChange: (v: SourceValue) => void; onUnit?: (u: IndicatorUnit) => void; errors: Record<string, string>; prefix: string; label: string }) {
  const { t, i18n } = useTranslation();
  const set = (v: SourceValue) => {
    onChange(v);
    const unit = unitFor(v);
    if (unit && onUnit) onUnit(unit);
  };
  const table = value.table && isFigureTable(value.table) ? FIGURE_TABLES[value.table] : null;
  return (
    <Stack gap="xs" role="group" aria-label={label}>
      <NativeSelect
        label={t('actionPlan.figure.source')}
        value={value.table === null ? 'manual' : 'statistics'}
        onChange={(e) => set(e.currentTarget.value === 'manual' ? { table: null, key: {} } : { table: '', key: {} })}
        data={[
          { value: 'manual', label: t('actionPlan.figure.manual') },
          { value: 'statistics', label: t('actionPlan.figure.statistics') },
        ]}
      />
      {value.table !== null && (
        <>
          <NativeSelect
            label={t('actionPlan.figure.table')}
            value={value.table}
            onChange={(e) => set({ table: e.currentTarget.value, key: {} })}
            data={[{ value: '', label: '—' }, ...FIGURE_TABLE_IDS.map((id) => ({ value: id, label: t(`statistics.tables.${id}`) }))]}
            error={errors[`${prefix}statisticsTable`]}
          />
          {table?.dimensions.map((d) => {
            const field = `${prefix}statisticsKey.${d.id}`;
            const chosen = value.key[d.id] ?? '';
            const change = (code: string) => {
              const key = { ...value.key };
              if (code) key[d.id] = code;
              else delete key[d.id];
              set({ table: value.table, key });
            };
            if (d.codes === 'country') {
              const name = chosen ? codeLabel(t, i18n.language, d.id, chosen) : null;
              return (
                <TextInput
                  key={d.id}
                  label={t(`statistics.dims.${d.id}`)}
                  description={name ?? t('actionPlan.figure.countryHelp')}
                  placeholder={t('actionPlan.figure.total')}
                  value={chosen}
                  onChange={(e) => change(e.currentTarget.value.trim().toUpperCase().replace(/^UNKNOWN$/, 'unknown'))}
                  error={errors[field]}
                  maxLength={7}
                />
              );
            }
            return (
              <NativeSelect
                key={d.id}
                label={t(`statistics.dims.${d.id}`)}
                value={chosen}
                onChange={(e) => change(e.currentTarget.value)}
                data={[{ value: '', label: table.margins ? t('actionPlan.figure.total') : '—' }, ...d.codes.map((c) => ({ value: c, label: codeLabel(t, i18n.language, d.id, c) }))]}
                error={errors[field]}
              />
            );
          })}
          {table && <Text size="xs" c="dimmed">{t('actionPlan.figure.help')}</Text>}
        </>
      )}
    </Stack>
  );
}
