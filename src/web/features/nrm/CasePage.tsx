import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert, Badge, Button, Checkbox, Group, MultiSelect, NativeSelect, NumberInput, Paper, Radio, Select, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { z } from 'zod';
import {
  CASE_PERSON_ROLES, CASE_SECTIONS, CONCLUSIVE_OUTCOMES, CONSENT_FORMS, CONSENT_KINDS, DECISION_STAGES, PERMIT_GROUNDS, REFERRAL_PURPOSES, REQUIRED_SECTIONS, RG_OUTCOMES, SERVICE_TYPES, TRAFFICKING_EVENT_TYPES,
  type ReferralPurpose,
} from '../../../shared/nrm.ts';
import { CaseDetail, CaseNoteBody, CasePersonView, CaseScreeningBody, RecordConsentBody, TraffickingEventBody } from '../../../shared/schemas/cases.ts';
import { DecisionBody, PermitBody, type PermitView } from '../../../shared/schemas/identification.ts';
import { CreateTaskBody } from '../../../shared/schemas/tasks.ts';
import { REQUIRED_MESSAGE, SendReferralBody, type ReferralView } from '../../../shared/schemas/referrals.ts';
import { api, isApiError, withQuery } from '../../api/client.ts';
import { page } from '../../../shared/schemas/common.ts';
import { ProviderView } from '../../../shared/schemas/providers.ts';
import { useCan } from '../../api/session.ts';
import { LANGUAGES } from '../../../shared/languages.ts';
import { LANGUAGE_NAMES } from '../../i18n/index.ts';
import { ErrorAlert, errorText, useFormSubmit } from '../../components/errors.tsx';
import { DEFAULT_TIME_ZONE, localToday, useFormat, useFormatDateTime } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { useAgencyOptions } from '../agencies/useAgencyOptions.ts';
import { PersonForm } from '../people/PersonForm.tsx';
import type { CreatePersonBody, PersonView } from '../../../shared/schemas/people.ts';
import { PROVIDERS_KEY, useCase, useCatalogue, useRefreshNrm } from './api.ts';
import { taskTitle } from './task-title.ts';
import { codeLabel, options, STATUS_COLORS } from './labels.ts';
import { AssistanceSection, DocumentsSection } from './CaseSupport.tsx';
import { ReassignButton, useIsSupervisor } from './Reassign.tsx';
import { NrmCriminalCases } from '../justice/NrmCriminalCases.tsx';

type Detail = z.infer<typeof CaseDetail>;
// The country's date, as the server checks "not in the future" (a browser on UTC is a day behind Baku in the evening).
const today = () => localToday(DEFAULT_TIME_ZONE);

function Section({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Stack gap="sm">
        <Title order={2} size="h4">{title}</Title>
        {children}
      </Stack>
    </Paper>
  );
}

/** The case page: every section the user may see, from one request. */
export function CasePage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const q = useCase(id);
  // A positive screening's "propose a referral": the referral form, prefilled for identification, in view.
  const [preset, setPreset] = useState(0);
  const proposeReferral = () => {
    setPreset((n) => n + 1);
    requestAnimationFrame(() => document.querySelector('[data-testid="case-referrals"] form')?.scrollIntoView({ behavior: 'smooth', block: 'center' }));
  };
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) return null;
  const c = q.data;
  const owner = c.summary?.access === 'agency' || c.summary?.access === 'own' || c.summary?.access === 'all';
  const writable = owner && !c.summary?.accessEnded;
  return (
    <Page
      title={`${t('nrm.case.title')} ${c.caseNumber}`}
      description={t('nrm.case.intro')}
      actions={
        <Group gap="xs">
          <Button component="a" variant="default" href={`/api/v1/reports/cases/${c.id}/summary?lang=${i18n.language}`} download data-testid="case-print-summary">{t('reports.buttons.caseSummary')}</Button>
          <Button component="a" variant="default" href={`/api/v1/cases/${c.id}/htcds`} download data-testid="case-export-htcds">{t('nrmHtcds.exportCase')}</Button>
        </Group>
      }
    >
      {c.summary?.accessEnded && <Alert color="red" title={t('nrm.case.accessEnded')}>{codeLabel(t, 'authority', c.summary.accessEnded.authority)} · {f.longDay(c.summary.accessEnded.orderedOn)}</Alert>}
      {(c.received ?? []).filter((r) => r.status === 'accepted' && r.sectionsMissing.length > 0).map((r) => <MissingSections key={r.id} r={r} />)}
      {c.summary && <SummarySection c={c} />}
      {c.people && <PeopleSection c={c} writable={writable} />}
      {c.screenings && <ScreeningSection c={c} writable={writable} onPropose={proposeReferral} />}
      {c.events && <EventsSection c={c} writable={writable} />}
      {c.consents && <ConsentsSection c={c} writable={writable} />}
      {c.referrals && <ReferralsSection key={preset} c={c} writable={writable} proposed={preset > 0} />}
      {c.identification && <IdentificationSection c={c} writable={writable} />}
      <NrmCriminalCases nrmCaseId={c.id} />
      {c.sections.includes('assistance') && <AssistanceSection c={c} writable={writable} />}
      {c.sections.includes('documents') && <DocumentsSection c={c} writable={writable} />}
      {c.tasks && <TasksSection c={c} writable={writable} />}
      {c.notes && <NotesSection c={c} writable={writable} />}
      {c.timeline && <TimelineSection c={c} />}
    </Page>
  );
}

function SummarySection({ c }: { c: Detail }) {
  const { t } = useTranslation();
  const s = c.summary!;
  const row = (label: string, value: ReactNode) => (
    <Group gap="xs"><Text fw={600} size="sm">{label}:</Text><Text size="sm" component="div">{value}</Text></Group>
  );
  return (
    <Section title={t('nrm.case.summary')} testId="case-summary">
      <Group gap="lg">
        {row(t('nrm.cases.status'), <Badge color={STATUS_COLORS[s.status]} variant="light">{codeLabel(t, 'caseStatus', s.status)}</Badge>)}
        {row(t('nrm.cases.victimStatus'), <span data-testid="victim-status">{codeLabel(t, 'victimStatus', s.victimStatus)}</span>)}
        {row(t('nrm.cases.agency'), s.ownerAgencyName)}
        {row(t('nrm.cases.region'), s.region ?? '—')}
      </Group>
      {row(t('nrm.cases.exploitation'), s.exploitationForms.map((f) => codeLabel(t, 'exploitation', f)).join(', ') || '—')}
      {s.controlMethods.length > 0 && row(t('nrm.case.control'), s.controlMethods.map((f) => codeLabel(t, 'control', f)).join(', '))}
    </Section>
  );
}

function PeopleSection({ c, writable }: { c: Detail; writable: boolean }) {
  const { t } = useTranslation();
  const refresh = useRefreshNrm();
  const [role, setRole] = useState('victim');
  const [ageDisputed, setAgeDisputed] = useState(false);
  const [unaccompanied, setUnaccompanied] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const added = async () => {
    setFormKey((k) => k + 1);
    setAgeDisputed(false);
    setUnaccompanied(false);
    await refresh();
  };
  // A new person is recorded with the case in one request (the people module's form shows likely duplicates first).
  const saveWithCase = async (person: CreatePersonBody) =>
    (await api('POST', `/cases/${c.id}/people`, { person, role, ageDisputed, unaccompanied }, CasePersonView)).person;
  // Or one of the likely duplicates is added instead.
  const pickExisting = async (person: PersonView) => {
    setError(null);
    try {
      await api('POST', `/cases/${c.id}/people`, { personId: person.id, role, ageDisputed, unaccompanied });
      await added();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Section title={t('nrm.people.title')} testId="case-people">
      <Table>
        <Table.Tbody>
          {c.people!.map((p) => (
            <Table.Tr key={p.id} data-testid="case-person">
              <Table.Td>{p.person.names?.[0]?.asEntered ?? '—'}</Table.Td>
              <Table.Td>{codeLabel(t, 'personRole', p.role, p.person.sex)}</Table.Td>
              <Table.Td>{codeLabel(t, 'sex', p.person.sex)}</Table.Td>
              <Table.Td>{p.person.birthYear ?? '—'}</Table.Td>
              <Table.Td>{p.child && <Badge color="orange" variant="light">{t('nrm.people.child')}</Badge>}{p.unaccompanied && <Badge ml="xs" color="red" variant="light">{t('nrm.people.unaccompanied')}</Badge>}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {writable && (
        <Stack gap="xs">
          <Title order={3} size="h5">{t('nrm.people.add')}</Title>
          <Group align="flex-end">
            <NativeSelect label={t('nrm.people.role')} data={options(t, 'personRole', CASE_PERSON_ROLES)} value={role} onChange={(e) => setRole(e.currentTarget.value)} />
            <Checkbox label={t('nrm.people.ageDisputed')} checked={ageDisputed} onChange={(e) => setAgeDisputed(e.currentTarget.checked)} />
            <Checkbox label={t('nrm.people.unaccompanied')} checked={unaccompanied} onChange={(e) => setUnaccompanied(e.currentTarget.checked)} />
          </Group>
          <ErrorAlert error={error} />
          <PersonForm key={formKey} submitLabel={t('nrm.people.add')} save={saveWithCase} onSaved={() => void added()} onPickExisting={(p) => void pickExisting(p)} />
        </Stack>
      )}
    </Section>
  );
}

function ScreeningSection({ c, writable, onPropose }: { c: Detail; writable: boolean; onPropose: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefreshNrm();
  const catalogue = useCatalogue();
  const [exploitation, setExploitation] = useState<'labour' | 'sexual'>('labour');
  const [age, setAge] = useState<number | string>('');
  const [codes, setCodes] = useState<string[]>([]);
  const { errors, error, busy, submit } = useFormSubmit();
  const list = `${typeof age === 'number' && age < 18 ? 'child' : 'adult'}_${exploitation}` as 'adult_labour';
  // Indicators by their names, as the hotline console shows them, never as bare codes.
  const indicatorLabel = (code: string) => {
    const label = catalogue.data?.indicators.find((i) => i.code === code)?.label;
    return label ? `${code} — ${label}` : code;
  };
  const indicatorOptions = (catalogue.data?.indicators ?? []).filter((i) => i.strength[list] !== null).map((i) => ({ value: i.code, label: `${i.code} — ${i.label}` }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = { exploitation, age: typeof age === 'number' ? age : null, indicators: codes.map((code) => ({ code, source: 'operator_observation' })) };
    void submit(CaseScreeningBody, body, async (b) => {
      await api('POST', `/cases/${c.id}/screenings`, b);
      setCodes([]);
      await refresh();
    });
  };
  return (
    <Section title={t('nrm.screening.title')} testId="case-screenings">
      {c.screenings!.map((s) => (
        <Group key={s.id} data-testid="case-screening">
          <Badge variant="light">{codeLabel(t, 'screeningList', s.list)}</Badge>
          {s.proposeReferral ? <Badge color="orange">{t('nrm.screening.proposeReferral')}</Badge> : <Badge color="gray">{t('nrm.screening.notPresumed')}</Badge>}
          {s.result.provisional && <Badge color="yellow" variant="outline">{t('nrm.screening.provisional')}</Badge>}
          <Text size="sm" c="dimmed" data-testid="screening-indicators">{s.indicators.map((i) => indicatorLabel(i.code)).join('; ') || '—'}</Text>
          {s.proposeReferral && writable && c.referrals && <Button size="xs" color="orange" onClick={onPropose}>{t('handoffs.proposeReferral')}</Button>}
        </Group>
      ))}
      {writable && (
        <form onSubmit={onSubmit} noValidate aria-label={t('nrm.screening.add')}>
          <ErrorAlert error={error} />
          <Group align="flex-end">
            <NativeSelect label={t('nrm.screening.exploitation')} data={[{ value: 'labour', label: t('nrm.screening.labour') }, { value: 'sexual', label: t('nrm.screening.sexual') }]} value={exploitation} onChange={(e) => setExploitation(e.currentTarget.value as 'labour')} />
            <NumberInput label={t('nrm.screening.age')} value={age} onChange={setAge} min={0} max={120} w={100} />
            <MultiSelect label={t('nrm.screening.indicators')} data={indicatorOptions} value={codes} onChange={setCodes} searchable w={520} error={errors.indicators} />
            <Button type="submit" loading={busy}>{t('nrm.screening.add')}</Button>
          </Group>
          {list.endsWith('sexual') && <Text size="sm" c="orange">{t('nrm.screening.provisionalNote')}</Text>}
        </form>
      )}
    </Section>
  );
}

function EventsSection({ c, writable }: { c: Detail; writable: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const refresh = useRefreshNrm();
  const [type, setType] = useState('exploitation');
  const [date, setDate] = useState('');
  const [country, setCountry] = useState('');
  const [city, setCity] = useState('');
  const [place, setPlace] = useState('');
  const { errors, error, busy, submit } = useFormSubmit();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = { type, ...(date.trim() ? { date: date.trim() } : {}), ...(country.trim() ? { country: country.trim().toUpperCase() } : {}), ...(city.trim() ? { city: city.trim() } : {}), ...(place.trim() ? { place: place.trim() } : {}) };
    void submit(TraffickingEventBody, body, async (b) => {
      await api('POST', `/cases/${c.id}/events`, b);
      setDate('');
      setPlace('');
      await refresh();
    });
  };
  return (
    <Section title={t('nrm.events.title')} testId="case-events">
      {c.events!.map((e) => (
        <Text key={e.id} size="sm">{codeLabel(t, 'eventType', e.type)} · {f.partial(e.date)} · {[e.place, e.city, e.region, e.country].filter(Boolean).join(', ') || '—'}</Text>
      ))}
      {writable && (
        <form onSubmit={onSubmit} noValidate aria-label={t('nrm.events.add')}>
          <ErrorAlert error={error} />
          <Group align="flex-end">
            <NativeSelect label={t('nrm.events.type')} data={options(t, 'eventType', TRAFFICKING_EVENT_TYPES)} value={type} onChange={(e) => setType(e.currentTarget.value)} />
            <TextInput label={t('nrm.events.date')} placeholder="2025-06" value={date} onChange={(e) => setDate(e.currentTarget.value)} error={errors.date} w={140} />
            <TextInput label={t('nrm.events.country')} placeholder="AZ" value={country} onChange={(e) => setCountry(e.currentTarget.value)} error={errors.country} w={90} />
            <TextInput label={t('nrm.events.city')} value={city} onChange={(e) => setCity(e.currentTarget.value)} />
            <TextInput label={t('nrm.events.place')} value={place} onChange={(e) => setPlace(e.currentTarget.value)} />
            <Button type="submit" loading={busy}>{t('nrm.events.add')}</Button>
          </Group>
        </form>
      )}
    </Section>
  );
}

function ConsentsSection({ c, writable }: { c: Detail; writable: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const refresh = useRefreshNrm();
  const agencies = useAgencyOptions();
  const people = (c.people ?? []).map((p) => ({ value: p.personId, label: p.person.names?.[0]?.asEntered ?? codeLabel(t, 'personRole', p.role) }));
  const [personId, setPersonId] = useState<string | null>(null);
  const [kind, setKind] = useState('data_sharing');
  const [agencyId, setAgencyId] = useState<string | null>(null);
  const [purpose, setPurpose] = useState('services');
  const [form, setForm] = useState('written');
  const { errors, error, busy, submit } = useFormSubmit();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const sharing = kind === 'data_sharing';
    const body = { personId: personId ?? people[0]?.value, kind, givenOn: today(), form, ...(sharing ? { agencyId, purpose } : {}) };
    void submit(RecordConsentBody, body, async (b) => {
      await api('POST', `/cases/${c.id}/consents`, b);
      await refresh();
    });
  };
  const withdraw = async (consentId: string) => {
    await api('POST', `/cases/${c.id}/consents/${consentId}/withdraw`, { withdrawnOn: today() });
    await refresh();
  };
  const agencyName = (id: string | null) => agencies.data?.find((a) => a.value === id)?.label ?? '';
  return (
    <Section title={t('nrm.consents.title')} testId="case-consents">
      {c.consents!.map((k) => (
        <Group key={k.id} data-testid="case-consent">
          <Badge variant="light" color={k.active ? 'green' : 'gray'}>{codeLabel(t, 'consentKind', k.kind)}</Badge>
          <Text size="sm">{[k.agencyName, k.purpose && codeLabel(t, 'purpose', k.purpose), k.service && codeLabel(t, 'service', k.service), f.longDay(k.givenOn)].filter(Boolean).join(' · ')}</Text>
          {!k.active && <Text size="sm" c="dimmed">{t('nrm.consents.withdrawnOn', { date: f.longDay(k.withdrawnOn) })}</Text>}
          {k.active && writable && <Button size="xs" variant="subtle" color="red" onClick={() => void withdraw(k.id)}>{t('nrm.consents.withdraw')}</Button>}
        </Group>
      ))}
      {writable && people.length > 0 && (
        <form onSubmit={onSubmit} noValidate aria-label={t('nrm.consents.add')}>
          <ErrorAlert error={error} />
          <Group align="flex-end">
            <Select label={t('nrm.consents.person')} data={people} value={personId ?? people[0]?.value ?? null} onChange={setPersonId} error={errors.personId} />
            <NativeSelect label={t('nrm.consents.kind')} data={options(t, 'consentKind', CONSENT_KINDS)} value={kind} onChange={(e) => setKind(e.currentTarget.value)} />
            {kind === 'data_sharing' && <Select label={t('nrm.consents.agency')} data={agencies.data ?? []} value={agencyId} onChange={setAgencyId} searchable error={errors.agencyId} aria-label={t('nrm.consents.agency')} />}
            {kind === 'data_sharing' && <NativeSelect label={t('nrm.consents.purpose')} data={options(t, 'purpose', REFERRAL_PURPOSES)} value={purpose} onChange={(e) => setPurpose(e.currentTarget.value)} />}
            <NativeSelect label={t('nrm.consents.form')} data={options(t, 'consentForm', CONSENT_FORMS)} value={form} onChange={(e) => setForm(e.currentTarget.value)} />
            <Button type="submit" loading={busy}>{t('nrm.consents.add')}</Button>
          </Group>
          {kind === 'data_sharing' && agencyId && <Text size="xs" c="dimmed">{agencyName(agencyId)}</Text>}
        </form>
      )}
    </Section>
  );
}

function ReferralRow({ r }: { r: ReferralView }) {
  const { t, i18n } = useTranslation();
  const refresh = useRefreshNrm();
  const supervisor = useIsSupervisor();
  const fmt = useFormatDateTime();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const act = async (what: string, body: object) => {
    setError(null);
    try {
      await api('POST', `/referrals/${r.id}/${what}`, body);
      await refresh();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Paper withBorder p="xs" data-testid="referral">
      <Group>
        <Badge color={STATUS_COLORS[r.status]} data-testid="referral-status">{codeLabel(t, 'referralStatus', r.status)}</Badge>
        <Text size="sm" fw={600} data-testid="referral-party">{r.direction === 'incoming' ? r.fromAgencyName : r.toAgencyName}</Text>
        {r.providerName && <Text size="sm" data-testid="referral-provider">{r.providerName}</Text>}
        <Text size="sm">{codeLabel(t, 'purpose', r.purpose)}{r.serviceType ? ` · ${codeLabel(t, 'service', r.serviceType)}` : ''}</Text>
        {r.overdue && <Badge color="red">{t('nrm.overdue')}</Badge>}
        <Text size="xs" c="dimmed">{t('nrm.referrals.due', { date: fmt(r.answerDueAt) })}</Text>
        {r.handlerName && <Text size="xs" data-testid="referral-handler">{t('nrmOversight.reassign.handledBy', { name: r.handlerName })}</Text>}
        {supervisor && r.direction === 'incoming' && ['pending', 'accepted'].includes(r.status) && (
          <ReassignButton caseId={r.caseId} referralId={r.id} what={r.purpose === 'identification' ? 'identification_handler' : 'referral_handler'} currentUserId={r.handlerUserId} onDone={refresh} />
        )}
      </Group>
      <Text size="xs">{t('nrm.referrals.shared')}: {r.sectionsShared.map((s) => codeLabel(t, 'section', s)).join(', ')}{r.sectionsWithheld.length > 0 && ` · ${t('nrm.referrals.withheld')}: ${r.sectionsWithheld.map((s) => codeLabel(t, 'section', s)).join(', ')}`}</Text>
      {r.direction === 'outgoing' && r.sectionsAskedAt && r.sectionsMissing.length > 0 && ['pending', 'accepted'].includes(r.status) && (
        <Group gap="xs" data-testid="referral-asked">
          <Text size="sm" c="orange">{t('handoffs.askedByReceiver', { agency: r.toAgencyName, sections: r.sectionsMissing.map((s) => codeLabel(t, 'section', s)).join(', ') })}</Text>
          <Button size="xs" variant="light" onClick={() => void act('sections', { sections: r.sectionsMissing })}>{t('handoffs.shareAsked')}</Button>
        </Group>
      )}
      <ErrorAlert error={error} />
      <Group mt="xs">
        <Button component="a" size="xs" variant="default" href={`/api/v1/reports/referrals/${r.id}/form?lang=${i18n.language}`} download data-testid="referral-form">{t('reports.buttons.referralForm')}</Button>
        {r.direction === 'incoming' && r.status === 'pending' && (
          <>
            <Button size="xs" onClick={() => void act('accept', {})}>{t('nrm.referrals.accept')}</Button>
            <TextInput size="xs" placeholder={t('nrm.referrals.reason')} aria-label={t('nrm.referrals.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            <Button size="xs" color="red" variant="light" onClick={() => void act('decline', { reason })}>{t('nrm.referrals.decline')}</Button>
          </>
        )}
        {r.direction === 'incoming' && r.status === 'accepted' && r.purpose !== 'case_transfer' && (
          <>
            <TextInput size="xs" placeholder={t('nrm.referrals.note')} aria-label={t('nrm.referrals.note')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            <Button size="xs" variant="light" onClick={() => void act('complete', { note: reason })}>{t('nrm.referrals.complete')}</Button>
          </>
        )}
        {r.direction === 'outgoing' && ['pending', 'accepted', 'completed'].includes(r.status) && !(r.purpose === 'case_transfer' && r.status === 'accepted') && (
          <>
            <TextInput size="xs" placeholder={t('nrm.referrals.reason')} aria-label={t('nrm.referrals.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            <Button size="xs" color="red" variant="subtle" onClick={() => void act('revoke', { reason })}>{t('nrm.referrals.revoke')}</Button>
          </>
        )}
      </Group>
    </Paper>
  );
}

export function ReferralList({ items }: { items: readonly ReferralView[] }) {
  return <Stack gap="xs">{items.map((r) => <ReferralRow key={r.id} r={r} />)}</Stack>;
}

function ReferralsSection({ c, writable, proposed }: { c: Detail; writable: boolean; proposed: boolean }) {
  const { t } = useTranslation();
  const refresh = useRefreshNrm();
  const agencies = useAgencyOptions();
  const [target, setTarget] = useState<'agency' | 'provider'>('agency');
  const [toAgencyId, setTo] = useState<string | null>(null);
  const [providerId, setProviderId] = useState<string | null>(null);
  // Proposed by a positive screening: a referral for identification, with the sections it needs.
  const [purpose, setPurpose] = useState<string>(proposed ? 'identification' : 'services');
  const [serviceType, setServiceType] = useState('');
  const [sections, setSections] = useState<string[]>(proposed ? ['summary', ...REQUIRED_SECTIONS.identification] : ['summary', 'people', 'events']);
  const [reason, setReason] = useState('');
  const [duplicate, setDuplicate] = useState(false);
  const { errors, error, busy, submit, setError } = useFormSubmit();
  const required = REQUIRED_SECTIONS[purpose as ReferralPurpose] ?? [];
  const fieldErrors = referralFieldErrors(t, errors, required.filter((s) => !sections.includes(s)));
  // A purpose that needs sections has them ticked as soon as it is chosen (the server refuses it without them).
  const changePurpose = (v: string) => {
    setPurpose(v);
    setSections((xs) => [...new Set([...xs, ...(REQUIRED_SECTIONS[v as ReferralPurpose] ?? [])])]);
  };
  const send = (confirmDuplicate: boolean) => {
    const to = target === 'agency' ? { toAgencyId: toAgencyId ?? undefined } : { providerId: providerId ?? undefined };
    const body = { ...to, purpose, sections, ...(serviceType ? { serviceType } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}), ...(confirmDuplicate ? { confirmDuplicate } : {}) };
    setDuplicate(false);
    void submit(SendReferralBody, body, async (b) => {
      try {
        await api('POST', `/cases/${c.id}/referrals`, b);
      } catch (e) {
        // The same case to the same agency again: a warning the sender may confirm, not an error.
        if (isApiError(e) && e.code === 'duplicate_referral') return setDuplicate(true);
        throw e;
      }
      setReason('');
      await refresh();
    });
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    send(false);
  };
  const changeService = (v: string) => {
    setServiceType(v);
    // The provider list follows the service needed: a provider picked for another service is dropped.
    setProviderId(null);
  };
  return (
    <Section title={t('nrm.referrals.title')} testId="case-referrals">
      <ReferralList items={c.referrals!} />
      {writable && (
        <form onSubmit={onSubmit} noValidate aria-label={t('nrm.referrals.send')}>
          <ErrorAlert error={error} />
          <Stack gap="xs">
            <Radio.Group label={t('nrmProviders.refer.toKind')} value={target} onChange={(v) => setTarget(v === 'provider' ? 'provider' : 'agency')}>
              <Group mt={4}>
                <Radio value="agency" label={t('nrmProviders.refer.agency')} />
                <Radio value="provider" label={t('nrmProviders.refer.provider')} />
              </Group>
            </Radio.Group>
            <Group align="flex-end">
              <NativeSelect label={t('nrm.referrals.service')} data={[{ value: '', label: '—' }, ...options(t, 'service', SERVICE_TYPES)]} value={serviceType} onChange={(e) => changeService(e.currentTarget.value)} error={fieldErrors.serviceType} />
              {target === 'agency' ? (
                <Select label={t('nrm.referrals.to')} data={(agencies.data ?? []).filter((a) => a.value !== c.summary?.ownerAgencyId)} value={toAgencyId} onChange={setTo} searchable error={fieldErrors.toAgencyId} />
              ) : (
                <ProviderPicker serviceType={serviceType} value={providerId} onChange={setProviderId} error={fieldErrors.providerId ?? fieldErrors.toAgencyId} />
              )}
              <NativeSelect label={t('nrm.referrals.purpose')} data={options(t, 'purpose', REFERRAL_PURPOSES)} value={purpose} onChange={(e) => changePurpose(e.currentTarget.value)} />
              <TextInput label={t('nrm.referrals.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={300} />
            </Group>
            <Checkbox.Group
              label={t('nrm.referrals.sections')}
              description={required.length > 0 ? <span data-testid="required-sections">{t('handoffs.required', { purpose: codeLabel(t, 'purpose', purpose), sections: required.map((s) => codeLabel(t, 'section', s)).join(', ') })}</span> : undefined}
              value={sections}
              onChange={setSections}
              error={fieldErrors.sections}
            >
              <Group mt={4}>{CASE_SECTIONS.map((s) => <Checkbox key={s} value={s} label={codeLabel(t, 'section', s)} />)}</Group>
            </Checkbox.Group>
            {duplicate && (
              <Alert color="yellow" title={t('handoffs.duplicateTitle')} data-testid="duplicate-warning">
                <Stack gap="xs">
                  <Text size="sm">{t('handoffs.duplicate')}</Text>
                  <Group>
                    <Button size="xs" color="yellow" onClick={() => { setError(null); send(true); }}>{t('handoffs.sendAnyway')}</Button>
                    <Button size="xs" variant="default" onClick={() => setDuplicate(false)}>{t('common.cancel')}</Button>
                  </Group>
                </Stack>
              </Alert>
            )}
            <Group><Button type="submit" loading={busy}>{t('nrm.referrals.send')}</Button></Group>
          </Stack>
        </form>
      )}
    </Section>
  );
}

/** The server's field messages about a referral to a provider, in the user's language. */
function referralFieldErrors(t: TFunction, errors: Record<string, string>, missing: readonly string[]): Record<string, string> {
  const out = { ...errors };
  // The purpose's sections left unticked: named, whether the client's check or the server found them.
  if (out.sections && (out.sections.startsWith(REQUIRED_MESSAGE) || missing.length > 0))
    out.sections = t('handoffs.requiredError', { sections: missing.map((s) => codeLabel(t, 'section', s)).join(', ') });
  if (out.providerId === 'no such active provider') out.providerId = t('nrmProviders.error.noSuchProvider');
  if (out.serviceType?.startsWith('the provider offers')) out.serviceType = t('nrmProviders.error.notOffered');
  return out;
}

/** Providers from the directory that offer the service needed (all when none is chosen), those with free places first. */
function ProviderPicker({ serviceType, value, onChange, error }: { serviceType: string; value: string | null; onChange: (v: string | null) => void; error?: string | undefined }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: [...PROVIDERS_KEY, 'pick', serviceType],
    queryFn: () => api('GET', withQuery('/providers', { type: serviceType || undefined, limit: 200 }), undefined, page(ProviderView)),
  });
  const rank = (p: ProviderView) => (p.capacityFree === null ? 1 : p.capacityFree > 0 ? 0 : 2);
  const free = (p: ProviderView) =>
    p.capacityFree === null ? t('nrmProviders.capacityUnknown')
      : p.capacityFree === 0 ? t('nrmProviders.full')
        : p.capacityTotal === null ? t('nrmProviders.freeNoTotal', { free: p.capacityFree }) : t('nrmProviders.freeOfTotal', { free: p.capacityFree, total: p.capacityTotal });
  const data = [...(q.data?.items ?? [])].sort((a, b) => rank(a) - rank(b)).map((p) => ({ value: p.id, label: `${p.name} — ${p.agencyName} · ${free(p)}` }));
  return (
    <Select
      label={t('nrmProviders.refer.providerField')}
      description={t('nrmProviders.refer.pickHint')}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      w={460}
      error={error ?? (q.error ? errorText(t, q.error) : undefined)}
      nothingFoundMessage={t('nrmProviders.refer.noneFound')}
      placeholder={q.data && data.length === 0 ? t('nrmProviders.refer.noneFound') : undefined}
    />
  );
}

/** An accepted referral to the user's agency that lacks what its purpose needs: what is missing, and "ask for it". */
function MissingSections({ r }: { r: ReferralView }) {
  const { t } = useTranslation();
  const refresh = useRefreshNrm();
  const fmt = useFormatDateTime();
  const [error, setError] = useState<unknown>(null);
  const ask = async () => {
    setError(null);
    try {
      await api('POST', `/referrals/${r.id}/ask-sections`, {});
      await refresh();
    } catch (e) {
      setError(e);
    }
  };
  const names = r.sectionsMissing.map((s) => codeLabel(t, 'section', s)).join(', ');
  return (
    <Alert color="orange" title={t('handoffs.missingTitle')} data-testid="missing-sections">
      <Stack gap="xs">
        <Text size="sm">{t('handoffs.missing', { sections: names })}</Text>
        <ErrorAlert error={error} />
        {r.sectionsAskedAt
          ? <Text size="sm" data-testid="sections-asked">{t('handoffs.asked', { date: fmt(r.sectionsAskedAt) })}</Text>
          : <Group><Button size="xs" onClick={() => void ask()}>{t('handoffs.askForIt')}</Button></Group>}
      </Stack>
    </Alert>
  );
}

function IdentificationSection({ c, writable }: { c: Detail; writable: boolean | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const name = (personId: string) => c.people?.find((p) => p.personId === personId)?.person.names?.[0]?.asEntered ?? '';
  const sexOf = (personId: string) => c.people?.find((p) => p.personId === personId)?.person.sex;
  return (
    <Section title={t('nrm.identification.title')} testId="case-identification">
      {c.identification!.length === 0 && <Text size="sm" c="dimmed">{t('nrm.identification.noVictim')}</Text>}
      {c.identification!.map((v) => (
        <Stack key={v.personId} gap={4}>
          <Text fw={600}>{name(v.personId)}</Text>
          {v.dates ? (
            <Group gap="lg">
              <Text size="sm">{t('nrm.identification.referredOn')}: {f.longDay(v.referredOn)}</Text>
              <Text size="sm">{t('nrm.identification.rgDueOn')}: {f.longDay(v.dates.rgDueOn)} {v.rgOverdue && <Badge color="red">{t('nrm.overdue')}</Badge>}</Text>
              <Text size="sm">{t('nrm.identification.reflectionEndsOn')}: <span data-testid="reflection-end">{f.longDay(v.dates.reflectionEndsOn)}</span></Text>
              <Text size="sm">{t('nrm.identification.earliestConclusiveOn')}: {f.longDay(v.dates.earliestConclusiveOn)}</Text>
              {v.dates.removalHold && <Badge color="grape" variant="light">{t('nrm.identification.removalHold')}</Badge>}
            </Group>
          ) : (
            <Text size="sm" c="dimmed">{t('nrm.identification.notReferred')}</Text>
          )}
          {v.decisions.map((d) => (
            <Group key={d.id} gap="xs">
              <Text size="sm" td={d.current ? undefined : 'line-through'} data-testid="decision">
                {codeLabel(t, 'stage', d.stage)}: {codeLabel(t, 'outcome', d.outcome, sexOf(v.personId))} · {f.longDay(d.decidedOn)} · {d.decidedByName}
              </Text>
              <DecisionLetterLink caseId={c.id} decisionId={d.id} recorded={c.people?.find((p) => p.personId === v.personId)?.person.languages ?? []} />
            </Group>
          ))}
          {can('identification:decide') && v.dates && <DecisionForm key={v.decisions.length} caseId={c.id} personId={v.personId} current={v.decisions.filter((d) => d.current)} />}
          {(v.permits.length > 0 || writable) && <Permits caseId={c.id} personId={v.personId} permits={v.permits} writable={Boolean(writable)} />}
        </Stack>
      ))}
    </Section>
  );
}

/**
 * The decision letter to the victim: in their recorded language when Pathway writes it (the server
 * chooses it), else in the language picked here, the user's own by default.
 */
function DecisionLetterLink({ caseId, decisionId, recorded }: { caseId: string; decisionId: string; recorded: readonly string[] }) {
  const { t, i18n } = useTranslation();
  const known = recorded.some((l) => (LANGUAGES as readonly string[]).includes(l));
  const [lang, setLang] = useState<string>(LANGUAGES.find((l) => l === i18n.language) ?? 'az');
  const href = `/api/v1/reports/cases/${caseId}/decisions/${decisionId}/letter${known ? '' : `?lang=${lang}`}`;
  return (
    <Group gap={4}>
      {!known && (
        <NativeSelect size="xs" aria-label={t('reports.buttons.letterLanguage')} value={lang} onChange={(e) => setLang(e.currentTarget.value)} data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))} />
      )}
      <Button component="a" size="xs" variant="light" href={href} download data-testid="decision-letter">{t('reports.buttons.decisionLetter')}</Button>
    </Group>
  );
}

/** A victim's residence permits (CETS art. 14): the ones to renew soon or expired marked; the owning agency records them. */
function Permits({ caseId, personId, permits, writable }: { caseId: string; personId: string; permits: z.infer<typeof PermitView>[]; writable: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const refresh = useRefreshNrm();
  const current = permits.filter((p) => p.current).at(-1);
  const [ground, setGround] = useState<string>(PERMIT_GROUNDS[0]);
  const [issuedOn, setIssuedOn] = useState(today());
  const [expiresOn, setExpiresOn] = useState('');
  const [authority, setAuthority] = useState('');
  const [permitNumber, setPermitNumber] = useState('');
  const [renews, setRenews] = useState(false);
  const { errors, error, busy, submit } = useFormSubmit();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      personId,
      ground,
      issuedOn,
      expiresOn,
      ...(authority.trim() ? { authority } : {}),
      ...(permitNumber.trim() ? { permitNumber } : {}),
      ...(renews && current ? { renews: current.id } : {}),
    };
    void submit(PermitBody, body, async (b) => {
      await api('POST', `/cases/${caseId}/permits`, b);
      setExpiresOn('');
      setPermitNumber('');
      setRenews(false);
      await refresh();
    });
  };
  return (
    <Stack gap={2} data-testid="permits">
      <Text size="sm" fw={500}>{t('nrm.identification.permits')}</Text>
      {permits.map((p) => (
        <Text key={p.id} size="sm" td={p.current ? undefined : 'line-through'} data-testid="permit">
          {codeLabel(t, 'permitGround', p.ground)} · {f.longDay(p.issuedOn)} – {f.longDay(p.expiresOn)}
          {p.permitNumber ? ` · ${p.permitNumber}` : ''}
          {p.authority ? ` · ${p.authority}` : ''}
          {p.current && !p.expired && <> · {t('nrm.identification.remindOn')} {f.longDay(p.remindOn)}</>}{' '}
          {p.expiringSoon && <Badge color="yellow">{t('nrm.identification.renewSoon')}</Badge>}
          {p.expired && <Badge color="red">{t('nrm.identification.expired')}</Badge>}
        </Text>
      ))}
      {writable && (
        <form onSubmit={onSubmit} noValidate aria-label={t('nrm.identification.recordPermit')}>
          <ErrorAlert error={error} />
          <Group align="flex-end">
            <NativeSelect label={t('nrm.identification.permitGround')} data={options(t, 'permitGround', PERMIT_GROUNDS)} value={ground} onChange={(e) => setGround(e.currentTarget.value)} error={errors.ground} />
            <TextInput type="date" label={t('nrm.identification.issuedOn')} value={issuedOn} onChange={(e) => setIssuedOn(e.currentTarget.value)} error={errors.issuedOn} />
            <TextInput type="date" label={t('nrm.identification.expiresOn')} value={expiresOn} onChange={(e) => setExpiresOn(e.currentTarget.value)} error={errors.expiresOn} />
            <TextInput label={t('nrm.identification.authority')} value={authority} onChange={(e) => setAuthority(e.currentTarget.value)} error={errors.authority} />
            <TextInput label={t('nrm.identification.permitNumber')} value={permitNumber} onChange={(e) => setPermitNumber(e.currentTarget.value)} error={errors.permitNumber} w={160} />
            {current && <Checkbox label={t('nrm.identification.renewsCurrent')} checked={renews} onChange={(e) => setRenews(e.currentTarget.checked)} />}
            <Button type="submit" loading={busy}>{t('nrm.identification.recordPermit')}</Button>
          </Group>
          {errors.renews && <Text size="xs" c="red">{errors.renews}</Text>}
        </form>
      )}
    </Stack>
  );
}

function DecisionForm({ caseId, personId, current }: { caseId: string; personId: string; current: { id: string; stage: string; outcome: string }[] }) {
  const { t } = useTranslation();
  const refresh = useRefreshNrm();
  const hasRg = current.some((d) => d.stage === 'reasonable_grounds' && d.outcome === 'positive');
  const [stage, setStage] = useState<string>(hasRg ? 'conclusive' : 'reasonable_grounds');
  const outcomes = stage === 'reasonable_grounds' ? RG_OUTCOMES : CONCLUSIVE_OUTCOMES;
  const [outcome, setOutcome] = useState<string>(outcomes[0]);
  const [decidedOn, setDecidedOn] = useState(today());
  const [reasons, setReasons] = useState('');
  const [evidence, setEvidence] = useState('');
  const { errors, error, busy, submit } = useFormSubmit();
  const reconsidered = current.find((d) => d.stage === stage);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = { personId, stage, outcome: (outcomes as readonly string[]).includes(outcome) ? outcome : outcomes[0], decidedOn, reasons, ...(evidence.trim() ? { evidence } : {}), ...(reconsidered ? { reconsiders: reconsidered.id } : {}) };
    void submit(DecisionBody, body, async (b) => {
      await api('POST', `/cases/${caseId}/identification/decisions`, b);
      setReasons('');
      setEvidence('');
      await refresh();
    });
  };
  return (
    <form onSubmit={onSubmit} noValidate aria-label={t('nrm.identification.decide')}>
      <ErrorAlert error={error} />
      <Group align="flex-end">
        <NativeSelect label={t('nrm.identification.stage')} data={options(t, 'stage', DECISION_STAGES)} value={stage} onChange={(e) => setStage(e.currentTarget.value)} />
        <NativeSelect label={t('nrm.identification.outcome')} data={options(t, 'outcome', outcomes)} value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)} error={errors.outcome} />
        <TextInput type="date" label={t('nrm.identification.decidedOn')} value={decidedOn} onChange={(e) => setDecidedOn(e.currentTarget.value)} error={errors.decidedOn} />
        <TextInput label={t('nrm.identification.reasons')} value={reasons} onChange={(e) => setReasons(e.currentTarget.value)} error={errors.reasons} w={280} />
        <TextInput label={t('nrm.identification.evidence')} value={evidence} onChange={(e) => setEvidence(e.currentTarget.value)} w={220} />
        <Button type="submit" loading={busy}>{reconsidered ? t('nrm.identification.reconsider') : t('nrm.identification.decide')}</Button>
      </Group>
    </form>
  );
}

function NotesSection({ c, writable }: { c: Detail; writable: boolean }) {
  const { t } = useTranslation();
  const refresh = useRefreshNrm();
  const fmt = useFormatDateTime();
  const [body, setBody] = useState('');
  const { errors, error, busy, submit } = useFormSubmit();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit(CaseNoteBody, { body }, async (b) => {
      await api('POST', `/cases/${c.id}/notes`, b);
      setBody('');
      await refresh();
    });
  };
  return (
    <Section title={t('nrm.notes.title')} testId="case-notes">
      {c.narrative && <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{c.narrative}</Text>}
      {c.notes!.map((n) => <Text key={n.id} size="sm"><b>{n.createdByName}</b> · {fmt(n.createdAt)}: {n.body ?? '—'}</Text>)}
      {writable && (
        <form onSubmit={onSubmit} noValidate>
          <ErrorAlert error={error} />
          <Textarea label={t('nrm.notes.add')} value={body} onChange={(e) => setBody(e.currentTarget.value)} error={errors.body} autosize minRows={2} />
          <Button mt="xs" type="submit" loading={busy}>{t('nrm.notes.add')}</Button>
        </form>
      )}
    </Section>
  );
}

function TimelineSection({ c }: { c: Detail }) {
  const { t } = useTranslation();
  const fmt = useFormatDateTime();
  return (
    <Section title={t('nrm.timeline.title')} testId="case-timeline">
      <Table>
        <Table.Tbody>
          {[...c.timeline!].reverse().map((e) => (
            <Table.Tr key={e.seq}>
              <Table.Td>{fmt(e.at)}</Table.Td>
              <Table.Td>{t(`nrm.timeline.action.${e.action.replace(/\./g, '_')}`, { defaultValue: e.action })}</Table.Td>
              <Table.Td>{[e.actorName, e.actorAgencyName].filter(Boolean).join(' · ')}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Section>
  );
}

function TasksSection({ c, writable }: { c: Detail; writable: boolean }) {
  const { t } = useTranslation();
  const refresh = useRefreshNrm();
  const fmt = useFormatDateTime();
  const supervisor = useIsSupervisor();
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const { errors, error, busy, submit } = useFormSubmit();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const dueAt = due ? new Date(due).toISOString() : '';
    void submit(CreateTaskBody, { title, dueAt }, async (b) => {
      await api('POST', `/cases/${c.id}/tasks`, b);
      setTitle('');
      setDue('');
      await refresh();
    });
  };
  const done = async (taskId: string) => {
    await api('POST', `/cases/${c.id}/tasks/${taskId}/complete`);
    await refresh();
  };
  return (
    <Section title={t('nrm.tasks.title')} testId="case-tasks">
      {c.tasks!.map((k) => (
        <Group key={k.id} data-testid="case-task">
          <Text size="sm" td={k.completedAt ? 'line-through' : undefined}>{taskTitle(t, k)}</Text>
          <Text size="sm" c="dimmed">{fmt(k.dueAt)} · {k.assignedUserName}</Text>
          {k.overdue && <Badge color="red">{t('nrm.overdue')}</Badge>}
          {!k.completedAt && writable && <Button size="xs" variant="light" onClick={() => void done(k.id)}>{t('nrm.tasks.done')}</Button>}
          {!k.completedAt && writable && supervisor && <ReassignButton caseId={c.id} taskId={k.id} what="task" currentUserId={k.assignedUserId} onDone={refresh} />}
        </Group>
      ))}
      {writable && (
        <form onSubmit={onSubmit} noValidate aria-label={t('nrm.tasks.add')}>
          <ErrorAlert error={error} />
          <Group align="flex-end">
            <TextInput label={t('nrm.tasks.task')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={errors.title} w={320} />
            <TextInput type="datetime-local" label={t('nrm.tasks.due')} value={due} onChange={(e) => setDue(e.currentTarget.value)} error={errors.dueAt} />
            <Button type="submit" loading={busy}>{t('nrm.tasks.add')}</Button>
          </Group>
        </form>
      )}
    </Section>
  );
}
