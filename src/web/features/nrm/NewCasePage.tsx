import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Fieldset, Group, MultiSelect, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { EXPLOITATION_FORMS } from '../../../shared/nrm.ts';
import { CreateCaseBody } from '../../../shared/schemas/cases.ts';
import { ContactDetail } from '../../../shared/schemas/contacts.ts';
import { api } from '../../api/client.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { Created, useRefreshNrm } from './api.ts';
import { codeLabel, options } from './labels.ts';

/**
 * Open a case, directly or from a hotline contact (`?contactId=`): the contact's screenings, place,
 * forms, summary and the potential victims the operator recorded come along (the name, if the caller
 * gave one, is added here).
 */
export function NewCasePage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const refresh = useRefreshNrm();
  const [contactId, setContactId] = useState(params.get('contactId') ?? '');
  const [region, setRegion] = useState('');
  const [forms, setForms] = useState<string[]>([]);
  const [narrative, setNarrative] = useState('');
  const [givenName, setGivenName] = useState('');
  const [familyName, setFamilyName] = useState('');
  const { errors, error, busy, submit } = useFormSubmit();
  // From a contact: what the operator recorded fills the form, to be seen and corrected before the case is opened.
  const fromContact = params.get('contactId');
  const contact = useQuery({ queryKey: ['contacts', fromContact, 'for-case'], queryFn: () => api('GET', `/contacts/${fromContact}`, undefined, ContactDetail), enabled: Boolean(fromContact) });
  const c = contact.data;
  useEffect(() => {
    if (!c) return;
    setRegion((r) => r || (c.region ?? ''));
    setForms((f) => (f.length ? f : c.categories.filter((k) => k.startsWith('trafficking.')).map((k) => k.slice('trafficking.'.length)).filter((k) => (EXPLOITATION_FORMS as readonly string[]).includes(k))));
    setNarrative((n) => n || (c.summary ?? ''));
  }, [c]);
  const victims = (c?.persons ?? []).filter((p) => p.role === 'potential_victim');
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const values = {
      ...(contactId.trim() ? { contactId: contactId.trim() } : {}),
      ...(region.trim() ? { region: region.trim() } : {}),
      ...(forms.length ? { exploitationForms: forms } : {}),
      ...(narrative.trim() ? { narrative: narrative.trim() } : {}),
      // The victims the operator recorded come along on the server; the name completes the first.
      ...(givenName.trim() || familyName.trim() ? { victim: { name: { ...(givenName.trim() ? { givenName: givenName.trim() } : {}), ...(familyName.trim() ? { familyName: familyName.trim() } : {}) } } } : {}),
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
          {c && (
            <Alert color="blue" title={t('handoffs.fromContact')} data-testid="from-contact">
              <Text size="sm">{[c.region, c.city].filter(Boolean).join(', ') || '—'}</Text>
              {victims.map((v, n) => (
                <Text key={n} size="sm">{[codeLabel(t, 'sex', v.sex), v.age !== null ? String(v.age) : null, v.nationality].filter(Boolean).join(', ')}</Text>
              ))}
            </Alert>
          )}
          {victims.length > 0 && (
            <Fieldset legend={t('handoffs.victim')} data-testid="new-case-victim">
              <Text size="sm" c="dimmed" mb="xs">{t('handoffs.victimHint')}</Text>
              <Group grow align="flex-start">
                <TextInput label={t('people.field.givenName')} value={givenName} onChange={(e) => setGivenName(e.currentTarget.value)} error={errors['victim.name.givenName'] ?? errors['victim.name']} autoComplete="off" />
                <TextInput label={t('people.field.familyName')} value={familyName} onChange={(e) => setFamilyName(e.currentTarget.value)} error={errors['victim.name.familyName']} autoComplete="off" />
              </Group>
            </Fieldset>
          )}
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
