import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Anchor, Badge, Button, FileInput, Group, Image, NativeSelect, Paper, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ASSISTANCE_SERVICES, ASSISTANCE_SERVICE_STATUSES, DOCUMENT_KINDS, DOCUMENT_TYPES } from '../../../shared/nrm.ts';
import { AssistancePlanView, AssistanceServiceView, DocumentList, DocumentView } from '../../../shared/schemas/case-support.ts';
import type { CaseDetail } from '../../../shared/schemas/cases.ts';
import type { z } from 'zod';
import { api, ApiError, csrfHeader, withQuery } from '../../api/client.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { DEFAULT_TIME_ZONE, localToday, useFormat, useFormatDateTime } from '../../components/format.ts';
import { codeLabel } from './labels.ts';

type Detail = z.infer<typeof CaseDetail>;

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

const docsKey = (caseId: string) => ['nrm', 'cases', caseId, 'documents'];
const planKey = (caseId: string) => ['nrm', 'cases', caseId, 'assistance'];
export const documentUrl = (caseId: string, documentId: string, disposition: 'inline' | 'attachment') =>
  withQuery(`/api/v1/cases/${caseId}/documents/${documentId}/content`, { disposition });

async function uploadDocument(caseId: string, file: File, kind: string): Promise<DocumentView> {
  let res: Response;
  try {
    res = await fetch(withQuery(`/api/v1/cases/${caseId}/documents`, { name: file.name, kind }), {
      method: 'POST',
      headers: { 'content-type': file.type || 'application/octet-stream', accept: 'application/json', ...csrfHeader() },
      credentials: 'same-origin',
      body: file,
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The server cannot be reached');
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) return DocumentView.parse(json);
  const e = (json as { error?: { code?: string; message?: string; fields?: Record<string, string> } } | null)?.error;
  throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? res.statusText, e?.fields ?? {});
}

const kb = (n: number) => (n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** The case's documents: upload (the agency that holds the case), preview of images and PDFs, download. */
export function DocumentsSection({ c, writable }: { c: Detail; writable: boolean }) {
  const { t } = useTranslation();
  const fmt = useFormatDateTime();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: docsKey(c.id), queryFn: () => api('GET', `/cases/${c.id}/documents`, undefined, DocumentList) });
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<string>('other');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState<DocumentView | null>(null);
  const previewRef = useRef<HTMLDivElement>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await uploadDocument(c.id, file, kind);
      setFile(null);
      await qc.invalidateQueries({ queryKey: docsKey(c.id) });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const tooBig = file !== null && q.data !== undefined && file.size > q.data.maxBytes;
  return (
    <Section title={t('nrmDocuments.documents.title')} testId="case-documents">
      {q.error ? <ErrorAlert error={q.error} /> : null}
      {q.data && q.data.items.length === 0 && <Text size="sm" c="dimmed">{t('nrmDocuments.documents.none')}</Text>}
      {q.data && q.data.items.length > 0 && (
        <Table>
          <Table.Tbody>
            {q.data.items.map((d) => (
              <Table.Tr key={d.id} data-testid="case-document">
                <Table.Td>{d.fileName}</Table.Td>
                <Table.Td>{t(`nrmDocuments.documents.kinds.${d.kind}`)}</Table.Td>
                <Table.Td>{kb(d.sizeBytes)}</Table.Td>
                <Table.Td>{fmt(d.createdAt)}</Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Button size="compact-sm" variant="light" onClick={() => { setPreview(d); previewRef.current?.scrollIntoView?.(); }} data-testid="document-preview">
                      {t('nrmDocuments.documents.preview')}
                    </Button>
                    <Anchor size="sm" href={documentUrl(c.id, d.id, 'attachment')} download={d.fileName} data-testid="document-download">
                      {t('nrmDocuments.documents.download')}
                    </Anchor>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <div ref={previewRef}>
        {preview && (
          <Stack gap="xs" data-testid="document-preview-pane">
            <Group justify="space-between">
              <Text fw={600} size="sm">{preview.fileName}</Text>
              <Button size="compact-sm" variant="subtle" onClick={() => setPreview(null)}>{t('nrmDocuments.documents.closePreview')}</Button>
            </Group>
            {preview.contentType === 'application/pdf' ? (
              // Same origin only (the response's CSP allows framing by the site itself, and sandboxes the content).
              <iframe title={preview.fileName} src={documentUrl(c.id, preview.id, 'inline')} style={{ width: '100%', height: 600, border: 0 }} />
            ) : (
              <Image src={documentUrl(c.id, preview.id, 'inline')} alt={preview.fileName} fit="contain" w="auto" maw="100%" mah={600} data-testid="document-preview-image" />
            )}
          </Stack>
        )}
      </div>
      {writable && (
        <form onSubmit={(e) => void submit(e)}>
          <Group align="flex-end">
            <FileInput
              label={t('nrmDocuments.documents.file')}
              accept={DOCUMENT_TYPES.join(',')}
              value={file}
              onChange={setFile}
              clearable
              data-testid="document-file"
              error={tooBig ? t('nrmDocuments.documents.tooBig', { max: kb(q.data!.maxBytes) }) : undefined}
              w={320}
            />
            <NativeSelect label={t('nrmDocuments.documents.kind')} value={kind} onChange={(e) => setKind(e.currentTarget.value)} data={DOCUMENT_KINDS.map((k) => ({ value: k, label: t(`nrmDocuments.documents.kinds.${k}`) }))} />
            <Button type="submit" loading={busy} disabled={!file || tooBig} data-testid="document-upload">{t('nrmDocuments.documents.upload')}</Button>
          </Group>
          <Text size="xs" c="dimmed" mt={4}>{t('nrmDocuments.documents.hint')}</Text>
        </form>
      )}
      {error ? <ErrorAlert error={error} /> : null}
    </Section>
  );
}

type ServiceView = z.infer<typeof AssistanceServiceView>;
const STATUS_COLOR: Record<string, string> = { planned: 'gray', in_progress: 'blue', delivered: 'green', declined: 'orange' };

/** Needs assessment and the assistance plan (CETS art. 12): goals and services with status, provider, dates and consent. */
export function AssistanceSection({ c, writable }: { c: Detail; writable: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: planKey(c.id), queryFn: () => api('GET', `/cases/${c.id}/assistance-plan`, undefined, AssistancePlanView) });
  const providers = useQuery({
    queryKey: ['providers', 'all-for-plan'],
    queryFn: () => api('GET', '/providers?limit=200', undefined) as Promise<{ items: { id: string; name: string }[] }>,
    enabled: writable,
  });
  const [error, setError] = useState<unknown>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: planKey(c.id) });
  const run = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      await refresh();
    } catch (e) {
      setError(e);
    }
  };
  const assistanceConsents = (c.consents ?? []).filter((k) => k.kind === 'assistance' && k.active);
  const consentOptions = [{ value: '', label: t('nrmDocuments.assistance.noConsent') }, ...assistanceConsents.map((k) => ({ value: k.id, label: `${f.day(k.givenOn)}${k.service ? ` · ${codeLabel(t, 'service', k.service)}` : ''}` }))];
  const providerOptions = [{ value: '', label: '—' }, ...(providers.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))];

  const [assessment, setAssessment] = useState<string | null>(null);
  const [goals, setGoals] = useState<string | null>(null);
  const [service, setService] = useState<string>(ASSISTANCE_SERVICES[0]);
  const [providerId, setProviderId] = useState('');
  const [consentId, setConsentId] = useState('');
  const [plannedOn, setPlannedOn] = useState('');
  if (q.error) return <Section title={t('nrmDocuments.assistance.title')} testId="case-assistance"><ErrorAlert error={q.error} /></Section>;
  if (!q.data) return null;
  const plan = q.data;
  const savePlan = (e: FormEvent) => {
    e.preventDefault();
    const g = (goals ?? (plan.goals ?? []).join('\n')).split('\n').map((x) => x.trim()).filter(Boolean);
    const a = (assessment ?? plan.needsAssessment ?? '').trim();
    void run(() => api('PUT', `/cases/${c.id}/assistance-plan`, { needsAssessment: a || null, goals: g, ...(plan.assessedOn ? {} : { assessedOn: localToday(DEFAULT_TIME_ZONE) }) }));
  };
  const addService = (e: FormEvent) => {
    e.preventDefault();
    void run(() => api('POST', `/cases/${c.id}/assistance-plan/services`, { service, ...(providerId ? { providerId } : {}), ...(consentId ? { consentId } : {}), ...(plannedOn ? { plannedOn } : {}) }));
  };
  const setStatus = (s: ServiceView, status: string) => {
    const day = localToday(DEFAULT_TIME_ZONE);
    const dates = status === 'in_progress' && !s.startedOn ? { startedOn: day } : status === 'delivered' && !s.endedOn ? { endedOn: day } : {};
    void run(() => api('PATCH', `/cases/${c.id}/assistance-plan/services/${s.id}`, { status, ...dates }));
  };
  return (
    <Section title={t('nrmDocuments.assistance.title')} testId="case-assistance">
      <Text size="xs" c="dimmed">{t('nrmDocuments.assistance.unconditional')}</Text>
      {writable ? (
        <form onSubmit={savePlan}>
          <Stack gap="xs">
            <Textarea label={t('nrmDocuments.assistance.needs')} autosize minRows={2} value={assessment ?? plan.needsAssessment ?? ''} onChange={(e) => setAssessment(e.currentTarget.value)} data-testid="assistance-needs" />
            <Textarea label={t('nrmDocuments.assistance.goals')} description={t('nrmDocuments.assistance.goalsHint')} autosize minRows={2} value={goals ?? (plan.goals ?? []).join('\n')} onChange={(e) => setGoals(e.currentTarget.value)} />
            <Group><Button type="submit" size="compact-sm" data-testid="assistance-save">{t('nrmDocuments.assistance.save')}</Button>{plan.assessedOn && <Text size="xs" c="dimmed">{t('nrmDocuments.assistance.assessedOn')}: {f.longDay(plan.assessedOn)}</Text>}</Group>
          </Stack>
        </form>
      ) : (
        <>
          {plan.needsAssessment && <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{plan.needsAssessment}</Text>}
          {(plan.goals ?? []).length > 0 && <ul>{plan.goals!.map((g) => <li key={g}>{g}</li>)}</ul>}
        </>
      )}
      <Table>
        <Table.Tbody>
          {plan.services.map((s) => (
            <Table.Tr key={s.id} data-testid="assistance-service">
              <Table.Td>{t(`nrmDocuments.assistance.services.${s.service}`)}</Table.Td>
              <Table.Td><Badge color={STATUS_COLOR[s.status]} variant="light">{t(`nrmDocuments.assistance.statuses.${s.status}`)}</Badge></Table.Td>
              <Table.Td>{s.providerName ?? '—'}</Table.Td>
              <Table.Td>{[s.plannedOn, s.startedOn, s.endedOn].map((d) => (d ? f.day(d) : '…')).join(' / ')}</Table.Td>
              <Table.Td>{s.consentId ? (s.consentActive ? t('nrmDocuments.assistance.consentActive') : t('nrmDocuments.assistance.consentWithdrawn')) : t('nrmDocuments.assistance.noConsent')}</Table.Td>
              <Table.Td>
                {writable && (
                  <NativeSelect
                    size="xs"
                    aria-label={t('nrmDocuments.assistance.status')}
                    value={s.status}
                    onChange={(e) => setStatus(s, e.currentTarget.value)}
                    data={ASSISTANCE_SERVICE_STATUSES.map((x) => ({ value: x, label: t(`nrmDocuments.assistance.statuses.${x}`) }))}
                  />
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {writable && (
        <form onSubmit={addService}>
          <Group align="flex-end">
            <NativeSelect label={t('nrmDocuments.assistance.service')} value={service} onChange={(e) => setService(e.currentTarget.value)} data={ASSISTANCE_SERVICES.map((x) => ({ value: x, label: t(`nrmDocuments.assistance.services.${x}`) }))} />
            <NativeSelect label={t('nrmDocuments.assistance.provider')} value={providerId} onChange={(e) => setProviderId(e.currentTarget.value)} data={providerOptions} />
            <NativeSelect label={t('nrmDocuments.assistance.consent')} value={consentId} onChange={(e) => setConsentId(e.currentTarget.value)} data={consentOptions} />
            <TextInput type="date" label={t('nrmDocuments.assistance.plannedOn')} value={plannedOn} onChange={(e) => setPlannedOn(e.currentTarget.value)} />
            <Button type="submit" size="compact-sm" data-testid="assistance-add">{t('nrmDocuments.assistance.add')}</Button>
          </Group>
        </form>
      )}
      {error ? <ErrorAlert error={error} /> : null}
    </Section>
  );
}
