import { useState, type FormEvent } from 'react';
import { Badge, Button, Checkbox, Group, NumberInput, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { ImpunityIndexView } from '../../../shared/schemas/press.ts';
import { api } from '../../api/client.ts';
import { useUser } from '../../api/session.ts';
import { ErrorAlert, serverFieldErrors, type FieldErrors } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { useFormat } from '../../components/format.ts';

const KEY = ['press', 'impunity-index'];
const Indexes = z.object({ items: z.array(ImpunityIndexView) });

/**
 * The impunity index (after CPJ): computed on the server from the published incidents, stored with
 * its parameters. Analysts compute figures; reviewers may publish one to the public page.
 */
export function ImpunityIndexPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser();
  const list = useQuery({ queryKey: KEY, queryFn: () => api('GET', '/press/impunity-index', undefined, Indexes) });
  const canCompute = user.permissions.includes('incidents:override') || user.permissions.includes('incidents:publish');
  return (
    <Page title={t('pressEditing.index.title')} description={t('pressEditing.index.intro')}>
      {canCompute && <ComputeForm canPublish={user.permissions.includes('incidents:publish')} canDraft={user.permissions.includes('incidents:override')} />}
      <ErrorAlert error={list.error} />
      <Paper withBorder p="md">
        <Title order={2} size="h5" mb="xs">{t('pressEditing.index.computed')}</Title>
        {list.data && list.data.items.length === 0 && <Text size="sm" c="dimmed">{t('pressEditing.index.none')}</Text>}
        {list.data && list.data.items.length > 0 && (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('pressEditing.index.value')}</Table.Th>
                <Table.Th>{t('pressEditing.index.window')}</Table.Th>
                <Table.Th>{t('pressEditing.index.cases')}</Table.Th>
                <Table.Th>{t('pressEditing.index.population')}</Table.Th>
                <Table.Th>{t('pressEditing.index.status')}</Table.Th>
                <Table.Th>{t('pressEditing.index.at')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((x) => (
                <Table.Tr key={x.id} data-testid="index-row">
                  <Table.Td fw={600}>{x.value === null ? t('pressEditing.index.noValue', { min: x.minCases }) : f.number(x.value, { minimumFractionDigits: 3, maximumFractionDigits: 3 })}</Table.Td>
                  <Table.Td>{x.fromYear}–{x.endYear} ({t('pressEditing.index.minCasesShort', { min: x.minCases })})</Table.Td>
                  <Table.Td>{t('pressEditing.index.casesText', { count: x.unsolved, killings: x.killings })}</Table.Td>
                  <Table.Td>{f.number(x.population)} ({x.populationSource}, {x.populationYear})</Table.Td>
                  <Table.Td>{x.published ? <Badge color="teal">{t('press.published')}</Badge> : <Badge variant="light" color="gray">{t('pressEditing.index.draft')}</Badge>}</Table.Td>
                  <Table.Td>{f.dateTime(x.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Page>
  );
}

function ComputeForm({ canPublish, canDraft }: { canPublish: boolean; canDraft: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const year = new Date().getFullYear();
  const [f, setF] = useState({ endYear: year - 1, windowYears: 10, minCases: 5, population: 10_000_000, populationSource: '', populationYear: year - 1, publish: !canDraft });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const num = (k: 'endYear' | 'windowYears' | 'minCases' | 'population' | 'populationYear') => ({
    value: f[k],
    onChange: (v: string | number) => setF({ ...f, [k]: typeof v === 'number' ? v : Number(v) }),
    error: errors[k],
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      await api('POST', '/press/impunity-index', f, ImpunityIndexView);
      await qc.invalidateQueries({ queryKey: KEY });
    } catch (err) {
      setErrors(serverFieldErrors(t, err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="md">
      <form onSubmit={(e) => void submit(e)}>
        <Stack gap="sm">
          <Title order={2} size="h5">{t('pressEditing.index.compute')}</Title>
          <Text size="sm" c="dimmed">{t('pressEditing.index.computeHint')}</Text>
          <ErrorAlert error={Object.keys(errors).length > 0 ? null : error} />
          <Group align="flex-start">
            <NumberInput label={t('pressEditing.index.endYear')} min={1990} max={2100} allowDecimal={false} {...num('endYear')} w={140} />
            <NumberInput label={t('pressEditing.index.windowYears')} min={1} max={50} allowDecimal={false} {...num('windowYears')} w={140} />
            <NumberInput label={t('pressEditing.index.minCases')} min={1} max={100} allowDecimal={false} {...num('minCases')} w={140} />
          </Group>
          <Group align="flex-start">
            <NumberInput label={t('pressEditing.index.populationField')} min={1} allowDecimal={false} thousandSeparator=" " {...num('population')} w={180} />
            <TextInput label={t('pressEditing.index.populationSource')} required value={f.populationSource} onChange={(e) => setF({ ...f, populationSource: e.currentTarget.value })} error={errors.populationSource} w={260} />
            <NumberInput label={t('pressEditing.index.populationYear')} min={1900} max={2100} allowDecimal={false} {...num('populationYear')} w={140} />
          </Group>
          {canPublish && canDraft && <Checkbox label={t('pressEditing.index.publish')} checked={f.publish} onChange={(e) => setF({ ...f, publish: e.currentTarget.checked })} />}
          {canPublish && !canDraft && <Text size="sm">{t('pressEditing.index.publishes')}</Text>}
          <Group>
            <Button type="submit" loading={busy}>{t('pressEditing.index.computeButton')}</Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
