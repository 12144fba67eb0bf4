import { Button, Group, NumberInput, Paper, SimpleGrid, Stack, Table, Text, Textarea, Title, VisuallyHidden } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import type { FieldErrors } from '../../components/errors.tsx';

/** A population year as typed: a number field left empty is '' until the form is checked. */
export type PopulationRow = { year: number | string; total: number | string; female: number | string; male: number | string; children: number | string; source: string };
const COUNTS = ['total', 'female', 'male', 'children'] as const;

/** An empty field becomes "missing" for the schema (Required), anything else the number typed. */
export const asNumber = (v: number | string): number | undefined => (v === '' ? undefined : Number(v));
export const populationBody = (rows: PopulationRow[]) =>
  rows.map((r) => ({ year: asNumber(r.year), ...Object.fromEntries(COUNTS.map((k) => [k, asNumber(r[k])])), source: r.source }));

/**
 * The resident population by year (SDG 16.2.2's denominator): a row per year, each figure at its own
 * field, refused by field as the server refuses it (`population.<i>.<field>`). A table on wider
 * screens; on a phone each year is a card of its own (seven columns would not fit 360 px).
 */
export function PopulationEditor({ rows, onChange, errors, editable }: { rows: PopulationRow[]; onChange: (rows: PopulationRow[]) => void; errors: FieldErrors; editable: boolean }) {
  const { t } = useTranslation();
  // Mantine's `sm` breakpoint; read at once (no server rendering), so a phone never draws the table first.
  const phone = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const set = (i: number, patch: Partial<PopulationRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const label = (k: string, i: number) => `${t(`nrm.profile.population.${k}`)} ${i + 1}`;
  const add = () => {
    const years = rows.map((r) => Number(r.year)).filter((y) => Number.isInteger(y) && y > 0);
    onChange([...rows, { year: years.length > 0 ? Math.max(...years) + 1 : new Date().getFullYear(), total: '', female: '', male: '', children: '', source: '' }]);
  };
  const yearInput = (r: PopulationRow, i: number, visible: boolean) => (
    <NumberInput label={visible ? t('nrm.profile.population.year') : undefined} aria-label={label('year', i)} value={r.year} onChange={(v) => set(i, { year: v })} error={errors[`population.${i}.year`]} allowDecimal={false} clampBehavior="none" hideControls readOnly={!editable} />
  );
  const countInput = (r: PopulationRow, i: number, k: (typeof COUNTS)[number], visible: boolean) => (
    <NumberInput label={visible ? t(`nrm.profile.population.${k}`) : undefined} aria-label={label(k, i)} value={r[k]} onChange={(v) => set(i, { [k]: v })} error={errors[`population.${i}.${k}`]} allowDecimal={false} clampBehavior="none" thousandSeparator=" " hideControls readOnly={!editable} />
  );
  const sourceInput = (r: PopulationRow, i: number, visible: boolean) => (
    <Textarea label={visible ? t('nrm.profile.population.source') : undefined} aria-label={label('source', i)} value={r.source} onChange={(e) => set(i, { source: e.currentTarget.value })} error={errors[`population.${i}.source`]} autosize minRows={1} readOnly={!editable} />
  );
  const removeButton = (i: number) => (
    <Button variant="subtle" color="red" size="xs" aria-label={`${t('nrm.profile.remove')}: ${label('year', i)}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
      {t('nrm.profile.remove')}
    </Button>
  );
  return (
    <Stack gap="xs">
      <Title order={2} size="h3">{t('nrm.profile.population.title')}</Title>
      <Text size="sm" c="dimmed">{t('nrm.profile.population.intro')}</Text>
      {errors.population && <Text size="sm" c="red" role="alert">{errors.population}</Text>}
      {rows.length === 0 && <Text size="sm">{t('nrm.profile.population.none')}</Text>}
      {rows.length > 0 && phone &&
        rows.map((r, i) => (
          <Paper key={i} withBorder p="sm" data-testid="population-year" role="group" aria-label={label('year', i)}>
            <Stack gap="xs">
              <SimpleGrid cols={2} spacing="xs">
                {yearInput(r, i, true)}
                {COUNTS.map((k) => (
                  <div key={k}>{countInput(r, i, k, true)}</div>
                ))}
              </SimpleGrid>
              {sourceInput(r, i, true)}
              {editable && <Group justify="flex-end">{removeButton(i)}</Group>}
            </Stack>
          </Paper>
        ))}
      {rows.length > 0 && !phone && (
        <Table.ScrollContainer minWidth={900} scrollAreaProps={{ viewportProps: { tabIndex: 0, 'aria-label': t('nrm.profile.population.title') } }}>
          <Table verticalSpacing="xs" data-testid="population-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={110}>{t('nrm.profile.population.year')}</Table.Th>
                {COUNTS.map((k) => (
                  <Table.Th key={k} w={140}>{t(`nrm.profile.population.${k}`)}</Table.Th>
                ))}
                <Table.Th>{t('nrm.profile.population.source')}</Table.Th>
                {editable && <Table.Th w={90}><VisuallyHidden>{t('nrm.profile.population.actions')}</VisuallyHidden></Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r, i) => (
                <Table.Tr key={i} data-testid="population-year" style={{ verticalAlign: 'top' }}>
                  <Table.Td>{yearInput(r, i, false)}</Table.Td>
                  {COUNTS.map((k) => (
                    <Table.Td key={k}>{countInput(r, i, k, false)}</Table.Td>
                  ))}
                  <Table.Td>{sourceInput(r, i, false)}</Table.Td>
                  {editable && <Table.Td>{removeButton(i)}</Table.Td>}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editable && (
        <div>
          <Button variant="light" onClick={add}>{t('nrm.profile.population.add')}</Button>
        </div>
      )}
    </Stack>
  );
}
