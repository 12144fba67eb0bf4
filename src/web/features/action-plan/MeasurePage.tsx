import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, NativeSelect, NumberInput, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { DEADLINE_KINDS, DropBody, INDICATOR_UNITS, REPORT_PROGRESS, SubmitReportBody, UpdateIndicatorBody, UpdateMeasureBody, type IndicatorView, type MeasureView } from '../../../shared/schemas/action-plan.ts';
import type { IndicatorUnit } from '../../../domain/action-plan.ts';
import { api } from '../../api/client.ts';
import { useCan, useUser } from '../../api/session.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { useFormat } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { deadlineText, PLAN_KEY, REVIEW_COLOR, STATUS_COLOR, useMeasure } from './api.ts';
import { figureText, SourceFields, sourceProblems, type SourceValue } from './IndicatorSource.tsx';

/** A measure: what it asks, who answers for it, its indicators, its reports; the body's report form and the coordinator's drop. */
export function MeasurePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const user = useUser();
  const q = useMeasure(id);
  const m = q.data;
  const responsible = m && (m.responsibleAgency.id === user.agency.id || m.coResponsibleAgencies.some((a) => a.id === user.agency.id));
  return (
    <Page title={m ? t('actionPlan.measure.title', { number: m.number }) : t('actionPlan.plans.title')} description={m?.text}>
      <ErrorAlert error={q.error} />
      {m && (
        <>
          <Paper withBorder p="md">
            <Stack gap="xs">
              <Group gap="xs">
                <Badge color={STATUS_COLOR[m.status]} data-testid="measure-status">{t(`actionPlan.status.${m.status}`)}</Badge>
                {m.overdueYears.length > 0 && <Text size="sm" c="red">{t('actionPlan.plan.overdueYears', { years: m.overdueYears.join(', ') })}</Text>}
              </Group>
              {m.goal && <Text size="sm">{t('actionPlan.fields.goal')}: {m.goal.number}. {m.goal.title}</Text>}
              <Text size="sm">{t('actionPlan.fields.responsible')}: {m.responsibleAgency.name}</Text>
              {m.coResponsibleAgencies.length > 0 && <Text size="sm">{t('actionPlan.fields.coResponsible')}: {m.coResponsibleAgencies.map((a) => a.name).join(', ')}</Text>}
              <Text size="sm">{t('actionPlan.fields.deadline')}: {deadlineText(t, m.deadline, f.longDay)}</Text>
              {m.expectedResult && <Text size="sm">{t('actionPlan.fields.expectedResult')}: {m.expectedResult}</Text>}
              {m.dropReason && <Text size="sm">{t('actionPlan.measure.dropReason')}: {m.dropReason}</Text>}
              <Anchor component={Link} to={`/action-plan/plans/${m.planId}`} size="sm">{t('actionPlan.measure.toPlan')}</Anchor>
            </Stack>
          </Paper>
          {m.indicators.length > 0 && (
            <Stack gap="xs" data-testid="indicators">
              <Title order={2} size="h4">{t('actionPlan.figure.indicators')}</Title>
              {m.indicators.map((i) => (
                <IndicatorCard key={i.id} indicator={i} measure={m} manage={can('action_plan:manage') && m.status !== 'dropped'} />
              ))}
            </Stack>
          )}
          <Title order={2} size="h4">{t('actionPlan.measure.reports')}</Title>
          <Table.ScrollContainer minWidth={520}>
            <Table striped data-testid="measure-reports">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('actionPlan.fields.period')}</Table.Th>
                  <Table.Th>{t('actionPlan.fields.agency')}</Table.Th>
                  <Table.Th>{t('actionPlan.fields.progress')}</Table.Th>
                  <Table.Th>{t('actionPlan.fields.review')}</Table.Th>
                  <Table.Th>{t('actionPlan.fields.submittedAt')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {m.reports.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td><Anchor component={Link} to={`/action-plan/reports/${r.id}`}>{String(r.period)}</Anchor></Table.Td>
                    <Table.Td>{r.agencyName}</Table.Td>
                    <Table.Td>{t(`actionPlan.progress.${r.progress}`)}</Table.Td>
                    <Table.Td><Badge color={REVIEW_COLOR[r.review]} variant="light">{t(`actionPlan.review.${r.review}`)}</Badge></Table.Td>
                    <Table.Td>{f.short(r.submittedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {m.reports.length === 0 && <Text c="dimmed">{t('actionPlan.measure.noReports')}</Text>}
          {can('action_plan:report') && responsible && m.status !== 'dropped' && <ReportForm measure={m} />}
          {can('action_plan:manage') && m.status !== 'dropped' && <EditForm key={m.version} measure={m} />}
          {can('action_plan:manage') && m.status !== 'dropped' && <DropForm measureId={m.id} />}
        </>
      )}
    </Page>
  );
}

function ReportForm({ measure }: { measure: MeasureView }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const wanted = Number(params.get('period'));
  const [period, setPeriod] = useState(String(measure.reportingYears.includes(wanted) ? wanted : (measure.reportingYears[0] ?? '')));
  const [progress, setProgress] = useState<string>('in_progress');
  const [narrative, setNarrative] = useState('');
  const [values, setValues] = useState<Record<string, number | string>>({});
  const { errors, error, busy, submit } = useFormSubmit();
  const indicatorValues = measure.indicators.filter((i) => values[i.id] !== undefined && values[i.id] !== '').map((i) => ({ indicatorId: i.id, value: Number(values[i.id]) }));
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">{t('actionPlan.report.new')}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(SubmitReportBody, { measureId: measure.id, period: Number(period), progress, narrative, indicatorValues }, async (data) => {
            const created = (await api('POST', '/action-plan/reports', data)) as { id: string };
            await qc.invalidateQueries({ queryKey: PLAN_KEY });
            await navigate(`/action-plan/reports/${created.id}`);
          });
        }}
      >
        <Stack>
          <Group grow>
            <NativeSelect label={t('actionPlan.fields.period')} value={period} onChange={(e) => setPeriod(e.currentTarget.value)} data={measure.reportingYears.map((y) => String(y))} error={errors.period} />
            <NativeSelect label={t('actionPlan.fields.progress')} value={progress} onChange={(e) => setProgress(e.currentTarget.value)} data={REPORT_PROGRESS.map((p) => ({ value: p, label: t(`actionPlan.progress.${p}`) }))} />
          </Group>
          <Textarea label={t('actionPlan.fields.narrative')} value={narrative} onChange={(e) => setNarrative(e.currentTarget.value)} error={errors.narrative} required autosize minRows={3} />
          {measure.indicators.map((i, n) => {
            const k = indicatorValues.findIndex((v) => v.indicatorId === i.id);
            return (
              <NumberInput
                key={i.id}
                label={`${i.definition} (${t(`actionPlan.unit.${i.unit}`)})`}
                value={values[i.id] ?? ''}
                onChange={(v) => setValues({ ...values, [i.id]: v })}
                error={k >= 0 ? errors[`indicatorValues.${k}.value`] : undefined}
                data-index={n}
              />
            );
          })}
          <ErrorAlert error={error} />
          <Group><Button type="submit" loading={busy}>{t('actionPlan.report.submit')}</Button></Group>
        </Stack>
      </form>
    </Paper>
  );
}

function DropForm({ measureId }: { measureId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [open, setOpen] = useState(false);
  const { errors, error, busy, submit } = useFormSubmit();
  if (!open) return <Group><Button variant="default" color="red" onClick={() => setOpen(true)}>{t('actionPlan.measure.drop')}</Button></Group>;
  return (
    <Paper withBorder p="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(DropBody, { reason }, async (data) => {
            await api('POST', `/action-plan/measures/${measureId}/drop`, data);
            await qc.invalidateQueries({ queryKey: PLAN_KEY });
          });
        }}
      >
        <Stack>
          <Alert color="orange" variant="light">{t('actionPlan.measure.dropHelp')}</Alert>
          <Textarea label={t('actionPlan.fields.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} required />
          <ErrorAlert error={error} />
          <Group><Button type="submit" color="red" loading={busy}>{t('actionPlan.measure.drop')}</Button></Group>
        </Stack>
      </form>
    </Paper>
  );
}

function EditForm({ measure }: { measure: MeasureView }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const d = measure.deadline;
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(measure.text);
  const [expected, setExpected] = useState(measure.expectedResult ?? '');
  const [kind, setKind] = useState<(typeof DEADLINE_KINDS)[number]>(d.kind);
  const [on, setOn] = useState(d.kind === 'date' ? d.on : '');
  const [year, setYear] = useState<number | string>(d.kind === 'year' ? d.year : d.kind === 'period' ? d.fromYear : new Date().getFullYear());
  const [toYear, setToYear] = useState<number | string>(d.kind === 'period' ? d.toYear : new Date().getFullYear() + 1);
  const { errors, error, busy, submit } = useFormSubmit();
  if (!open) return <Group><Button variant="default" onClick={() => setOpen(true)}>{t('actionPlan.measure.edit')}</Button></Group>;
  const deadline = kind === 'date' ? { kind, on } : kind === 'year' ? { kind, year: Number(year) } : kind === 'period' ? { kind, fromYear: Number(year), toYear: Number(toYear) } : { kind };
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">{t('actionPlan.measure.edit')}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(UpdateMeasureBody, { version: measure.version, text, expectedResult: expected || null, deadline }, async (data) => {
            await api('PATCH', `/action-plan/measures/${measure.id}`, data);
            await qc.invalidateQueries({ queryKey: PLAN_KEY });
            setOpen(false);
          });
        }}
      >
        <Stack>
          <Textarea label={t('actionPlan.fields.text')} value={text} onChange={(e) => setText(e.currentTarget.value)} error={errors.text} required autosize minRows={2} />
          <Group grow align="flex-start">
            <NativeSelect label={t('actionPlan.fields.deadlineKind')} value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)} data={DEADLINE_KINDS.map((k) => ({ value: k, label: t(`actionPlan.deadlineKind.${k}`) }))} />
            {kind === 'date' && <TextInput type="date" label={t('actionPlan.fields.deadlineOn')} value={on} onChange={(e) => setOn(e.currentTarget.value)} error={errors['deadline.on']} />}
            {(kind === 'year' || kind === 'period') && <NumberInput label={kind === 'year' ? t('actionPlan.fields.deadlineYear') : t('actionPlan.fields.fromYear')} value={year} onChange={setYear} allowDecimal={false} error={errors['deadline.year'] ?? errors['deadline.fromYear']} />}
            {kind === 'period' && <NumberInput label={t('actionPlan.fields.toYear')} value={toYear} onChange={setToYear} allowDecimal={false} error={errors['deadline.toYear']} />}
          </Group>
          <Textarea label={t('actionPlan.fields.expectedResult')} value={expected} onChange={(e) => setExpected(e.currentTarget.value)} autosize minRows={1} />
          <ErrorAlert error={error} />
          <Group><Button type="submit" loading={busy}>{t('actionPlan.measure.save')}</Button></Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** One indicator: what it measures, its source, the latest accepted value and, when linked, the figure computed from the records; the coordinator changes its source. */
function IndicatorCard({ indicator: i, measure, manage }: { indicator: IndicatorView; measure: MeasureView; manage: boolean }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const [editing, setEditing] = useState(false);
  const link = i.statisticsTable ? { table: i.statisticsTable, key: i.statisticsKey ?? {} } : null;
  const unit = (v: number) => `${f.number(v)}${i.unit === 'percentage' ? ' %' : ''}`;
  return (
    <Paper withBorder p="sm" data-testid={`indicator-${i.id}`}>
      <Stack gap={4}>
        <Text fw={600}>{i.definition}</Text>
        <Text size="sm">{`${t('actionPlan.fields.unit')}: ${t(`actionPlan.unit.${i.unit}`)} · ${t('actionPlan.fields.baseline')}: ${f.number(i.baseline)} · ${t('actionPlan.fields.target')}: ${f.number(i.target)}`}</Text>
        <Text size="sm" data-testid="source">{`${t('actionPlan.figure.source')}: ${link ? figureText(t, i18n.language, link) : t('actionPlan.figure.manual')}`}</Text>
        <Text size="sm" data-testid="latest">{i.latest ? t('actionPlan.figure.latest', { value: unit(i.latest.value), year: String(i.latest.period) }) : t('actionPlan.figure.noLatest')}</Text>
        {link && <Text size="sm" fw={600} data-testid="computed">{i.computed ? t('actionPlan.figure.computed', { value: unit(i.computed.value), year: String(i.computed.period) }) : i.figureWithheld ? t('actionPlan.figure.withheld') : t('actionPlan.figure.noComputed')}</Text>}
        {manage && !editing && (
          <Group>
            <Button size="xs" variant="default" onClick={() => setEditing(true)} aria-label={t('actionPlan.figure.changeNamed', { name: i.definition })}>{t('actionPlan.figure.change')}</Button>
          </Group>
        )}
        {manage && editing && <IndicatorSourceForm indicator={i} version={measure.version} onDone={() => setEditing(false)} />}
      </Stack>
    </Paper>
  );
}

function IndicatorSourceForm({ indicator: i, version, onDone }: { indicator: IndicatorView; version: number; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [unit, setUnit] = useState<IndicatorUnit>(i.unit);
  const [source, setSource] = useState<SourceValue>({ table: i.statisticsTable, key: i.statisticsKey ?? {} });
  const { errors, error, busy, submit, setErrors } = useFormSubmit();
  const name = t('actionPlan.figure.changeNamed', { name: i.definition });
  return (
    <form
      aria-label={name}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const problems = sourceProblems(t, source, unit);
        if (Object.keys(problems).length) return setErrors(problems);
        void submit(UpdateIndicatorBody, { version, unit, statisticsTable: source.table, ...(source.table ? { statisticsKey: source.key } : {}) }, async (data) => {
          await api('PATCH', `/action-plan/indicators/${i.id}`, data);
          await qc.invalidateQueries({ queryKey: PLAN_KEY });
          onDone();
        });
      }}
    >
      <Stack gap="xs">
        <NativeSelect label={t('actionPlan.fields.unit')} value={unit} onChange={(e) => setUnit(e.currentTarget.value as IndicatorUnit)} data={INDICATOR_UNITS.map((u) => ({ value: u, label: t(`actionPlan.unit.${u}`) }))} error={errors.unit} />
        <SourceFields value={source} onChange={setSource} onUnit={setUnit} errors={errors} prefix="" label={t('actionPlan.figure.sourceOf', { name: i.definition })} />
        <ErrorAlert error={Object.keys(errors).length ? null : error} />
        <Group>
          <Button type="submit" loading={busy}>{t('actionPlan.figure.save')}</Button>
          <Button variant="default" onClick={onDone}>{t('actionPlan.figure.cancel')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
