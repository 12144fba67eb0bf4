import { useState } from 'react';
import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { AssigneeView } from '../../../shared/schemas/tasks.ts';
import { api } from '../../api/client.ts';
import { useCan } from '../../api/session.ts';
import { ErrorAlert } from '../../components/errors.tsx';

type What = 'task' | 'case_worker' | 'referral_handler' | 'identification_handler';
const Assignees = z.object({ items: z.array(AssigneeView) });

/** A supervisor of the agency (the server's rule in `modules/tasks/reassign.ts`): oversight plus changing the agency's cases. */
export function useIsSupervisor(): boolean {
  const can = useCan();
  return (can('contacts:supervise') || can('cases:read_restricted')) && can('case:update:agency');
}

/**
 * "Reassign task" / "Change case worker" / "Assign handler" (of a referral to the supervisor's agency):
 * a picker limited to the active people of the supervisor's agency who can take the work
 * (`GET /oversight/assignees`), then the reassignment.
 */
export function ReassignButton({ caseId, taskId, referralId, what, currentUserId, onDone }: { caseId: string; taskId?: string; referralId?: string; what: What; currentUserId?: string | null; onDone: () => unknown }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [userId, setUserId] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const people = useQuery({ queryKey: ['oversight', 'assignees', what], queryFn: () => api('GET', `/oversight/assignees?for=${what}`, undefined, Assignees), enabled: open });
  const choices = (people.data?.items ?? []).filter((u) => u.id !== currentUserId).map((u) => ({ value: u.id, label: u.name }));
  const label = what === 'task' ? t('nrmOversight.reassign.task') : what === 'case_worker' ? t('nrmOversight.reassign.caseWorker') : t('nrmOversight.reassign.handler');

  const save = async () => {
    if (!userId) return;
    setBusy(true);
    setError(null);
    try {
      const who = what === 'task' ? { assignedUserId: userId } : what === 'case_worker' ? { ownerUserId: userId } : { handlerUserId: userId };
      const body = { ...who, ...(reason.trim() ? { reason: reason.trim() } : {}) };
      const url = what === 'task' ? `/cases/${caseId}/tasks/${taskId}/reassign` : what === 'case_worker' ? `/cases/${caseId}/reassign` : `/referrals/${referralId}/assign`;
      await api('POST', url, body);
      notifications.show({ color: 'teal', message: t('nrmOversight.reassign.done') });
      setOpen(false);
      setUserId(null);
      setReason('');
      await onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button size="xs" variant="light" onClick={() => setOpen(true)}>{label}</Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t(`nrmOversight.reassign.title.${what}`)}>
        <Stack>
          <ErrorAlert error={error ?? people.error} />
          <Select label={t('nrmOversight.reassign.to')} data={choices} value={userId} onChange={setUserId} searchable nothingFoundMessage={t('nrmOversight.reassign.none')} />
          {people.data && choices.length === 0 && <Text size="sm" c="dimmed">{t('nrmOversight.reassign.none')}</Text>}
          <TextInput label={t('nrmOversight.reassign.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={500} />
          <Group justify="flex-end">
            <Button onClick={() => void save()} loading={busy} disabled={!userId}>{t('nrmOversight.reassign.save')}</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
