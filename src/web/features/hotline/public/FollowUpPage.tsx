import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Group, Paper, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { FollowUpThread } from '../../../../shared/schemas/public-reports.ts';
import { isApiError } from '../../../api/errors.ts';
import { ErrorAlert, useFormSubmit } from '../../../components/errors.tsx';
import { formatPublic, prefetchPublicSchemas, publicHotline, publicSchemas } from './api.ts';
import { PublicReportChrome } from './QuickExit.tsx';
import { typedBeforeStart } from './prerendered.ts';

/**
 * The reporter's way back: the code opens the report's messages and the hotline's replies, and lets
 * them add information. The code stays in this page's memory only (never in the address or storage).
 */
export function FollowUpPage() {
  const { t, i18n } = useTranslation();
  const [code, setCode] = useState(() => typedBeforeStart('code'));
  const [thread, setThread] = useState<FollowUpThread | null>(null);
  const [more, setMore] = useState('');
  const [added, setAdded] = useState(false);
  const open = useFormSubmit();
  const add = useFormSubmit();

  const load = async (c: string) => setThread(await publicHotline('/follow-up', { code: c }, (await publicSchemas()).FollowUpThread));

  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    void publicSchemas().then(
      ({ FollowUpBody }) => open.submit(FollowUpBody, { code }, async (data) => load(data.code)),
      (e: unknown) => open.setError(e),
    );
  };
  const submitMore = (e: FormEvent) => {
    e.preventDefault();
    setAdded(false);
    void publicSchemas().then(
      ({ FollowUpAddBody, FollowUpAdded }) =>
        add.submit(FollowUpAddBody, { code, body: more }, async (data) => {
          await publicHotline('/follow-up/messages', data, FollowUpAdded);
          setMore('');
          setAdded(true);
          await load(code);
        }),
      (e: unknown) => add.setError(e),
    );
  };

  if (!thread) {
    return (
      <PublicReportChrome title={t('hotlinePublic.followUp.title')}>
        <form onSubmit={submitCode} onFocus={prefetchPublicSchemas} noValidate>
          <Stack>
            <Text size="sm">{t('hotlinePublic.followUp.intro')}</Text>
            <TextInput
              label={t('hotlinePublic.followUp.code')}
              name="code"
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              error={open.errors.code}
              autoComplete="off"
              spellCheck={false}
              styles={{ input: { fontFamily: 'monospace', letterSpacing: 1 } }}
            />
            {isApiError(open.error, 'not_found') ? <Alert color="red" role="alert">{t('hotlinePublic.followUp.wrongCode')}</Alert> : <ErrorAlert error={open.error} />}
            <Button type="submit" loading={open.busy}>{t('hotlinePublic.followUp.open')}</Button>
            <Anchor component={Link} to="/public/report" replace size="sm">{t('hotlinePublic.followUp.newReport')}</Anchor>
          </Stack>
        </form>
      </PublicReportChrome>
    );
  }

  const hasReply = thread.messages.some((m) => m.direction === 'out');
  return (
    <PublicReportChrome title={t('hotlinePublic.followUp.title')}>
      <Stack>
        <Text size="sm" c="dimmed">{t('hotlinePublic.followUp.received', { when: formatPublic(thread.receivedAt, i18n.language) })}</Text>
        {thread.messages.map((m, i) => (
          <Paper key={i} withBorder p="sm" radius="md" maw="85%" ml={m.direction === 'out' ? undefined : 'auto'} bg={m.direction === 'out' ? 'blue.0' : undefined} data-testid="follow-up-message" data-direction={m.direction}>
            <Group justify="space-between" gap="xs" mb={4}>
              <Text size="xs" fw={700}>{m.direction === 'out' ? t('hotlinePublic.followUp.hotline') : t('hotlinePublic.followUp.you')}</Text>
              <Text size="xs" c="dimmed">{formatPublic(m.createdAt, i18n.language)}</Text>
            </Group>
            <Text style={{ whiteSpace: 'pre-wrap' }}>{m.body}</Text>
          </Paper>
        ))}
        {!hasReply && <Text c="dimmed" size="sm">{t('hotlinePublic.followUp.noReply')}</Text>}
        <form onSubmit={submitMore} noValidate>
          <Stack gap="xs">
            <Textarea label={t('hotlinePublic.followUp.addLabel')} value={more} onChange={(e) => setMore(e.currentTarget.value)} error={add.errors.body} autosize minRows={3} maxRows={10} />
            {added && <Alert color="teal">{t('hotlinePublic.followUp.added')}</Alert>}
            <ErrorAlert error={add.error} />
            <Group justify="space-between">
              <Button variant="default" onClick={() => { setThread(null); setCode(''); setAdded(false); }}>{t('hotlinePublic.followUp.close')}</Button>
              <Button type="submit" loading={add.busy}>{t('hotlinePublic.followUp.add')}</Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </PublicReportChrome>
  );
}
