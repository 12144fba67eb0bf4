import { useState } from 'react';
import { Anchor, Badge, Button, Checkbox, Group, NativeSelect, Paper, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../components/format.ts';
import { Link, useSearchParams } from 'react-router';
import { CRIMINAL_CASE_STATUSES, FORM_GROUPS, INVESTIGATING_BODIES } from '../../../shared/justice.ts';
import { CRIMINAL_CASE_SORTS, CriminalCaseListItem } from '../../../shared/schemas/justice.ts';
import { usePagedList } from '../../api/lists.ts';
import { useCan } from '../../api/session.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { SortHeader } from '../../components/SortHeader.tsx';
import { JUSTICE_KEY, useDeadlines } from './api.ts';

/** Criminal cases the user may read: filters, sorting by a column header (kept in the URL), and the investigation time limits due. */
export function JusticeCasesPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const [status, setStatus] = useState('');
  const [body, setBody] = useState('');
  const [form, setForm] = useState('');
  const [article, setArticle] = useState('');
  const [number, setNumber] = useState('');
  const [mine, setMine] = useState(false);
  const [params, setParams] = useSearchParams();
  const asked = params.get('sort');
  const sort = CRIMINAL_CASE_SORTS.find((v) => v === asked) ?? '-openedOn';
  const setSort = (next: string) =>
    setParams((prev) => {
      const out = new URLSearchParams(prev);
      out.set('sort', next);
      return out;
    });
  const [debounced] = useDebouncedValue(number.trim(), 300);
  const [articleDebounced] = useDebouncedValue(article.trim(), 300);
  const list = usePagedList([...JUSTICE_KEY, 'cases'], '/justice/cases', CriminalCaseListItem, {
    status: status || undefined,
    body: body || undefined,
    form: form || undefined,
    article: articleDebounced || undefined,
    number: debounced || undefined,
    mine: mine ? 'true' : undefined,
    sort,
    limit: 50,
  });
  const deadlines = useDeadlines(mine);
  const canOpen = ['investigation:create:agency', 'investigation:create:all', 'investigation:create:own'].some(can);
  return (
    <Page
      title={t('justice.cases.title')}
      description={t('justice.cases.intro')}
      actions={
        <Group>
          {can('reports:aggregate') || canOpen ? <Button component={Link} to="/justice/statistics" variant="default">{t('justice.nav.statistics')}</Button> : null}
          <Button component={Link} to="/justice/statutes" variant="default">{t('justice.nav.statutes')}</Button>
          {canOpen && <Button component={Link} to="/justice/new">{t('justice.cases.open')}</Button>}
        </Group>
      }
    >
      {(deadlines.data?.items.length ?? 0) > 0 && (
        <Paper withBorder p="sm" data-testid="justice-deadlines">
          <Title order={2} size="h5" mb="xs">{t('justice.deadlines.title')}</Title>
          {deadlines.data!.items.map((d) => (
            <Group key={d.id} gap="xs">
              <Anchor component={Link} to={`/justice/${d.id}`}>{d.caseNumber}</Anchor>
              <Text size="sm">{t('justice.deadlines.due', { date: f.day(d.dueOn) })}</Text>
              {d.overdue && <Badge color="red">{t('justice.deadlines.overdue')}</Badge>}
            </Group>
          ))}
        </Paper>
      )}
      <Group align="flex-end" wrap="wrap">
        <TextInput label={t('justice.fields.caseNumber')} value={number} onChange={(e) => setNumber(e.currentTarget.value)} w={160} />
        <NativeSelect label={t('justice.fields.status')} value={status} onChange={(e) => setStatus(e.currentTarget.value)} data={[{ value: '', label: t('justice.all') }, ...CRIMINAL_CASE_STATUSES.map((s) => ({ value: s, label: t(`justice.status.${s}`) }))]} />
        <NativeSelect label={t('justice.fields.body')} value={body} onChange={(e) => setBody(e.currentTarget.value)} data={[{ value: '', label: t('justice.all') }, ...INVESTIGATING_BODIES.map((s) => ({ value: s, label: t(`justice.body.${s}`) }))]} />
        <NativeSelect label={t('justice.fields.form')} value={form} onChange={(e) => setForm(e.currentTarget.value)} data={[{ value: '', label: t('justice.all') }, ...FORM_GROUPS.map((s) => ({ value: s, label: t(`justice.form.${s}`) }))]} />
        <TextInput label={t('justice.fields.article')} value={article} onChange={(e) => setArticle(e.currentTarget.value)} w={120} />
        <Checkbox label={t('justice.cases.mine')} checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} mb={8} />
      </Group>
      <ErrorAlert error={list.error} />
      <Table striped highlightOnHover data-testid="justice-cases">
        <Table.Thead>
          <Table.Tr>
            <SortHeader label={t('justice.fields.caseNumber')} sortKey="caseNumber" value={sort} onChange={setSort} />
            <SortHeader label={t('justice.fields.openedOn')} sortKey="openedOn" value={sort} onChange={setSort} />
            <Table.Th>{t('justice.fields.agency')}</Table.Th>
            <Table.Th>{t('justice.fields.articles')}</Table.Th>
            <SortHeader label={t('justice.fields.status')} sortKey="status" value={sort} onChange={setSort} />
            <Table.Th>{t('justice.fields.defendants')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.items.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>
                <Anchor component={Link} to={`/justice/${c.id}`}>{c.caseNumber}</Anchor>
                {c.officialComplicity && <Badge ml="xs" color="grape" size="xs">{t('justice.fields.complicity')}</Badge>}
              </Table.Td>
              <Table.Td>{f.day(c.openedOn)}</Table.Td>
              <Table.Td>{c.ownerAgencyName}</Table.Td>
              <Table.Td>{c.articles.join(', ')}</Table.Td>
              <Table.Td>
                <Badge variant="light">{t(`justice.status.${c.status}`)}</Badge>
                {c.overdue && <Badge ml="xs" color="red">{t('justice.deadlines.overdue')}</Badge>}
              </Table.Td>
              <Table.Td>{c.defendants}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.items.length === 0 && !list.isLoading && <Text c="dimmed">{t('justice.cases.none')}</Text>}
      {list.hasNextPage && <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>{t('justice.more')}</Button>}
    </Page>
  );
}
