import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { PersonView } from '../../../shared/schemas/people.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { addAlias, displayName, mergePerson, PEOPLE_KEY, removeAlias, usePeopleSearch, usePerson } from './api.ts';

/** One person: every name they are known by, their details, aliases to add or remove, and merging a duplicate record. */
export function PersonPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const person = usePerson(id);
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [alias, setAlias] = useState({ givenName: '', familyName: '' });
  const p = person.data;
  const refresh = async (next: PersonView) => {
    client.setQueryData([...PEOPLE_KEY, 'person', next.id], next);
    await client.invalidateQueries({ queryKey: PEOPLE_KEY });
  };
  const run = async (work: () => Promise<PersonView>) => {
    setError(null);
    try {
      await refresh(await work());
    } catch (e) {
      setError(e);
    }
  };
  if (person.error) return <Page title={t('people.title')}><ErrorAlert error={person.error} /></Page>;
  if (!p) return <Page title={t('people.title')}><Text c="dimmed">{t('common.loading')}</Text></Page>;
  return (
    <Page title={displayName(p) ?? t('people.hiddenName')} description={t('people.personIntro')}>
      <Anchor component={Link} to="/people">{t('people.backToSearch')}</Anchor>
      {p.mergedInto && (
        <Alert color="blue" title={t('people.merged.title')}>
          <Anchor component={Link} to={`/people/${p.mergedInto}`}>{t('people.merged.goTo')}</Anchor>
        </Alert>
      )}
      <ErrorAlert error={error} />
      <Paper withBorder p="md">
        <Group gap="xl">
          <Text>{t('people.field.sex')}: <b>{t(`people.sex.${p.sex}`)}</b></Text>
          <Text>{t('people.field.birthDate')}: <b>{p.birthDate ?? (p.birthYear ? `${p.birthYearEstimated ? '~' : ''}${p.birthYear}` : '—')}</b></Text>
          <Text>{t('people.field.citizenship')}: <b>{p.citizenship ?? '—'}</b></Text>
          <Text>{t('people.field.languages')}: <b>{p.languages.join(', ') || '—'}</b></Text>
        </Group>
      </Paper>
      <Title order={2} size="h4">{t('people.names')}</Title>
      <Table bg="white" aria-label={t('people.names')}>
        <Table.Tbody>
          {(p.names ?? []).map((n) => (
            <Table.Tr key={n.id} data-testid="person-name">
              <Table.Td>{n.asEntered}</Table.Td>
              <Table.Td><Badge variant="light">{t(`people.script.${n.script}`)}</Badge></Table.Td>
              <Table.Td>{n.kind === 'primary' ? <Badge>{t('people.primary')}</Badge> : t('people.field.alias')}</Table.Td>
              <Table.Td>{n.kind === 'alias' && !p.mergedInto && <Button size="xs" variant="subtle" color="red" onClick={() => void run(() => removeAlias(p.id, n.id))}>{t('people.removeAlias')}</Button>}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {!p.mergedInto && (
        <Group align="flex-end">
          <TextInput label={t('people.field.givenName')} value={alias.givenName} onChange={(e) => setAlias({ ...alias, givenName: e.currentTarget.value })} />
          <TextInput label={t('people.field.familyName')} value={alias.familyName} onChange={(e) => setAlias({ ...alias, familyName: e.currentTarget.value })} />
          <Button
            variant="light"
            disabled={!alias.givenName.trim() && !alias.familyName.trim()}
            onClick={() => void run(async () => {
              const next = await addAlias(p.id, { givenName: alias.givenName.trim() || null, familyName: alias.familyName.trim() || null });
              setAlias({ givenName: '', familyName: '' });
              return next;
            })}
          >
            {t('people.addAlias')}
          </Button>
        </Group>
      )}
      {!p.mergedInto && <MergePanel person={p} onMerged={(next) => void refresh(next)} />}
    </Page>
  );
}

/** Finds the other record of the same person and merges this one into it, with a reason. */
function MergePanel({ person, onMerged }: { person: PersonView; onMerged: (into: PersonView) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 300);
  const search = usePeopleSearch(debounced, 10);
  const [target, setTarget] = useState<PersonView | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const candidates = (debounced ? (search.data?.items ?? []) : []).filter((h) => h.person.id !== person.id);
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h4">{t('people.merge.title')}</Title>
        <Text size="sm" c="dimmed">{t('people.merge.intro')}</Text>
        <TextInput label={t('people.merge.find')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={420} />
        {candidates.map((h) => (
          <Group key={h.person.id}>
            <Button size="xs" variant={target?.id === h.person.id ? 'filled' : 'light'} onClick={() => setTarget(h.person)}>{displayName(h.person) ?? h.person.id}</Button>
            <Text size="xs" c="dimmed">{[h.person.birthYear, h.person.citizenship].filter(Boolean).join(' · ')}</Text>
          </Group>
        ))}
        {target && (
          <>
            <Textarea label={t('people.merge.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            <ErrorAlert error={error} />
            <Group>
              <Button
                color="red"
                loading={busy}
                disabled={reason.trim().length < 3}
                onClick={() => {
                  setBusy(true);
                  setError(null);
                  mergePerson(person.id, target.id, reason.trim())
                    .then(onMerged)
                    .catch(setError)
                    .finally(() => setBusy(false));
                }}
              >
                {t('people.merge.confirm', { name: displayName(target) ?? '' })}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}
