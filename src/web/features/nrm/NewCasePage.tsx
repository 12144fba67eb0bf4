import { useState, type FormEvent } from 'react';
import { Button, Group, MultiSelect, Stack, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { EXPLOITATION_FORMS } from '../../../shared/nrm.ts';
import { CreateCaseBody } from '../../../shared/schemas/cases.ts';
import { api } from '../../api/client.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { Created, useRefreshNrm } from './api.ts';
import { options } from './labels.ts';

/** Open a case, directly or from a hotline contact (`?contactId=`): the contact's screenings come along. */
export function NewCasePage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const refresh = useRefreshNrm();
  const [contactId, setContactId] = useState(params.get('contactId') ?? '');
  const [region, setRegion] = useState('');
  const [forms, setForms] = useState<string[]>([]);
  const [narrative, setNarrative] = useState('');
  const { errors, error, busy, submit } = useFormSubmit();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const values = {
      ...(contactId.trim() ? { contactId: contactId.trim() } : {}),
      ...(region.trim() ? { region: region.trim() } : {}),
      ...(forms.length ? { exploitationForms: forms } : {}),
      ...(narrative.trim() ? { narrative: narrative.trim() } : {}),
    };
    void submit(CreateCaseBody, values, async (body) => {
      const created = await api('POST', '/cases', body, Created);
      await refresh();
      await navigate(`/cases/${created.id}`);
    });
  };
  return (
    <Page title={t('nrm.newCase.title')} description={t('nrm.newCase.intro')}>
      <form onSubmit={onSubmit} noValidate>
        <Stack maw={640}>
          <ErrorAlert error={error} />
          <TextInput label={t('nrm.newCase.contact')} description={t('nrm.newCase.contactHint')} value={contactId} onChange={(e) => setContactId(e.currentTarget.value)} error={errors.contactId} />
          <TextInput label={t('nrm.cases.region')} value={region} onChange={(e) => setRegion(e.currentTarget.value)} error={errors.region} />
          <MultiSelect label={t('nrm.cases.exploitation')} data={options(t, 'exploitation', EXPLOITATION_FORMS)} value={forms} onChange={setForms} searchable error={errors.exploitationForms} />
          <Textarea label={t('nrm.case.narrative')} value={narrative} onChange={(e) => setNarrative(e.currentTarget.value)} autosize minRows={3} error={errors.narrative} />
          <Group><Button type="submit" loading={busy}>{t('nrm.cases.open')}</Button></Group>
        </Stack>
      </form>
    </Page>
  );
}
