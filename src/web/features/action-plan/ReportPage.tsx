import { useState } from 'react';
import { Alert, Anchor, Badge, Button, FileInput, Group, NativeSelect, NumberInput, Paper, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { REPORT_PROGRESS, ResubmitReportBody, ReviewBody, type ReportView } from '../../../shared/schemas/action-plan.ts';
import { api, csrfHeader } from '../../api/client.ts';
import { useCan, useUser } from '../../api/session.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { useFormat } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { PLAN_KEY, REVIEW_COLOR, useMeasure, useReport } from './api.ts';

/** A progress report: what the body said, its values and evidence; the coordinator accepts it or sends it back; the body changes and resubmits it. */
export function ReportPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const user = useUser();
  const q = useReport(id);
  const r = q.data;
  const own = r && r.agencyId === user.agency.id && can('action_plan:report');
  return (
    <Page title={r ? t('actionPlan.report.title', { number: r.subjectNumber, period: String(r.period) }) : t('actionPlan.report.titleShort')} description={r?.subjectText}>
      <ErrorAlert error={q.error} />
      {r && (
        <>
          <Paper withBorder p="md">
            <Stack gap="xs">
              <Group gap="xs">
                <Badge color={REVIEW_COLOR[r.review]} data-testid="report-review">{t(`actionPlan.review.${r.review}`)}</Badge>
                <Badge variant="outline">{t(`actionPlan.progress.${r.progress}`)}</Badge>
              </Group>
              <Text size="sm">{t('actionPlan.fields.agency')}: {r.agencyName}</Text>
              <Text size="sm">{t('actionPlan.fields.submittedAt')}: {f.dateTime(r.submittedAt)}</Text>
              {r.reviewedAt && <Text size="sm">{t('actionPlan.fields.reviewedAt')}: {f.dateTime(r.reviewedAt)}</Text>}
              {r.returnReason && r.review === 'returned' && <Alert color="orange" variant="light" title={t('actionPlan.report.returnedTitle')} data-testid="return-reason">{r.returnReason}</Alert>}
              <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="report-narrative">{r.narrative}</Text>
              {r.measureId && <Anchor component={Link} to={`/action-plan/measures/${r.measureId}`} size="sm">{t('actionPlan.report.toMeasure')}</Anchor>}
            </Stack>
          </Paper>
          {r.indicatorValues.length > 0 && (
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('actionPlan.fields.indicator')}</Table.Th>
                  <Table.Th>{t('actionPlan.fields.value')}</Table.Th>
                  <Table.Th>{t('actionPlan.figure.computedColumn')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.indicatorValues.map((v) => (
                  <Table.Tr key={v.indicatorId}>
                    <Table.Td>{v.definition}</Table.Td>
                    <Table.Td>{f.number(v.value)}{v.unit === 'percentage' ? ' %' : ''}</Table.Td>
                    <Table.Td data-testid="computed">{v.statisticsTable ? (v.computed ? t('actionPlan.figure.computed', { value: f.number(v.computed.value), year: String(v.computed.period) }) : v.figureWithheld ? t('actionPlan.figure.withheld') : t('actionPlan.figure.noComputed')) : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Title order={2} size="h4">{t('actionPlan.report.evidence')}</Title>
          {r.documents.length === 0 ? (
            <Text c="dimmed">{t('actionPlan.report.noEvidence')}</Text>
          ) : (
            <Stack gap={4}>
              {r.documents.map((d) => (
                <Anchor key={d.id} href={`/api/v1/action-plan/reports/${r.id}/documents/${d.id}/content`}>{d.fileName}</Anchor>
              ))}
            </Stack>
          )}
          {own && r.review !== 'accepted' && <EvidenceUpload reportId={r.id} />}
          {can('action_plan:manage') && r.review === 'submitted' && <ReviewForm report={r} />}
          {own && r.review !== 'accepted' && <ResubmitForm key={r.version} report={r} />}
        </>
      )}
    </Page>
  );
}

function ReviewForm({ report }: { report: ReportView }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const { errors, error, busy, submit } = useFormSubmit();
  const send = (decision: 'accept' | 'return') =>
    submit(ReviewBody, { version: report.version, decision, ...(decision === 'return' ? { reason } : {}) }, async (data) => {
      await api('POST', `/action-plan/reports/${report.id}/review`, data);
      await qc.invalidateQueries({ queryKey: PLAN_KEY });
    });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">{t('actionPlan.review.title')}</Title>
      <Stack>
        <Textarea label={t('actionPlan.review.reason')} description={t('actionPlan.review.reasonHelp')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} />
        <ErrorAlert error={error} />
        <Group>
          <Button color="green" loading={busy} onClick={() => void send('accept')}>{t('actionPlan.review.accept')}</Button>
          <Button color="orange" variant="light" loading={busy} disabled={!reason.trim()} onClick={() => void send('return')}>{t('actionPlan.review.return')}</Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function ResubmitForm({ report }: { report: ReportView }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const measure = useMeasure(report.measureId ?? '');
  const [progress, setProgress] = useState<string>(report.progress);
  const [narrative, setNarrative] = useState(report.narrative);
  const [values, setValues] = useState<Record<string, number | string>>(Object.fromEntries(report.indicatorValues.map((v) => [v.indicatorId, v.value])));
  const { errors, error, busy, submit } = useFormSubmit();
  const indicators = report.measureId ? (measure.data?.indicators ?? []) : [];
  const indicatorValues = indicators.filter((i) => values[i.id] !== undefined && values[i.id] !== '').map((i) => ({ indicatorId: i.id, value: Number(values[i.id]) }));
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">{report.review === 'returned' ? t('actionPlan.report.resubmitTitle') : t('actionPlan.report.editTitle')}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(ResubmitReportBody, { version: report.version, progress, narrative, indicatorValues }, async (data) => {
            await api('PUT', `/action-plan/reports/${report.id}`, data);
            await qc.invalidateQueries({ queryKey: PLAN_KEY });
          });
        }}
      >
        <Stack>
          <NativeSelect label={t('actionPlan.fields.progress')} value={progress} onChange={(e) => setProgress(e.currentTarget.value)} data={REPORT_PROGRESS.map((p) => ({ value: p, label: t(`actionPlan.progress.${p}`) }))} />
          <Textarea label={t('actionPlan.fields.narrative')} value={narrative} onChange={(e) => setNarrative(e.currentTarget.value)} error={errors.narrative} required autosize minRows={3} />
          {indicators.map((i) => {
            const k = indicatorValues.findIndex((v) => v.indicatorId === i.id);
            return <NumberInput key={i.id} label={`${i.definition} (${t(`actionPlan.unit.${i.unit}`)})`} value={values[i.id] ?? ''} onChange={(v) => setValues({ ...values, [i.id]: v })} error={k >= 0 ? errors[`indicatorValues.${k}.value`] : undefined} />;
          })}
          <ErrorAlert error={error} />
          <Group><Button type="submit" loading={busy}>{t('actionPlan.report.resubmit')}</Button></Group>
        </Stack>
      </form>
    </Paper>
  );
}

function EvidenceUpload({ reportId }: { reportId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const send = async () => {
    if (!file) return;
    setBusy(true);
    setFailed(null);
    try {
      const res = await fetch(`/api/v1/action-plan/reports/${reportId}/documents?name=${encodeURIComponent(file.name)}`, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': file.type || 'application/pdf', ...csrfHeader(), accept: 'application/json' }, body: await file.arrayBuffer() });
      if (!res.ok) setFailed(((await res.json()) as { error?: { message?: string } }).error?.message ?? String(res.status));
      else {
        setFile(null);
        await qc.invalidateQueries({ queryKey: PLAN_KEY });
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <Group align="flex-end">
      <FileInput label={t('actionPlan.report.addEvidence')} accept="application/pdf,image/png,image/jpeg,image/webp" value={file} onChange={setFile} clearable w={320} error={failed} />
      <Button variant="default" onClick={() => void send()} loading={busy} disabled={!file}>{t('actionPlan.report.upload')}</Button>
    </Group>
  );
}
