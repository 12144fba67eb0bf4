import { useState } from 'react';
import { Anchor, Badge, Button, Modal, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useUser } from '../../api/session.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { displayName, usePeopleSearch } from './api.ts';
import { PersonForm } from './PersonForm.tsx';

/** Case workers: find a person by any of their names, in any script; record a new one after checking for duplicates. */
export function PeoplePage() {
  const { t } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 300);
  const search = usePeopleSearch(debounced);
  const [creating, setCreating] = useState(false);
  const canCreate = user.permissions.some((p) => p.startsWith('person:create:'));
  const items = debounced ? (search.data?.items ?? []) : [];
  return (
    <Page title={t('people.title')} description={t('people.intro')} actions={canCreate && <Button onClick={() => setCreating(true)}>{t('people.record')}</Button>}>
      <TextInput label={t('people.search')} description={t('people.searchHint')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={480} data-autofocus />
      <ErrorAlert error={search.error} />
      {debounced && !search.isFetching && items.length === 0 && !search.error && <Text c="dimmed">{t('common.nothingFound')}</Text>}
      {items.length > 0 && (
        <Table striped highlightOnHover bg="white" aria-label={t('people.results')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('people.field.name')}</Table.Th>
              <Table.Th>{t('people.field.otherNames')}</Table.Th>
              <Table.Th>{t('people.field.sex')}</Table.Th>
              <Table.Th>{t('people.field.birthYear')}</Table.Th>
              <Table.Th>{t('people.field.citizenship')}</Table.Th>
              <Table.Th>{t('people.score')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((h) => {
              const primary = displayName(h.person);
              const others = (h.person.names ?? []).filter((n) => n.asEntered !== primary).map((n) => n.asEntered);
              return (
                <Table.Tr key={h.person.id} data-testid="person-row">
                  <Table.Td><Anchor component={Link} to={`/people/${h.person.id}`}>{primary ?? t('people.hiddenName')}</Anchor></Table.Td>
                  <Table.Td><Text size="sm" c="dimmed">{others.join('; ') || '—'}</Text></Table.Td>
                  <Table.Td>{t(`people.sex.${h.person.sex}`)}</Table.Td>
                  <Table.Td>{h.person.birthYear ? `${h.person.birthYearEstimated ? '~' : ''}${h.person.birthYear}` : '—'}</Table.Td>
                  <Table.Td>{h.person.citizenship ?? '—'}</Table.Td>
                  <Table.Td><Badge variant="light" color={h.score >= 0.85 ? 'teal' : 'gray'}>{Math.round(h.score * 100)}%</Badge></Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('people.record')} size="xl">
        {creating && (
          <PersonForm
            onCancel={() => setCreating(false)}
            onSaved={(p) => void navigate(`/people/${p.id}`)}
            onPickExisting={(p) => void navigate(`/people/${p.id}`)}
          />
        )}
      </Modal>
    </Page>
  );
}
