import { useState } from 'react';
import { Button, Checkbox, Group, MultiSelect, NativeSelect, Paper, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { COMPLICITY_AGENCY_TYPES, INVESTIGATING_BODIES } from '../../../shared/justice.ts';
import { EXPLOITATION_FORMS } from '../../../shared/nrm.ts';
import { CreateCriminalCaseBody } from '../../../shared/schemas/justice.ts';
import { useUser } from '../../api/session.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { DEFAULT_TIME_ZONE, localToday } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { post, useAgenciesOfType, useJusticeProfile } from './api.ts';

/** Opening a criminal case, possibly from an NRM case (`?nrmCase=<id>`): its victims are linked. */
export function NewCriminalCasePage() {
  const { t } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const nrmCase = params.get('nrmCase');
  const profile = useJusticeProfile();
  const prosecutors = useAgenciesOfType('prosecution');
  const [body, setBody] = useState<string>(user.agency.type === 'prosecution' ? 'prosecutor' : 'police');
  const [caseNumber, setCaseNumber] = useState('');
  const [openedOn, setOpenedOn] = useState(localToday(user.timeZone || DEFAULT_TIME_ZONE));
  const [articles, setArticles] = useState<string[]>([]);
  const [forms, setForms] = useState<string[]>([]);
  const [places, setPlaces] = useState('');
  const [complicity, setComplicity] = useState(false);
  const [complicityType, setComplicityType] = useState('');
  const [prosecutor, setProsecutor] = useState('');
  const { errors, error, busy, submit } = useFormSubmit();
  const values = {
    body,
    caseNumber,
    openedOn,
    articles,
    forms,
    places: places.split(',').map((p) => p.trim()).filter(Boolean),
    officialComplicity: complicity,
    ...(complicity && complicityType ? { complicityAgencyType: complicityType } : {}),
    nrmCaseIds: nrmCase ? [nrmCase] : [],
    ...(prosecutor ? { prosecutorAgencyId: prosecutor } : {}),
  };
  return (
    <Page title={t('justice.new.title')} description={nrmCase ? t('justice.new.fromNrm') : t('justice.new.intro')}>
      <Paper withBorder p="md" maw={720}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit(CreateCriminalCaseBody, values, async (data) => {
              const created = (await post('/justice/cases', data)) as { id: string };
              await navigate(`/justice/${created.id}`);
            });
          }}
        >
          <Stack>
            <NativeSelect label={t('justice.fields.body')} value={body} onChange={(e) => setBody(e.currentTarget.value)} data={INVESTIGATING_BODIES.map((b) => ({ value: b, label: t(`justice.body.${b}`) }))} error={errors.body} />
            <TextInput label={t('justice.fields.caseNumber')} value={caseNumber} onChange={(e) => setCaseNumber(e.currentTarget.value)} error={errors.caseNumber} required />
            <TextInput type="date" label={t('justice.fields.openedOn')} value={openedOn} onChange={(e) => setOpenedOn(e.currentTarget.value)} error={errors.openedOn} required />
            <MultiSelect
              label={t('justice.fields.articles')}
              data={(profile.data?.statutes ?? []).map((s) => ({ value: s.code, label: `${s.code} ${s.label}` }))}
              value={articles}
              onChange={setArticles}
              searchable
              error={errors.articles ?? Object.entries(errors).find(([k]) => k.startsWith('articles.'))?.[1]}
            />
            <MultiSelect label={t('justice.fields.forms')} data={EXPLOITATION_FORMS.map((f) => ({ value: f, label: t(`justice.htcds.${f}`) }))} value={forms} onChange={setForms} error={errors.forms} />
            <TextInput label={t('justice.fields.places')} description={t('justice.new.placesHint')} value={places} onChange={(e) => setPlaces(e.currentTarget.value)} />
            <Checkbox label={t('justice.fields.complicity')} checked={complicity} onChange={(e) => setComplicity(e.currentTarget.checked)} />
            {complicity && (
              <NativeSelect
                label={t('justice.fields.complicityAgencyType')}
                value={complicityType}
                onChange={(e) => setComplicityType(e.currentTarget.value)}
                data={[{ value: '', label: '—' }, ...COMPLICITY_AGENCY_TYPES.map((c) => ({ value: c, label: t(`justice.officialAgency.${c}`) }))]}
              />
            )}
            <NativeSelect
              label={t('justice.fields.prosecutorAgency')}
              value={prosecutor}
              onChange={(e) => setProsecutor(e.currentTarget.value)}
              data={[{ value: '', label: '—' }, ...(prosecutors.data ?? [])]}
              error={errors.prosecutorAgencyId}
            />
            <ErrorAlert error={error} />
            <Group>
              <Button type="submit" loading={busy}>{t('justice.new.submit')}</Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Page>
  );
}
