import { useState, type FormEvent } from 'react';
import { Button, Group, NativeSelect, NumberInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { CountryProfileView, UpdateCountryProfileBody } from '../../../shared/schemas/identification.ts';
import { api } from '../../api/client.ts';
import { useCan } from '../../api/session.ts';
import { ErrorAlert, useFormSubmit, type FieldMessages } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { DisclosureEditor, disclosureBody, type DisclosureValues } from './DisclosureEditor.tsx';
import { PopulationEditor, populationBody, type PopulationRow } from './PopulationEditor.tsx';

type Profile = z.infer<typeof CountryProfileView>;
type Change = { day: string; working: boolean; reason: string };
const KEY = ['nrm', 'country-profile'];
const NUMBERS = ['rgTargetWorkingDays', 'reflectionDays', 'minDaysToConclusive', 'referralAnswerHours', 'permitExpiryReminderDays', 'impunityMinDays'] as const;

/**
 * The country profile: the NRM's deadlines and the government's swaps of working days, which every
 * deadline counts with, the population by year (SDG 16.2.2's rates) and the statistics' disclosure
 * control. Administrators (`agencies:manage`) change it; the statistics team reads it.
 */
export function CountryProfilePage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: KEY, queryFn: () => api('GET', '/nrm/country-profile', undefined, CountryProfileView) });
  return (
    <Page title={t('nrm.profile.title')} description={t('nrm.profile.intro')}>
      <ErrorAlert error={q.error} />
      {q.data && <ProfileForm key={JSON.stringify(q.data)} profile={q.data} />}
    </Page>
  );
}

function ProfileForm({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const editable = can('agencies:manage');
  const [numbers, setNumbers] = useState<Record<(typeof NUMBERS)[number], number | string>>(() => Object.fromEntries(NUMBERS.map((k) => [k, profile[k]])) as Record<(typeof NUMBERS)[number], number>);
  const [changes, setChanges] = useState<Change[]>(profile.workingDayChanges);
  const [population, setPopulation] = useState<PopulationRow[]>(profile.population);
  const loadedDisclosure: DisclosureValues = { ...profile.disclosure, openDataRounding: profile.disclosure.openDataRounding ?? '' };
  const [disclosure, setDisclosure] = useState<DisclosureValues>(loadedDisclosure);
  const { errors, error, busy, submit } = useFormSubmit(useFieldMessages());
  const setChange = (i: number, patch: Partial<Change>) => setChanges((list) => list.map((c, j) => (j === i ? { ...c, ...patch } : c)));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      ...Object.fromEntries(NUMBERS.map((k) => [k, numbers[k] === '' ? undefined : Number(numbers[k])])),
      workingDayChanges: changes,
      // Sent only when changed, so that a profile saved for its deadlines keeps following the
      // defaults' population and thresholds.
      ...(same(populationBody(population), populationBody(profile.population)) ? {} : { population: populationBody(population) }),
      ...(same(disclosureBody(disclosure), disclosureBody(loadedDisclosure)) ? {} : { disclosure: disclosureBody(disclosure) }),
    };
    void submit(UpdateCountryProfileBody, body, async (b) => {
      await api('PUT', '/nrm/country-profile', b, CountryProfileView);
      notifications.show({ color: 'teal', message: t('nrm.profile.saved') });
      await qc.invalidateQueries({ queryKey: KEY });
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label={t('nrm.profile.title')}>
      <Stack>
        <ErrorAlert error={error} />
        {!editable && <Text size="sm">{t('nrm.profile.readOnly')}</Text>}
        <Text size="sm">{t('nrm.profile.calendar', { code: profile.holidayCalendar, timeZone: profile.timeZone })}</Text>
        <Group align="flex-start">
          {NUMBERS.map((k) => (
            <NumberInput key={k} label={t(`nrm.profile.${k}`)} value={numbers[k]} onChange={(v) => setNumbers((n) => ({ ...n, [k]: v }))} error={errors[k]} min={0} allowDecimal={false} readOnly={!editable} w={220} />
          ))}
        </Group>
        <Title order={2} size="h3">{t('nrm.profile.changes')}</Title>
        <Text size="sm" c="dimmed">{t('nrm.profile.changesIntro')}</Text>
        {changes.length === 0 && <Text size="sm">{t('nrm.profile.noChanges')}</Text>}
        {changes.length > 0 && (
          <Table.ScrollContainer minWidth={640} scrollAreaProps={{ viewportProps: { tabIndex: 0, 'aria-label': t('nrm.profile.changes') } }}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('nrm.profile.day')}</Table.Th>
                  <Table.Th>{t('nrm.profile.becomes')}</Table.Th>
                  <Table.Th>{t('nrm.profile.reason')}</Table.Th>
                  {editable && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {changes.map((c, i) => (
                  <Table.Tr key={i} data-testid="working-day-change">
                    <Table.Td>
                      <TextInput type="date" aria-label={`${t('nrm.profile.day')} ${i + 1}`} value={c.day} onChange={(e) => setChange(i, { day: e.currentTarget.value })} error={errors[`workingDayChanges.${i}.day`]} readOnly={!editable} />
                    </Table.Td>
                    <Table.Td>
                      <NativeSelect
                        aria-label={`${t('nrm.profile.becomes')} ${i + 1}`}
                        value={c.working ? 'working' : 'off'}
                        onChange={(e) => setChange(i, { working: e.currentTarget.value === 'working' })}
                        data={[{ value: 'working', label: t('nrm.profile.working') }, { value: 'off', label: t('nrm.profile.dayOff') }]}
                        disabled={!editable}
                      />
                    </Table.Td>
                    <Table.Td>
                      <TextInput aria-label={`${t('nrm.profile.reason')} ${i + 1}`} value={c.reason} onChange={(e) => setChange(i, { reason: e.currentTarget.value })} error={errors[`workingDayChanges.${i}.reason`]} readOnly={!editable} />
                    </Table.Td>
                    {editable && (
                      <Table.Td>
                        <Button variant="subtle" color="red" size="xs" onClick={() => setChanges((list) => list.filter((_, j) => j !== i))}>{t('nrm.profile.remove')}</Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {editable && (
          <div>
            <Button variant="light" onClick={() => setChanges((list) => [...list, { day: '', working: false, reason: '' }])}>{t('nrm.profile.addChange')}</Button>
          </div>
        )}
        <PopulationEditor rows={population} onChange={setPopulation} errors={errors} editable={editable} />
        <DisclosureEditor values={disclosure} onChange={setDisclosure} errors={errors} editable={editable} />
        {editable && (
          <Group>
            <Button type="submit" loading={busy}>{t('nrm.profile.save')}</Button>
            {Object.keys(errors).length > 0 && !error && <Text size="sm" c="red" role="alert">{t('error.validation_failed')}</Text>}
          </Group>
        )}
      </Stack>
    </form>
  );
}

const same = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);

/** The profile schema's own messages in the user's language (the server sends the same words). */
function useFieldMessages(): FieldMessages {
  const { t } = useTranslation();
  const m = (key: string) => t(`nrm.profile.check.${key}`);
  return {
    'this year is already in the list': m('yearTwice'),
    'a year from 1990 to 2100': m('yearRange'),
    'female and male add up to the total': m('sexSum'),
    'at most the total': m('childrenOverTotal'),
    'not negative': m('notNegative'),
    'more than 0': m('positive'),
    'where the figure comes from': m('source'),
    'at least 3': m('atLeast3'),
    'at most 50': m('atMost50'),
    'from 2 to 100': m('rounding'),
    'at least the dashboard threshold': m('openBelowDashboard'),
    'a whole number': m('wholeNumber'),
    'at least 30 days (CETS art. 13)': m('reflection'),
    'this day is already in the list': m('dayTwice'),
  };
}
