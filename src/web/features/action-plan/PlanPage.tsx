import { useState } from 'react';
import { Alert, Anchor, Badge, Button, FileInput, Group, MultiSelect, NativeSelect, NumberInput, Paper, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { CreateMeasureBody, DEADLINE_KINDS, GoalBody, INDICATOR_UNITS, MEASURE_STATUSES } from '../../../shared/schemas/action-plan.ts';
import type { IndicatorUnit } from '../../../domain/action-plan.ts';
import { api, csrfHeader, isApiError } from '../../api/client.ts';
import { useCan } from '../../api/session.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { useFormat } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { deadlineText, PLAN_KEY, STATUS_COLOR, useAgencyOptions, usePlan } from './api.ts';
import { SourceFields, sourceProblems, type SourceValue } from './IndicatorSource.tsx';

/** A plan: its measures with their derived status (late first for the coordinator), the form to add one and the spreadsheet import. */
export function PlanPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const [order, setOrder] = useState<'late_first' | 'number'>('late_first');
  const [status, setStatus] = useState('');
  const q = usePlan(id, { order, status: status || undefined });
  const plan = q.data?.plan;
  return (
    <Page title={plan?.title ?? t('actionPlan.plans.title')} description={plan ? `${t(`actionPlan.actType.${plan.actType}`)}${plan.actNumber ? ` № ${plan.actNumber}` : ''}${plan.actDate ? `, ${f.longDay(plan.actDate)}` : ''} · ${plan.startYear}–${plan.endYear}` : undefined}>
      <ErrorAlert error={q.error} />
      {plan && (
        <Group gap="xs" data-testid="plan-counts">
          <Badge variant="outline">{t(`actionPlan.planStatus.${plan.status}`)}</Badge>
          {MEASURE_STATUSES.map((s) => (
            <Badge key={s} color={STATUS_COLOR[s]} variant="light">{`${t(`actionPlan.status.${s}`)}: ${f.number(plan.statusCounts[s])}`}</Badge>
          ))}
          {plan.predecessorId && (
            <Text size="sm">
              {t('actionPlan.fields.predecessor')}: <Anchor component={Link} to={`/action-plan/plans/${plan.predecessorId}`}>{plan.predecessorTitle}</Anchor>
            </Text>
          )}
        </Group>
      )}
      <Group align="flex-end">
        <NativeSelect label={t('actionPlan.plan.order')} value={order} onChange={(e) => setOrder(e.currentTarget.value as typeof order)} data={[{ value: 'late_first', label: t('actionPlan.plan.lateFirst') }, { value: 'number', label: t('actionPlan.plan.byNumber') }]} />
        <NativeSelect label={t('actionPlan.fields.status')} value={status} onChange={(e) => setStatus(e.currentTarget.value)} data={[{ value: '', label: t('actionPlan.all') }, ...MEASURE_STATUSES.map((s) => ({ value: s, label: t(`actionPlan.status.${s}`) }))]} />
      </Group>
      <Table.ScrollContainer minWidth={640}>
        <Table striped data-testid="measures">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('actionPlan.fields.number')}</Table.Th>
              <Table.Th>{t('actionPlan.fields.text')}</Table.Th>
              <Table.Th>{t('actionPlan.fields.responsible')}</Table.Th>
              <Table.Th>{t('actionPlan.fields.deadline')}</Table.Th>
              <Table.Th>{t('actionPlan.fields.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(q.data?.measures ?? []).map((m) => (
              <Table.Tr key={m.id} data-testid={`measure-${m.number}`}>
                <Table.Td><Anchor component={Link} to={`/action-plan/measures/${m.id}`}>{m.number}</Anchor></Table.Td>
                <Table.Td>{m.text}</Table.Td>
                <Table.Td>{m.responsibleAgency.shortName ?? m.responsibleAgency.name}{m.coResponsibleAgencies.length > 0 && <Text size="xs" c="dimmed">{m.coResponsibleAgencies.map((a) => a.shortName ?? a.name).join(', ')}</Text>}</Table.Td>
                <Table.Td>{deadlineText(t, m.deadline, f.day)}</Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLOR[m.status]} variant="light" data-testid="measure-status">{t(`actionPlan.status.${m.status}`)}</Badge>
                  {m.overdueYears.length > 0 && <Text size="xs" c="red">{t('actionPlan.plan.overdueYears', { years: m.overdueYears.join(', ') })}</Text>}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {q.data && q.data.measures.length === 0 && <Text c="dimmed">{t('actionPlan.plan.noMeasures')}</Text>}
      {plan && <Goals planId={id} goals={q.data?.goals ?? []} manage={can('action_plan:manage')} />}
      {can('action_plan:manage') && plan && <AddMeasureForm planId={id} goals={q.data?.goals ?? []} />}
      {can('action_plan:manage') && plan && <ImportForm planId={id} />}
    </Page>
  );
}

type Goal = { id: string; number: string; title: string };

/** The plan's goals (sections); the coordinator's office adds and changes them, field errors at the field. */
function Goals({ planId, goals, manage }: { planId: string; goals: Goal[]; manage: boolean }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">{t('actionPlan.goals.title')}</Title>
      <Stack gap="xs" data-testid="goals">
        {goals.length === 0 && <Text c="dimmed">{t('actionPlan.goals.none')}</Text>}
        {goals.map((g) =>
          editing === g.id ? (
            <GoalForm key={g.id} planId={planId} goal={g} onDone={() => setEditing(null)} />
          ) : (
            <Group key={g.id} gap="sm" justify="space-between" wrap="nowrap">
              <Text>{`${g.number}. ${g.title}`}</Text>
              {manage && <Button size="xs" variant="default" onClick={() => setEditing(g.id)} aria-label={t('actionPlan.goals.editGoal', { number: g.number })}>{t('actionPlan.goals.edit')}</Button>}
            </Group>
          ),
        )}
        {manage && <GoalForm planId={planId} />}
      </Stack>
    </Paper>
  );
}

function GoalForm({ planId, goal, onDone }: { planId: string; goal?: Goal; onDone?: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [number, setNumber] = useState(goal?.number ?? '');
  const [title, setTitle] = useState(goal?.title ?? '');
  const [saved, setSaved] = useState(false);
  const { errors, error, busy, submit } = useFormSubmit();
  const name = goal ? t('actionPlan.goals.editGoal', { number: goal.number }) : t('actionPlan.goals.add');
  return (
    <form
      aria-label={name}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        void submit(GoalBody, { number, title }, async (data) => {
          if (goal) await api('PATCH', `/action-plan/goals/${goal.id}`, data);
          else await api('POST', `/action-plan/plans/${planId}/goals`, data);
          await qc.invalidateQueries({ queryKey: PLAN_KEY });
          if (goal) onDone?.();
          else {
            setNumber('');
            setTitle('');
            setSaved(true);
          }
        });
      }}
    >
      <Stack gap="xs">
        {!goal && <Title order={3} size="h5">{name}</Title>}
        <Group align="flex-start" grow>
          <TextInput label={t('actionPlan.fields.number')} placeholder="4" value={number} onChange={(e) => setNumber(e.currentTarget.value)} error={errors.number} required maw={140} />
          <TextInput label={t('actionPlan.goals.goalTitle')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={errors.title} required />
        </Group>
        <ErrorAlert error={Object.keys(errors).length ? null : error} />
        {saved && <Alert color="green" variant="light">{t('actionPlan.goals.added')}</Alert>}
        <Group>
          <Button type="submit" loading={busy}>{goal ? t('actionPlan.goals.save') : t('actionPlan.goals.add')}</Button>
          {goal && <Button variant="default" onClick={onDone}>{t('actionPlan.goals.cancel')}</Button>}
        </Group>
      </Stack>
    </form>
  );
}

/** An indicator being typed in the form to add a measure. */
type IndicatorDraft = { id: number; definition: string; unit: IndicatorUnit; baseline: number | string; target: number | string; source: SourceValue };
let drafts = 0;
const newIndicator = (): IndicatorDraft => ({ id: ++drafts, definition: '', unit: 'count', baseline: '', target: '', source: { table: null, key: {} } });
const numberOrNull = (v: number | string) => (v === '' ? null : Number(v));
const indicatorBody = (i: IndicatorDraft) => ({
  definition: i.definition,
  unit: i.unit,
  baseline: numberOrNull(i.baseline),
  target: numberOrNull(i.target),
  ...(i.source.table ? { statisticsTable: i.source.table, statisticsKey: i.source.key } : {}),
});

function AddMeasureForm({ planId, goals }: { planId: string; goals: { id: string; number: string; title: string }[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const agencies = useAgencyOptions();
  const [number, setNumber] = useState('');
  const [goalId, setGoalId] = useState('');
  const [text, setText] = useState('');
  const [responsible, setResponsible] = useState('');
  const [co, setCo] = useState<string[]>([]);
  const [kind, setKind] = useState<(typeof DEADLINE_KINDS)[number]>('year');
  const [on, setOn] = useState('');
  const [year, setYear] = useState<number | string>(new Date().getFullYear());
  const [toYear, setToYear] = useState<number | string>(new Date().getFullYear() + 1);
  const [expected, setExpected] = useState('');
  const [indicators, setIndicators] = useState<IndicatorDraft[]>([]);
  const [saved, setSaved] = useState(false);
  const { errors, error, busy, submit, setErrors } = useFormSubmit();
  const deadline = kind === 'date' ? { kind, on } : kind === 'year' ? { kind, year: Number(year) } : kind === 'period' ? { kind, fromYear: Number(year), toYear: Number(toYear) } : { kind };
  const values = { number, goalId: goalId || null, text, responsibleAgencyId: responsible, coResponsibleAgencyIds: co, deadline, expectedResult: expected || null, indicators: indicators.map(indicatorBody) };
  const change = (i: number, v: Partial<IndicatorDraft>) => setIndicators((all) => all.map((x, j) => (j === i ? { ...x, ...v } : x)));
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">{t('actionPlan.plan.addMeasure')}</Title>
      <form
        aria-label={t('actionPlan.plan.addMeasure')}
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          // A figure the tables do not have, or a unit that cannot hold it: said at the field, nothing sent.
          const problems = Object.fromEntries(indicators.flatMap((ind, i) => Object.entries(sourceProblems(t, ind.source, ind.unit)).map(([k, v]) => [`indicators.${i}.${k}`, v])));
          if (Object.keys(problems).length) return setErrors(problems);
          void submit(CreateMeasureBody, values, async (data) => {
            await api('POST', `/action-plan/plans/${planId}/measures`, data);
            await qc.invalidateQueries({ queryKey: PLAN_KEY });
            setNumber('');
            setText('');
            setIndicators([]);
            setSaved(true);
          });
        }}
      >
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('actionPlan.fields.number')} placeholder="4.1.9" value={number} onChange={(e) => setNumber(e.currentTarget.value)} error={errors.number} required />
            <NativeSelect label={t('actionPlan.fields.goal')} value={goalId} onChange={(e) => setGoalId(e.currentTarget.value)} data={[{ value: '', label: '—' }, ...goals.map((g) => ({ value: g.id, label: `${g.number}. ${g.title}` }))]} />
          </SimpleGrid>
          <Textarea label={t('actionPlan.fields.text')} value={text} onChange={(e) => setText(e.currentTarget.value)} error={errors.text} required autosize minRows={2} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NativeSelect label={t('actionPlan.fields.responsible')} value={responsible} onChange={(e) => setResponsible(e.currentTarget.value)} data={[{ value: '', label: '—' }, ...(agencies.data ?? [])]} error={errors.responsibleAgencyId} required />
            <MultiSelect label={t('actionPlan.fields.coResponsible')} value={co} onChange={setCo} data={agencies.data ?? []} searchable error={errors.coResponsibleAgencyIds ?? Object.entries(errors).find(([k]) => k.startsWith('coResponsibleAgencyIds.'))?.[1]} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NativeSelect label={t('actionPlan.fields.deadlineKind')} value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)} data={DEADLINE_KINDS.map((k) => ({ value: k, label: t(`actionPlan.deadlineKind.${k}`) }))} />
            {kind === 'date' && <TextInput type="date" label={t('actionPlan.fields.deadlineOn')} value={on} onChange={(e) => setOn(e.currentTarget.value)} error={errors['deadline.on']} />}
            {(kind === 'year' || kind === 'period') && <NumberInput label={kind === 'year' ? t('actionPlan.fields.deadlineYear') : t('actionPlan.fields.fromYear')} value={year} onChange={setYear} allowDecimal={false} error={errors['deadline.year'] ?? errors['deadline.fromYear']} />}
            {kind === 'period' && <NumberInput label={t('actionPlan.fields.toYear')} value={toYear} onChange={setToYear} allowDecimal={false} error={errors['deadline.toYear']} />}
          </SimpleGrid>
          <Textarea label={t('actionPlan.fields.expectedResult')} value={expected} onChange={(e) => setExpected(e.currentTarget.value)} autosize minRows={1} />
          <Title order={3} size="h5">{t('actionPlan.figure.indicators')}</Title>
          {indicators.map((ind, i) => {
            const name = t('actionPlan.figure.indicatorN', { n: i + 1 });
            return (
              <Paper key={ind.id} withBorder p="sm" role="group" aria-label={name} data-testid={`indicator-form-${i}`}>
                <Stack gap="xs">
                  <TextInput label={t('actionPlan.fields.indicator')} value={ind.definition} onChange={(e) => change(i, { definition: e.currentTarget.value })} error={errors[`indicators.${i}.definition`]} required />
                  <SimpleGrid cols={{ base: 1, sm: 3 }}>
                    <NativeSelect label={t('actionPlan.fields.unit')} value={ind.unit} onChange={(e) => change(i, { unit: e.currentTarget.value as IndicatorUnit })} data={INDICATOR_UNITS.map((u) => ({ value: u, label: t(`actionPlan.unit.${u}`) }))} error={errors[`indicators.${i}.unit`]} />
                    <NumberInput label={t('actionPlan.fields.baseline')} value={ind.baseline} onChange={(v) => change(i, { baseline: v })} error={errors[`indicators.${i}.baseline`]} />
                    <NumberInput label={t('actionPlan.fields.target')} value={ind.target} onChange={(v) => change(i, { target: v })} error={errors[`indicators.${i}.target`]} />
                  </SimpleGrid>
                  <SourceFields value={ind.source} onChange={(source) => change(i, { source })} onUnit={(unit) => change(i, { unit })} errors={errors} prefix={`indicators.${i}.`} label={t('actionPlan.figure.sourceOf', { name })} />
                  <Group><Button variant="subtle" color="red" size="xs" onClick={() => setIndicators((all) => all.filter((_, j) => j !== i))}>{t('actionPlan.figure.removeIndicator', { name })}</Button></Group>
                </Stack>
              </Paper>
            );
          })}
          <Group><Button variant="default" onClick={() => setIndicators((all) => [...all, newIndicator()])}>{t('actionPlan.figure.addIndicator')}</Button></Group>
          <ErrorAlert error={error} />
          {saved && <Alert color="green" variant="light">{t('actionPlan.plan.measureAdded')}</Alert>}
          <Group><Button type="submit" loading={busy}>{t('actionPlan.plan.addMeasure')}</Button></Group>
        </Stack>
      </form>
    </Paper>
  );
}

function ImportForm({ planId }: { planId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ dryRun: boolean; goals: number; measures: number; indicators: number } | null>(null);
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const xlsx = file.name.toLowerCase().endsWith('.xlsx');
      const res = await fetch(`/api/v1/action-plan/plans/${planId}/import?dryRun=${dryRun}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv', ...csrfHeader(), accept: 'application/json' },
        body: xlsx ? await file.arrayBuffer() : await file.text(),
      });
      const body = (await res.json()) as { error?: { message: string; fields?: Record<string, string> }; dryRun: boolean; goals: number; measures: number; indicators: number };
      if (!res.ok) setError({ message: body.error?.message ?? '', fields: body.error?.fields ?? {} });
      else {
        setResult(body);
        if (!dryRun) await qc.invalidateQueries({ queryKey: PLAN_KEY });
      }
    } catch (e) {
      setError({ message: isApiError(e) ? e.message : String(e), fields: {} });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">{t('actionPlan.import.title')}</Title>
      <Text size="sm" c="dimmed" mb="sm">{t('actionPlan.import.help')}</Text>
      <Stack>
        <FileInput label={t('actionPlan.import.file')} accept=".csv,.xlsx" value={file} onChange={setFile} clearable />
        {error && (
          <Alert color="red" variant="light" role="alert" title={t('actionPlan.import.refused')}>
            {Object.entries(error.fields).slice(0, 20).map(([k, v]) => {
              const m = /^rows\.(\d+)\.(\w+)$/.exec(k);
              return <Text key={k} size="sm">{m ? t('actionPlan.import.rowError', { row: m[1], column: m[2], message: v }) : v}</Text>;
            })}
          </Alert>
        )}
        {result && <Alert color={result.dryRun ? 'blue' : 'green'} variant="light">{t(result.dryRun ? 'actionPlan.import.checked' : 'actionPlan.import.done', { goals: result.goals, measures: result.measures, indicators: result.indicators })}</Alert>}
        <Group>
          <Button variant="default" onClick={() => void send(true)} loading={busy} disabled={!file}>{t('actionPlan.import.dryRun')}</Button>
          <Button onClick={() => void send(false)} loading={busy} disabled={!file}>{t('actionPlan.import.apply')}</Button>
        </Group>
      </Stack>
    </Paper>
  );
}
