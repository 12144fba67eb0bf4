import { useState } from 'react';
import { Anchor, Badge, Button, Group, NativeSelect, NumberInput, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ACT_TYPES, CreatePlanBody, PLAN_STATUSES } from '../../../shared/schemas/action-plan.ts';
import { api } from '../../api/client.ts';
import { useCan } from '../../api/session.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { useFormat } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { PLAN_KEY, usePlans } from './api.ts';

/** The national action plans, newest first, with how their measures stand; the coordinator adds plans here. */
export function PlansPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const plans = usePlans();
  return (
    <Page
      title={t('actionPlan.plans.title')}
      description={t('actionPlan.plans.intro')}
      actions={
        <Group>
          {can('action_plan:report') && <Button component={Link} to="/action-plan/mine">{t('actionPlan.nav.mine')}</Button>}
          {can('action_plan:manage') && <Button component={Link} to="/action-plan/reviews" variant="default">{t('actionPlan.nav.reviews')}</Button>}
          <Button component={Link} to="/action-plan/meetings" variant="default">{t('actionPlan.nav.meetings')}</Button>
        </Group>
      }
    >
      <ErrorAlert error={plans.error} />
      <Table striped data-testid="plans">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('actionPlan.fields.title')}</Table.Th>
            <Table.Th>{t('actionPlan.fields.act')}</Table.Th>
            <Table.Th>{t('actionPlan.fields.years')}</Table.Th>
            <Table.Th>{t('actionPlan.fields.planStatus')}</Table.Th>
            <Table.Th>{t('actionPlan.fields.measures')}</Table.Th>
            <Table.Th>{t('actionPlan.status.late')}</Table.Th>
            <Table.Th>{t('actionPlan.status.done')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(plans.data?.items ?? []).map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td><Anchor component={Link} to={`/action-plan/plans/${p.id}`}>{p.title}</Anchor></Table.Td>
              <Table.Td>{t(`actionPlan.actType.${p.actType}`)}{p.actNumber ? ` № ${p.actNumber}` : ''}{p.actDate ? `, ${f.day(p.actDate)}` : ''}</Table.Td>
              <Table.Td>{p.startYear === p.endYear ? String(p.startYear) : `${p.startYear}–${p.endYear}`}</Table.Td>
              <Table.Td><Badge variant="light">{t(`actionPlan.planStatus.${p.status}`)}</Badge></Table.Td>
              <Table.Td>{f.number(p.measures)}</Table.Td>
              <Table.Td>{f.number(p.statusCounts.late)}</Table.Td>
              <Table.Td>{f.number(p.statusCounts.done)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {plans.data?.items.length === 0 && <Text c="dimmed">{t('actionPlan.plans.none')}</Text>}
      {can('action_plan:manage') && <NewPlanForm plans={plans.data?.items ?? []} />}
    </Page>
  );
}

function NewPlanForm({ plans }: { plans: { id: string; title: string }[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const year = new Date().getFullYear();
  const [title, setTitle] = useState('');
  const [actType, setActType] = useState<string>('presidential_order');
  const [actNumber, setActNumber] = useState('');
  const [actDate, setActDate] = useState('');
  const [startYear, setStartYear] = useState<number | string>(year);
  const [endYear, setEndYear] = useState<number | string>(year + 4);
  const [status, setStatus] = useState<string>('draft');
  const [predecessorId, setPredecessorId] = useState('');
  const { errors, error, busy, submit } = useFormSubmit();
  const values = { title, actType, actNumber: actNumber || null, actDate: actDate || null, startYear: Number(startYear), endYear: Number(endYear), status, predecessorId: predecessorId || null };
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">{t('actionPlan.plans.new')}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(CreatePlanBody, values, async (data) => {
            const created = (await api('POST', '/action-plan/plans', data)) as { id: string };
            await qc.invalidateQueries({ queryKey: PLAN_KEY });
            await navigate(`/action-plan/plans/${created.id}`);
          });
        }}
      >
        <Stack>
          <TextInput label={t('actionPlan.fields.title')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={errors.title} required />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NativeSelect label={t('actionPlan.fields.actType')} value={actType} onChange={(e) => setActType(e.currentTarget.value)} data={ACT_TYPES.map((a) => ({ value: a, label: t(`actionPlan.actType.${a}`) }))} />
            <TextInput label={t('actionPlan.fields.actNumber')} value={actNumber} onChange={(e) => setActNumber(e.currentTarget.value)} error={errors.actNumber} />
            <TextInput type="date" label={t('actionPlan.fields.actDate')} value={actDate} onChange={(e) => setActDate(e.currentTarget.value)} error={errors.actDate} />
            <NumberInput label={t('actionPlan.fields.startYear')} value={startYear} onChange={setStartYear} error={errors.startYear} allowDecimal={false} />
            <NumberInput label={t('actionPlan.fields.endYear')} value={endYear} onChange={setEndYear} error={errors.endYear} allowDecimal={false} />
            <NativeSelect label={t('actionPlan.fields.planStatus')} value={status} onChange={(e) => setStatus(e.currentTarget.value)} data={PLAN_STATUSES.map((s) => ({ value: s, label: t(`actionPlan.planStatus.${s}`) }))} />
          </SimpleGrid>
          <NativeSelect label={t('actionPlan.fields.predecessor')} value={predecessorId} onChange={(e) => setPredecessorId(e.currentTarget.value)} data={[{ value: '', label: '—' }, ...plans.map((p) => ({ value: p.id, label: p.title }))]} error={errors.predecessorId} />
          <ErrorAlert error={error} />
          <Group><Button type="submit" loading={busy}>{t('actionPlan.plans.create')}</Button></Group>
        </Stack>
      </form>
    </Paper>
  );
}
