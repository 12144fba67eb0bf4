import { useState } from 'react';
import { Anchor, Badge, Button, Group, MultiSelect, Table, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { CASE_STATUSES, EXPLOITATION_FORMS } from '../../../shared/nrm.ts';
import { CASE_SORTS, CaseListItem, CaseListQuery, type CaseSort } from '../../../shared/schemas/cases.ts';
import { usePagedList } from '../../api/lists.ts';
import { useCan } from '../../api/session.ts';
import { checkForm, ErrorAlert, serverFieldErrors } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { SortHeader } from '../../components/SortHeader.tsx';
import { useFormat } from '../../components/format.ts';
import { CASES_KEY } from './api.ts';
import { codeLabel, options, STATUS_COLORS } from './labels.ts';

/**
 * The cases the user may see, newest first or in the order of a clicked header (kept in the address as
 * `?sort=`, so reload and back keep it; a new order starts again from the first page), filtered by
 * status, form of exploitation and number.
 */
export function CasesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const formatDate = useFormat().short;
  const [params, setParams] = useSearchParams();
  const asked = params.get('sort');
  const sort: CaseSort = CASE_SORTS.find((s) => s === asked) ?? '-created';
  const setSort = (next: string) => setParams((p) => { const q = new URLSearchParams(p); q.set('sort', next); return q; }, { replace: true });
  const [status, setStatus] = useState<string[]>([]);
  const [forms, setForms] = useState<string[]>([]);
  const [number, setNumber] = useState('');
  const [name, setName] = useState('');
  const [debounced] = useDebouncedValue(number.trim(), 300);
  const [debouncedName] = useDebouncedValue(name.trim(), 400);
  // The search boxes are checked with the API's own schema before anything is asked: a name typed
  // into the number box is pointed out at that box, not answered "something went wrong".
  const typed = { ...(debounced ? { number: debounced } : {}), ...(debouncedName.length >= 2 ? { name: debouncedName } : {}) };
  const checked = checkForm(t, CaseListQuery, typed);
  const local = checked.errors ?? {};
  const list = usePagedList(CASES_KEY, '/cases', CaseListItem, {
    status: status.join(',') || undefined,
    exploitation: forms.join(',') || undefined,
    number: local.number ? undefined : typed.number,
    name: local.name ? undefined : typed.name,
    sort,
    limit: 50,
  });
  const fieldErrors = { ...serverFieldErrors(t, list.error), ...local };
  const fieldError = (k: 'number' | 'name') => (fieldErrors[k] ? (k === 'number' ? t('handoffs.numberHint') : fieldErrors[k]) : undefined);
  const otherError = list.error && !fieldErrors.number && !fieldErrors.name ? list.error : null;
  const canOpen = ['case:create:agency', 'case:create:all', 'case:create:own'].some(can);
  return (
    <Page title={t('nrm.cases.title')} description={t('nrm.cases.intro')} actions={
        <Group>
          <Button component={Link} to="/cases/htcds" variant="default">{t('nrmHtcds.open')}</Button>
          {canOpen && <Button component={Link} to="/cases/new">{t('nrm.cases.open')}</Button>}
        </Group>
      }>
      <Group align="flex-end">
        <TextInput label={t('nrm.cases.number')} value={number} onChange={(e) => setNumber(e.currentTarget.value)} w={220} error={fieldError('number')} placeholder="NRM-2026-000002" />
        <TextInput label={t('handoffs.search')} description={t('handoffs.searchHint')} value={name} onChange={(e) => setName(e.currentTarget.value)} w={240} error={fieldError('name')} />
        <MultiSelect label={t('nrm.cases.status')} data={options(t, 'caseStatus', CASE_STATUSES)} value={status} onChange={setStatus} w={260} clearable />
        <MultiSelect label={t('nrm.cases.exploitation')} data={options(t, 'exploitation', EXPLOITATION_FORMS)} value={forms} onChange={setForms} w={320} clearable searchable />
      </Group>
      <ErrorAlert error={otherError} />
      <Table striped highlightOnHover bg="white">
        <Table.Thead>
          <Table.Tr>
            <SortHeader label={t('nrm.cases.number')} sortKey="number" value={sort} onChange={setSort} />
            <Table.Th>{t('nrm.cases.status')}</Table.Th>
            <Table.Th>{t('nrm.cases.victimStatus')}</Table.Th>
            <Table.Th>{t('nrm.cases.exploitation')}</Table.Th>
            <Table.Th>{t('nrm.cases.region')}</Table.Th>
            <Table.Th>{t('nrm.cases.agency')}</Table.Th>
            <SortHeader label={t('nrm.cases.opened')} sortKey="opened" value={sort} onChange={setSort} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.items.map((c) => (
            <Table.Tr key={c.id} data-testid="case-row">
              <Table.Td><Anchor component={Link} to={`/cases/${c.id}`}>{c.caseNumber}</Anchor>{c.access === 'granted' && <Badge ml="xs" size="xs" variant="light">{t('nrm.cases.shared')}</Badge>}</Table.Td>
              <Table.Td><Badge color={STATUS_COLORS[c.status]} variant="light">{codeLabel(t, 'caseStatus', c.status)}</Badge></Table.Td>
              <Table.Td>{codeLabel(t, 'victimStatus', c.victimStatus)}</Table.Td>
              <Table.Td>{c.exploitationForms.map((f) => codeLabel(t, 'exploitation', f)).join(', ') || '—'}</Table.Td>
              <Table.Td>{c.region ?? '—'}</Table.Td>
              <Table.Td>{c.ownerAgencyName}</Table.Td>
              <Table.Td>{formatDate(c.openedAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {!list.isPending && list.items.length === 0 && <p>{t('nrm.cases.none')}</p>}
      {list.hasNextPage && <Button variant="subtle" onClick={() => void list.fetchNextPage()}>{t('nrm.more')}</Button>}
    </Page>
  );
}
