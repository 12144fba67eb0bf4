import { useState } from 'react';
import { Alert, Badge, Box, Button, Card, Checkbox, Group, Loader, Menu, Modal, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { CONTACT_OUTCOMES } from '../../../../shared/hotline.ts';
import { CloseContactBody, EscalateBody, type ContactView } from '../../../../shared/schemas/contacts.ts';
import { api } from '../../../api/client.ts';
import { removeContactDraft } from '../../../api/localCopies.ts';
import { useFormSubmit } from '../../../components/errors.tsx';
import { ConsoleErrorAlert, consoleErrorText } from './errors.tsx';
import { useFormatDateTime } from '../../../components/format.ts';
import { contactKey, ESCALATIONS_KEY, QUEUE_KEY, STATE_KEY, useContact, useHistory } from './api.ts';
import { ContactForm } from './ContactForm.tsx';
import { ConversationPanel } from '../conversation/ConversationPanel.tsx';
import { clock, hl, URGENCY_COLORS } from './labels.ts';
import { ScreeningPanel } from './ScreeningPanel.tsx';
import { useNow } from './useNow.ts';

const OPEN = ['new', 'ringing', 'in_progress', 'wrap_up'];

/** One contact being worked: timer, the contactor's history, the form, screening, escalation, closing. */
export function ContactWorkspace({ id, onClosed }: { id: string; onClosed: () => void }) {
  const { t } = useTranslation();
  const contact = useContact(id);
  if (contact.isPending) return <Loader role="status" aria-label={t('common.loading')} />;
  if (contact.isError) return <ConsoleErrorAlert error={contact.error} />;
  const c = contact.data;
  const open = OPEN.includes(c.status);
  return (
    <Stack gap="md" data-testid="contact-workspace" data-contact-id={c.id}>
      <Header c={c} />
      <History id={id} />
      {/*
        The conversation (messages and replies) belongs to the conversation feature
        (src/web/features/hotline/conversation/). The console's own live stream reloads it
        (useLiveStream invalidates conversationKey), hence live={false}.
      */}
      <Box data-testid="conversation-slot">
        <ConversationPanel contactId={c.id} live={false} />
      </Box>
      {open ? (
        <>
          <ContactForm contact={c} />
          <ScreeningPanel contact={c} />
          <Group justify="space-between" align="flex-start">
            <EscalateButton c={c} />
            <CloseContact c={c} onClosed={onClosed} />
          </Group>
        </>
      ) : (
        <Alert variant="light">{t('hotlineConsole.workspace.closed', { status: hl(t, 'status', c.status) })}</Alert>
      )}
      {c.escalations.length > 0 && (
        <Card withBorder padding="sm">
          <Title order={3} size="h5" mb="xs">{t('hotlineConsole.escalate.history')}</Title>
          {c.escalations.map((e) => (
            <Text size="sm" key={e.id} data-testid="contact-escalation">
              {e.reason} · {e.acknowledgedAt ? t('hotlineConsole.escalate.acknowledgedIn', { time: clock(e.secondsToAcknowledge ?? 0) }) : t('hotlineConsole.escalate.notYet')}
            </Text>
          ))}
        </Card>
      )}
    </Stack>
  );
}

function Header({ c }: { c: ContactView }) {
  const { t } = useTranslation();
  const now = useNow();
  const start = new Date(c.answeredAt ?? c.receivedAt).getTime();
  const end = c.completedAt ? new Date(c.completedAt).getTime() : now;
  return (
    <Card withBorder padding="sm">
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs">
          <Badge variant="light">{hl(t, 'channel', c.channel)}</Badge>
          <Badge variant="outline">{hl(t, 'status', c.status)}</Badge>
          <Badge color={URGENCY_COLORS[c.urgency]} data-testid="contact-urgency" data-urgency={c.urgency}>{hl(t, 'urgency', c.urgency)}</Badge>
          {c.contactorLast3 && <Text size="sm">…{c.contactorLast3}</Text>}
        </Group>
        <Group gap={6}>
          <Text size="sm" c="dimmed">{t('hotlineConsole.workspace.timer')}</Text>
          <Text size="lg" fw={700} ff="monospace" data-testid="contact-timer" aria-live="off">{clock((end - start) / 1000)}</Text>
        </Group>
      </Group>
    </Card>
  );
}

/** Whether this number or handle contacted before, and what came of it: shown at once. */
function History({ id }: { id: string }) {
  const { t } = useTranslation();
  const fmt = useFormatDateTime();
  const h = useHistory(id);
  if (h.isPending) return null;
  if (h.isError) return <ConsoleErrorAlert error={h.error} />;
  const items = h.data.items;
  if (items.length === 0) return <Text size="sm" c="dimmed" data-testid="contact-history">{t('hotlineConsole.history.none')}</Text>;
  return (
    <Card withBorder padding="sm" bg="grape.0" data-testid="contact-history">
      <Title order={3} size="h5" mb="xs">{t('hotlineConsole.history.title', { count: items.length })}</Title>
      <Table fz="sm">
        <Table.Tbody>
          {items.map((i) => (
            <Table.Tr key={i.id}>
              <Table.Td>{fmt(i.receivedAt)}</Table.Td>
              <Table.Td>{hl(t, 'channel', i.channel)}</Table.Td>
              <Table.Td>{i.contactType ? hl(t, 'contactType', i.contactType) : '—'}</Table.Td>
              <Table.Td>{i.outcomes.length ? i.outcomes.map((o) => hl(t, 'outcome', o)).join(', ') : hl(t, 'status', i.status)}</Table.Td>
              <Table.Td>{i.urgency !== 'normal' && <Badge size="xs" color={URGENCY_COLORS[i.urgency]}>{hl(t, 'urgency', i.urgency)}</Badge>}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

const QUICK_REASONS = ['held_now', 'child_at_risk', 'medical'] as const;

/** Immediate danger: one choice escalates at once; "other" asks what the danger is. */
function EscalateButton({ c }: { c: ContactView & { escalations: { acknowledgedAt: string | null }[] } }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const f = useFormSubmit();
  const send = (text: string) =>
    f.submit(EscalateBody, { reason: text }, async (data) => {
      await api('POST', `/contacts/${c.id}/escalations`, data);
      setAsking(false);
      setReason('');
      notifications.show({ color: 'red', message: t('hotlineConsole.escalate.sent') });
      await Promise.all([qc.invalidateQueries({ queryKey: contactKey(c.id) }), qc.invalidateQueries({ queryKey: ESCALATIONS_KEY })]);
    });
  return (
    <>
      <Menu position="bottom-start" withArrow>
        <Menu.Target>
          <Button color="red" loading={f.busy} data-testid="escalate">{t('hotlineConsole.escalate.button')}</Button>
        </Menu.Target>
        <Menu.Dropdown>
          {QUICK_REASONS.map((r) => (
            <Menu.Item key={r} onClick={() => void send(t(`hotlineConsole.escalate.reason.${r}`))}>{t(`hotlineConsole.escalate.reason.${r}`)}</Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item onClick={() => setAsking(true)}>{t('hotlineConsole.escalate.other')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {f.error !== null && !asking && <Text size="sm" c="red">{consoleErrorText(t, f.error)}</Text>}
      {!c.region && <Text size="xs" c="orange.8" maw={360} data-testid="escalate-no-region">{t('hotlineConsole.escalate.noRegion')}</Text>}
      <Modal opened={asking} onClose={() => setAsking(false)} title={t('hotlineConsole.escalate.button')}>
        <Stack>
          <ConsoleErrorAlert error={f.error} />
          <Textarea label={t('hotlineConsole.escalate.reasonLabel')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={f.errors.reason} autosize minRows={2} data-autofocus />
          <Group justify="flex-end">
            <Button color="red" loading={f.busy} onClick={() => void send(reason)}>{t('hotlineConsole.escalate.send')}</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function CloseContact({ c, onClosed }: { c: ContactView; onClosed: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [outcomes, setOutcomes] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const f = useFormSubmit();
  const navigate = useNavigate();
  // The outcome "new case": the operator goes on to open the case from this contact (the case form takes it over).
  const opensCase = outcomes.includes('new_case');
  const close = () =>
    f.submit(CloseContactBody, { outcomes, outcomeNote: note.trim() || null }, async (data) => {
      await api('POST', `/contacts/${c.id}/close`, data);
      removeContactDraft(c.id);
      await Promise.all([qc.invalidateQueries({ queryKey: QUEUE_KEY }), qc.invalidateQueries({ queryKey: STATE_KEY }), qc.invalidateQueries({ queryKey: contactKey(c.id) })]);
      notifications.show({ color: 'teal', message: t('hotlineConsole.close.done') });
      onClosed();
      if (opensCase) void navigate(`/cases/new?contactId=${encodeURIComponent(c.id)}`);
    });
  return (
    <>
      <Button variant="filled" color="dark" onClick={() => setOpened(true)} data-testid="close-contact">{t('hotlineConsole.close.button')}</Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title={t('hotlineConsole.close.title')}>
        <Stack>
          <ConsoleErrorAlert error={f.error} />
          <Checkbox.Group label={t('hotlineConsole.close.outcomes')} value={outcomes} onChange={setOutcomes} error={f.errors.outcomes}>
            <Stack gap={6} mt="xs">
              {CONTACT_OUTCOMES.map((o) => <Checkbox key={o} value={o} label={hl(t, 'outcome', o)} />)}
            </Stack>
          </Checkbox.Group>
          <Textarea label={t('hotlineConsole.close.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} error={f.errors.outcomeNote} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)}>{t('common.cancel')}</Button>
            <Button onClick={() => void close()} loading={f.busy} data-testid="close-contact-submit">
              {opensCase ? t('nrmDocuments.hotline.closeAndOpenCase') : t('hotlineConsole.close.submit')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
