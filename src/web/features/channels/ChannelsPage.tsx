import { useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Code, CopyButton, Group, PasswordInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  ChannelsView,
  GeneratedSecretAnswer,
  TEST_CONTACT_CHANNELS,
  TestContactAnswer,
  UpdateChannelsBody,
  type ChannelStatus,
  type GeneratedSecret,
  type SettingSource,
} from '../../../shared/schemas/channels.ts';
import { api } from '../../api/client.ts';
import { ErrorAlert, errorText, useFormSubmit } from '../../components/errors.tsx';
import { useFormatDateTime } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { ShowOnce } from '../../components/ShowOnce.tsx';
import { useAgencyOptions } from '../agencies/useAgencyOptions.ts';

export const CHANNELS_KEY = ['admin', 'channels'];

/** Administration -> Channels: the hotline's agency, each channel's state and addresses, secrets shown once, test contacts. */
export function ChannelsPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const view = useQuery({ queryKey: CHANNELS_KEY, queryFn: () => api('GET', '/admin/channels', undefined, ChannelsView) });
  const [shown, setShown] = useState<{ name: GeneratedSecret; secret: string } | null>(null);
  const saved = (v: ChannelsView) => qc.setQueryData(CHANNELS_KEY, v);
  const v = view.data;
  return (
    <Page title={t('channels.title')} description={t('channels.intro')}>
      <ErrorAlert error={view.error} />
      {v && !v.publicUrlSet && (
        <Alert color="orange" variant="light" title={t('channels.publicUrl.title')} data-testid="public-url-warning">
          {t('channels.publicUrl.text', { base: v.baseUrl })}
        </Alert>
      )}
      {v?.demo && <Alert color="orange" variant="light">{t('channels.demoNote')}</Alert>}
      {v && (
        <>
          <AgencyCard v={v} onSaved={saved} />
          <ChannelTable v={v} />
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <TwilioCard v={v} onSaved={saved} />
            <Stack gap="md">
              <TelegramCard v={v} onSaved={saved} onSecret={setShown} shown={shown} />
              <WebhookCard v={v} onSaved={saved} onSecret={setShown} shown={shown} />
            </Stack>
          </SimpleGrid>
          <TestContactCard v={v} />
        </>
      )}
    </Page>
  );
}

function SourceBadge({ source }: { source: SettingSource | null }) {
  const { t } = useTranslation();
  if (source === 'environment') return <Badge color="grape" variant="light" data-testid="set-by-environment">{t('channels.source.environment')}</Badge>;
  return null;
}

function AgencyCard({ v, onSaved }: { v: ChannelsView; onSaved: (v: ChannelsView) => void }) {
  const { t } = useTranslation();
  const agencies = useAgencyOptions();
  const [agencyId, setAgencyId] = useState<string | null>(v.settings.agencyId.value);
  const form = useFormSubmit();
  useEffect(() => setAgencyId(v.settings.agencyId.value), [v.settings.agencyId.value]);
  const env = v.settings.agencyId.source === 'environment';
  const options = agencies.data ?? [];
  // An agency set by the environment may not be in the first page of options: show its name anyway.
  const data = v.agency && !options.some((o) => o.value === v.agency!.id) ? [...options, { value: v.agency.id, label: v.agency.name }] : options;
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Group gap="xs">
          <Title order={2} size="h4">{t('channels.agency.title')}</Title>
          <SourceBadge source={v.settings.agencyId.source} />
        </Group>
        <Text size="sm" c="dimmed">{t('channels.agency.help')}</Text>
        <ErrorAlert error={form.error} />
        <Group align="flex-end" wrap="wrap">
          <Select
            label={t('channels.agency.label')}
            data={data}
            value={agencyId}
            onChange={setAgencyId}
            searchable
            disabled={env}
            w={420}
            maw="100%"
            error={form.errors.agencyId}
            data-testid="channels-agency"
          />
          {!env && (
            <Button
              loading={form.busy}
              disabled={agencyId === v.settings.agencyId.value}
              onClick={() => void form.submit(UpdateChannelsBody, { agencyId }, async (body) => {
                onSaved(await api('PUT', '/admin/channels', body, ChannelsView));
                notifications.show({ color: 'teal', message: t('channels.saved') });
              })}
              data-testid="channels-agency-save"
            >
              {t('common.save')}
            </Button>
          )}
        </Group>
        {!v.agency && <Text size="sm" c="orange.8" data-testid="agency-missing">{t('channels.agency.missing')}</Text>}
      </Stack>
    </Card>
  );
}

function CopyUrl({ url }: { url: string }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap">
      <Code style={{ wordBreak: 'break-all' }}>{url}</Code>
      <CopyButton value={url}>
        {({ copied, copy }) => (
          <Button size="compact-xs" variant="subtle" onClick={copy} color={copied ? 'teal' : undefined}>
            {copied ? t('common.copied') : t('common.copy')}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

function ChannelTable({ v }: { v: ChannelsView }) {
  const { t } = useTranslation();
  const formatDateTime = useFormatDateTime();
  const state = (c: ChannelStatus) =>
    c.configured ? <Badge color="teal" variant="light">{t('channels.state.configured')}</Badge> : <Badge color="gray" variant="outline">{t('channels.state.notConfigured')}</Badge>;
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={2} size="h4">{t('channels.list.title')}</Title>
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('channels.list.channel')}</Table.Th>
                <Table.Th>{t('channels.list.state')}</Table.Th>
                <Table.Th>{t('channels.list.lastEvent')}</Table.Th>
                <Table.Th>{t('channels.list.urls')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {v.channels.map((c) => (
                <Table.Tr key={c.key} data-testid={`channel-row-${c.key}`} data-configured={String(c.configured)}>
                  <Table.Td><Text size="sm" fw={600}>{t(`channels.channel.${c.key}`)}</Text></Table.Td>
                  <Table.Td>
                    <Stack gap={4}>
                      {state(c)}
                      {c.canReply === false && <Text size="xs" c="dimmed">{t('channels.state.noReplies')}</Text>}
                      {c.missing.length > 0 && (
                        <Text size="xs" c="dimmed">{t('channels.state.missing', { list: c.missing.map((m) => t(`channels.setting.${m}`)).join(', ') })}</Text>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td><Text size="sm">{c.lastInboundAt ? formatDateTime(c.lastInboundAt) : t('channels.list.never')}</Text></Table.Td>
                  <Table.Td>
                    <Stack gap={4}>
                      {c.urls.map((u) => (
                        <div key={u.purpose}>
                          <Text size="xs" c="dimmed">{t(`channels.urlPurpose.${u.purpose}`)}</Text>
                          <CopyUrl url={u.url} />
                        </div>
                      ))}
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Card>
  );
}

/** A secret from the provider: never shown back; typing a new one replaces it. */
function SecretInput({ label, set, source, value, onChange, error, testId }: { label: string; set: boolean; source: SettingSource | null; value: string; onChange: (v: string) => void; error?: string | undefined; testId: string }) {
  const { t } = useTranslation();
  return (
    <PasswordInput
      label={<Group gap={6} component="span">{label}<SourceBadge source={source} /></Group>}
      description={set ? t('channels.secret.isSet') : t('channels.secret.notSet')}
      placeholder={set ? t('channels.secret.replace') : ''}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      disabled={source === 'environment'}
      autoComplete="off"
      error={error}
      data-testid={testId}
    />
  );
}

function TwilioCard({ v, onSaved }: { v: ChannelsView; onSaved: (v: ChannelsView) => void }) {
  const { t } = useTranslation();
  const s = v.settings;
  const [sid, setSid] = useState(s.twilioAccountSid.value ?? '');
  const [from, setFrom] = useState(s.twilioFrom.value ?? '');
  const [token, setToken] = useState('');
  const form = useFormSubmit();
  const fromDb = (name: 'twilioAccountSid' | 'twilioFrom' | 'twilioAuthToken') => s[name].source !== 'environment';
  const save = () => {
    const body: Record<string, string | null> = {};
    if (fromDb('twilioAccountSid') && sid.trim() !== (s.twilioAccountSid.value ?? '')) body.twilioAccountSid = sid.trim() || null;
    if (fromDb('twilioFrom') && from.trim() !== (s.twilioFrom.value ?? '')) body.twilioFrom = from.trim() || null;
    if (fromDb('twilioAuthToken') && token.trim() !== '') body.twilioAuthToken = token.trim();
    return form.submit(UpdateChannelsBody, body, async (b) => {
      onSaved(await api('PUT', '/admin/channels', b, ChannelsView));
      setToken('');
      notifications.show({ color: 'teal', message: t('channels.saved') });
    });
  };
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={2} size="h4">{t('channels.twilio.title')}</Title>
        <Text size="sm" c="dimmed">{t('channels.twilio.help')}</Text>
        <ErrorAlert error={form.error} />
        <TextInput
          label={<Group gap={6} component="span">{t('channels.setting.twilioAccountSid')}<SourceBadge source={s.twilioAccountSid.source} /></Group>}
          placeholder="AC…"
          value={sid}
          onChange={(e) => setSid(e.currentTarget.value)}
          disabled={!fromDb('twilioAccountSid')}
          error={form.errors.twilioAccountSid}
        />
        <SecretInput label={t('channels.setting.twilioAuthToken')} set={s.twilioAuthToken.set} source={s.twilioAuthToken.source} value={token} onChange={setToken} error={form.errors.twilioAuthToken} testId="twilio-auth-token" />
        <TextInput
          label={<Group gap={6} component="span">{t('channels.setting.twilioFrom')}<SourceBadge source={s.twilioFrom.source} /></Group>}
          description={t('channels.twilio.fromHelp')}
          placeholder="+994…"
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
          disabled={!fromDb('twilioFrom')}
          error={form.errors.twilioFrom}
        />
        <Group justify="flex-end">
          <Button loading={form.busy} onClick={() => void save()} data-testid="twilio-save">{t('common.save')}</Button>
        </Group>
      </Stack>
    </Card>
  );
}

function GenerateSecret({ name, v, onSaved, onSecret }: { name: GeneratedSecret; v: ChannelsView; onSaved: (v: ChannelsView) => void; onSecret: (s: { name: GeneratedSecret; secret: string }) => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const setting = v.settings[name];
  if (setting.source === 'environment') return null;
  const generate = async () => {
    if (setting.set && !window.confirm(t('channels.secret.rotateConfirm'))) return;
    setBusy(true);
    try {
      const r = await api('POST', `/admin/channels/secrets/${name}`, undefined, GeneratedSecretAnswer);
      onSaved(r.channels);
      onSecret({ name, secret: r.secret });
    } catch (e) {
      notifications.show({ color: 'red', message: errorText(t, e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant={setting.set ? 'default' : 'filled'} loading={busy} onClick={() => void generate()} data-testid={`generate-${name}`}>
      {setting.set ? t('channels.secret.rotate') : t('channels.secret.generate')}
    </Button>
  );
}

type SecretCardProps = { v: ChannelsView; onSaved: (v: ChannelsView) => void; onSecret: (s: { name: GeneratedSecret; secret: string }) => void; shown: { name: GeneratedSecret; secret: string } | null };

function TelegramCard({ v, onSaved, onSecret, shown }: SecretCardProps) {
  const { t } = useTranslation();
  const s = v.settings;
  const [token, setToken] = useState('');
  const form = useFormSubmit();
  const url = v.channels.find((c) => c.key === 'telegram')?.urls[0]?.url ?? '';
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={2} size="h4">{t('channels.telegram.title')}</Title>
        <Text size="sm" c="dimmed">{t('channels.telegram.help')}</Text>
        <ErrorAlert error={form.error} />
        <Group align="flex-end" wrap="nowrap">
          <div style={{ flex: 1 }}>
            <SecretInput label={t('channels.setting.telegramBotToken')} set={s.telegramBotToken.set} source={s.telegramBotToken.source} value={token} onChange={setToken} error={form.errors.telegramBotToken} testId="telegram-bot-token" />
          </div>
          {s.telegramBotToken.source !== 'environment' && (
            <Button
              variant="default"
              loading={form.busy}
              disabled={token.trim() === ''}
              onClick={() => void form.submit(UpdateChannelsBody, { telegramBotToken: token.trim() }, async (b) => {
                onSaved(await api('PUT', '/admin/channels', b, ChannelsView));
                setToken('');
                notifications.show({ color: 'teal', message: t('channels.saved') });
              })}
            >
              {t('common.save')}
            </Button>
          )}
        </Group>
        <Group gap="xs">
          <Text size="sm" fw={600}>{t('channels.setting.telegramSecret')}</Text>
          <SourceBadge source={s.telegramSecret.source} />
          <Badge variant="light" color={s.telegramSecret.set ? 'teal' : 'gray'} data-testid="telegram-secret-state">{s.telegramSecret.set ? t('channels.secret.isSet') : t('channels.secret.notSet')}</Badge>
        </Group>
        <Group>
          <GenerateSecret name="telegramSecret" v={v} onSaved={onSaved} onSecret={onSecret} />
        </Group>
        {shown?.name === 'telegramSecret' && (
          <Stack gap="xs">
            <ShowOnce label={t('channels.secret.shownOnce')} value={shown.secret} testId="shown-secret" />
            <Text size="sm">{t('channels.telegram.setWebhook')}</Text>
            <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>{`curl "https://api.telegram.org/bot<BOT_TOKEN>/setWebhook" -d url=${url} -d secret_token=${shown.secret}`}</Code>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

function WebhookCard({ v, onSaved, onSecret, shown }: SecretCardProps) {
  const { t } = useTranslation();
  const s = v.settings.webhookSecret;
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Group gap="xs">
          <Title order={2} size="h4">{t('channels.webhook.title')}</Title>
          <SourceBadge source={s.source} />
          <Badge variant="light" color={s.set ? 'teal' : 'gray'}>{s.set ? t('channels.secret.isSet') : t('channels.secret.notSet')}</Badge>
        </Group>
        <Text size="sm" c="dimmed">{t('channels.webhook.help')}</Text>
        <Group>
          <GenerateSecret name="webhookSecret" v={v} onSaved={onSaved} onSecret={onSecret} />
        </Group>
        {shown?.name === 'webhookSecret' && <ShowOnce label={t('channels.secret.shownOnce')} value={shown.secret} testId="shown-secret" />}
      </Stack>
    </Card>
  );
}

function TestContactCard({ v }: { v: ChannelsView }) {
  const { t } = useTranslation();
  const [channel, setChannel] = useState<string>('sms');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const send = async () => {
    setBusy(true);
    try {
      const r = await api('POST', '/admin/channels/test-contact', { channel }, TestContactAnswer);
      setSent(r.contactId);
    } catch (e) {
      notifications.show({ color: 'red', message: errorText(t, e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Title order={2} size="h4">{t('channels.test.title')}</Title>
        <Text size="sm" c="dimmed">{t('channels.test.help')}</Text>
        <Group align="flex-end" wrap="wrap">
          <Select
            label={t('channels.test.channel')}
            data={TEST_CONTACT_CHANNELS.map((c) => ({ value: c, label: t(`channels.channel.${c}`) }))}
            value={channel}
            onChange={(c) => c && setChannel(c)}
            allowDeselect={false}
            w={240}
            data-testid="test-contact-channel"
          />
          <Button loading={busy} disabled={!v.agency} onClick={() => void send()} data-testid="send-test-contact">{t('channels.test.send')}</Button>
        </Group>
        {sent && (
          <Alert color="teal" variant="light" data-testid="test-contact-sent">
            {t('channels.test.sent', { agency: v.agency?.name ?? '' })}{' '}
            <Anchor component={Link} to="/hotline/console">{t('channels.test.openConsole')}</Anchor>
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
