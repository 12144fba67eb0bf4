import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Group, Loader, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Conversation, ConversationMessage, REPLY_CHANNELS, ReplyBody } from '../../../../shared/schemas/replies.ts';
import { api, isApiError } from '../../../api/client.ts';
import { ErrorAlert, errorText, useFormSubmit } from '../../../components/errors.tsx';
import { useFormatDateTime } from '../../../components/format.ts';

export const conversationKey = (contactId: string) => ['hotline', 'conversation', contactId] as const;

const DELIVERY_COLORS = { pending: 'yellow', sent: 'teal', failed: 'red' } as const;

/**
 * Reloads the conversation when the live queue says the contact changed (a new message, a reply
 * delivered or failed). A page that already listens to the stream can pass `live={false}` and
 * invalidate `conversationKey(contactId)` itself.
 */
function useLiveConversation(contactId: string, enabled: boolean) {
  const qc = useQueryClient();
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const es = new EventSource('/api/v1/contacts/stream');
    const reload = () => void qc.invalidateQueries({ queryKey: conversationKey(contactId) });
    es.addEventListener('contact', (e) => {
      try {
        if ((JSON.parse((e as MessageEvent<string>).data) as { id?: string }).id === contactId) reload();
      } catch {
        // Not an event of ours.
      }
    });
    // After a reconnect, events may have been missed.
    es.addEventListener('ready', reload);
    return () => es.close();
  }, [contactId, enabled, qc]);
}

/**
 * The messages of one contact in order, inbound and outbound, with each reply's delivery, and a box
 * to answer on the contact's own channel. New messages and every delivery attempt arrive through the
 * live queue, which is the only reason to read again: the panel never polls (each read is audited).
 */
export function ConversationPanel({ contactId, live = true }: { contactId: string; live?: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const fmt = useFormatDateTime();
  const key = conversationKey(contactId);
  useLiveConversation(contactId, live);
  const q = useQuery({
    queryKey: key,
    queryFn: () => api('GET', `/contacts/${contactId}/messages`, undefined, Conversation),
  });
  const [body, setBody] = useState('');
  const form = useFormSubmit();

  const send = (e: FormEvent) => {
    e.preventDefault();
    void form.submit(ReplyBody, { body }, async (data) => {
      const m = await api('POST', `/contacts/${contactId}/replies`, data, ConversationMessage);
      qc.setQueryData<Conversation>(key, (old) => (old ? { ...old, items: [...old.items, m] } : old));
      setBody('');
      await qc.invalidateQueries({ queryKey: key });
    });
  };
  const retry = async (messageId: string) => {
    try {
      await api('POST', `/contacts/${contactId}/replies/${messageId}/retry`, undefined, ConversationMessage);
      await qc.invalidateQueries({ queryKey: key });
    } catch (err) {
      notifications.show({ color: 'red', message: errorText(t, err) });
    }
  };

  if (q.isPending) return <Loader role="status" aria-label={t('common.loading')} />;
  if (q.isError) {
    if (isApiError(q.error, 'forbidden')) return <Alert color="gray">{t('hotlinePublic.conversation.hidden')}</Alert>;
    return <ErrorAlert error={q.error} />;
  }
  const c = q.data;
  return (
    <Stack gap="sm" data-testid="conversation">
      <Title order={2} size="h4">{t('hotlinePublic.conversation.title')}</Title>
      {c.items.length === 0 && <Text c="dimmed">{t('hotlinePublic.conversation.empty')}</Text>}
      {c.items.map((m) => (
        <Paper
          key={m.id}
          withBorder
          p="sm"
          radius="md"
          maw="80%"
          ml={m.direction === 'out' ? 'auto' : undefined}
          bg={m.direction === 'out' ? 'blue.0' : undefined}
          data-testid="message"
          data-direction={m.direction}
        >
          <Group justify="space-between" gap="xs" mb={4}>
            <Text size="xs" fw={700}>{t(`hotlinePublic.conversation.${m.direction}`)}</Text>
            <Text size="xs" c="dimmed">{fmt(m.createdAt)}</Text>
          </Group>
          <Text style={{ whiteSpace: 'pre-wrap' }}>{m.body}</Text>
          {m.mediaCount > 0 && <Text size="xs" c="dimmed">{t('hotlinePublic.conversation.media', { count: m.mediaCount })}</Text>}
          {m.delivery && (
            <Group gap="xs" mt={4}>
              <Badge size="sm" variant="light" color={DELIVERY_COLORS[m.delivery]} data-testid="delivery">
                {t(`hotlinePublic.conversation.delivery.${m.delivery}`)}
              </Badge>
              {c.channel === 'web_form' && m.delivery === 'sent' && <Text size="xs" c="dimmed">{t('hotlinePublic.conversation.deliveredWebForm')}</Text>}
              {m.deliveryAttempts > 1 && <Text size="xs" c="dimmed">{t('hotlinePublic.conversation.attempts', { count: m.deliveryAttempts })}</Text>}
              {m.deliveryError && m.delivery !== 'sent' && <Text size="xs" c="red">{t('hotlinePublic.conversation.lastError', { error: m.deliveryError })}</Text>}
              {m.delivery === 'failed' && (
                <Button size="compact-xs" variant="light" onClick={() => void retry(m.id)}>{t('hotlinePublic.conversation.retry')}</Button>
              )}
            </Group>
          )}
        </Paper>
      ))}
      {c.canReply ? (
        <form onSubmit={send} noValidate>
          <Stack gap="xs">
            <Textarea
              label={t('hotlinePublic.conversation.replyLabel')}
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
              error={form.errors.body}
              autosize
              minRows={2}
              maxRows={8}
            />
            <ErrorAlert error={form.error} />
            <Group justify="flex-end">
              <Button type="submit" loading={form.busy}>{t('hotlinePublic.conversation.send')}</Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Text c="dimmed" size="sm">
          {(REPLY_CHANNELS as readonly string[]).includes(c.channel) ? t('hotlinePublic.conversation.noAddress') : t('hotlinePublic.conversation.cannotReply')}
        </Text>
      )}
    </Stack>
  );
}
