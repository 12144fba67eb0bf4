import crypto from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { auditedTransaction, diff, type AuditActor } from '../../audit/audit.ts';
import { AppError, badRequest, conflict } from '../../errors.ts';
import { fieldAad, type Keys } from '../../crypto/keys.ts';
import { randomSecret } from '../../auth/tokens.ts';
import {
  CHANNEL_SETTING_ENV,
  type ChannelSettingName,
  type ChannelStatus,
  type ChannelsView,
  type GeneratedSecret,
  type SettingSource,
  type UpdateChannelsBody,
} from '../../../shared/schemas/channels.ts';
import type { ContactChannel } from '../../../shared/hotline.ts';
import { intake } from '../telephony/intake.ts';
import * as repo from './repository.ts';

type SettingsRow = Awaited<ReturnType<typeof repo.readSettings>>;

/** The settings the channels work with: each from the environment when set there, else from the Channels screen. */
export type EffectiveChannels = Readonly<Record<ChannelSettingName, string | undefined>> & {
  sources: Readonly<Record<ChannelSettingName, SettingSource | null>>;
  updatedAt: Date | null;
};

const SECRET_COLUMNS = {
  twilioAuthToken: 'twilioAuthTokenEnc',
  telegramBotToken: 'telegramBotTokenEnc',
  telegramSecret: 'telegramSecretEnc',
  webhookSecret: 'webhookSecretEnc',
} as const;
type SecretName = keyof typeof SECRET_COLUMNS;
const SECRET_NAMES = Object.keys(SECRET_COLUMNS) as SecretName[];

/** A secret is sealed to its column of the settings row: copied into another column it does not open. */
const secretAad = (name: SecretName) => fieldAad('hotline_settings', name, 'hotline');

/** The environment's value of each setting (also what tests pass as configuration overrides). */
function fromEnvironment(config: Config): Record<ChannelSettingName, string | undefined> {
  return {
    agencyId: config.hotlineAgencyId,
    twilioAccountSid: config.twilioAccountSid,
    twilioAuthToken: config.twilioAuthToken,
    twilioFrom: config.twilioFrom,
    telegramBotToken: config.telegramBotToken,
    telegramSecret: config.telegramSecret,
    webhookSecret: config.webhookSecret,
  };
}

function effective(config: Config, keys: Keys, row: SettingsRow): EffectiveChannels {
  const env = fromEnvironment(config);
  const stored: Record<ChannelSettingName, string | undefined> = {
    agencyId: row.agencyId ?? undefined,
    twilioAccountSid: row.twilioAccountSid ?? undefined,
    twilioFrom: row.twilioFrom ?? undefined,
    twilioAuthToken: undefined,
    telegramBotToken: undefined,
    telegramSecret: undefined,
    webhookSecret: undefined,
  };
  for (const name of SECRET_NAMES) {
    const sealed = row[SECRET_COLUMNS[name]];
    if (sealed) stored[name] = keys.decrypt(sealed, secretAad(name));
  }
  const values = {} as Record<ChannelSettingName, string | undefined>;
  const sources = {} as Record<ChannelSettingName, SettingSource | null>;
  for (const name of Object.keys(CHANNEL_SETTING_ENV) as ChannelSettingName[]) {
    values[name] = env[name] ?? stored[name];
    sources[name] = env[name] !== undefined ? 'environment' : stored[name] !== undefined ? 'database' : null;
  }
  return { ...values, sources, updatedAt: row.updatedAt };
}

/** How long a process trusts the settings it read: a change made through another process is seen within this. */
const CACHE_MS = 2_000;

/**
 * The hotline's channel settings for the webhooks, the public report form and reply delivery: read
 * from the database (one row, secrets opened with the master key) and trusted for two seconds; a
 * change made through this process is seen at once.
 */
export class HotlineChannels {
  private cached: { at: number; value: Promise<EffectiveChannels> } | null = null;

  constructor(
    private readonly db: Db,
    private readonly keys: Keys,
    private readonly config: Config,
  ) {}

  current(): Promise<EffectiveChannels> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.value;
    const value = repo.readSettings(this.db).then((row) => effective(this.config, this.keys, row));
    this.cached = { at: Date.now(), value };
    value.catch(() => {
      if (this.cached?.value === value) this.cached = null;
    });
    return value;
  }

  invalidate(): void {
    this.cached = null;
  }

  /** The hotline's agency, or 503 `hotline_not_configured` (the channels are closed until an administrator chooses it). */
  async agencyId(): Promise<string> {
    const { agencyId } = await this.current();
    if (!agencyId) throw new AppError('hotline_not_configured', 503, "The hotline is not configured: an administrator chooses the hotline's agency in Administration -> Channels");
    return agencyId;
  }
}

// --- the Channels screen ------------------------------------------------------------------------

const TELEGRAM_PATH = '/api/v1/telephony/telegram';

export async function channelsView(db: Db, config: Config, channels: HotlineChannels, baseUrl: string): Promise<ChannelsView> {
  const e = await channels.current();
  const agency = e.agencyId ? await repo.findAgency(db, e.agencyId) : undefined;
  const [voice, sms, whatsapp, telegram, webForm, webhook] = await Promise.all([
    repo.lastInbound(db, 'twilio_call'),
    repo.lastInbound(db, 'twilio_message', 'sms'),
    repo.lastInbound(db, 'twilio_message', 'whatsapp'),
    repo.lastInbound(db, 'telegram'),
    repo.lastInbound(db, 'public_report'),
    repo.lastInbound(db, 'webhook'),
  ]);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const needs = (names: ChannelSettingName[]) => names.filter((n) => !e[n]);
  const status = (key: ChannelStatus['key'], receive: ChannelSettingName[], reply: ChannelSettingName[] | null, last: Date | null, urls: ChannelStatus['urls']): ChannelStatus => {
    const missingToReceive = needs(['agencyId', ...receive]);
    const missingToReply = reply ? needs(reply) : [];
    return {
      key,
      configured: missingToReceive.length === 0,
      missing: [...new Set([...missingToReceive, ...missingToReply])],
      canReply: reply ? missingToReply.length === 0 : null,
      lastInboundAt: iso(last),
      urls,
    };
  };
  const url = (path: string) => `${baseUrl}${path}`;
  const messaging = [{ purpose: 'messaging' as const, url: url('/api/v1/telephony/twilio/messaging') }];
  const plain = (name: 'agencyId' | 'twilioAccountSid' | 'twilioFrom') => ({ value: e[name] ?? null, source: e.sources[name] });
  const secret = (name: SecretName) => ({ set: e[name] !== undefined, source: e.sources[name] });
  return {
    baseUrl,
    publicUrlSet: config.publicUrl !== undefined,
    demo: config.demo,
    agency: agency ? { id: agency.id, name: agency.name } : null,
    settings: {
      agencyId: plain('agencyId'),
      twilioAccountSid: plain('twilioAccountSid'),
      twilioFrom: plain('twilioFrom'),
      twilioAuthToken: secret('twilioAuthToken'),
      telegramBotToken: secret('telegramBotToken'),
      telegramSecret: secret('telegramSecret'),
      webhookSecret: secret('webhookSecret'),
    },
    channels: [
      status('call', ['twilioAuthToken'], null, voice, [
        { purpose: 'voice', url: url('/api/v1/telephony/twilio/voice') },
        { purpose: 'status', url: url('/api/v1/telephony/twilio/status') },
      ]),
      status('sms', ['twilioAuthToken'], ['twilioAccountSid', 'twilioAuthToken'], sms, messaging),
      status('whatsapp', ['twilioAuthToken'], ['twilioAccountSid', 'twilioAuthToken'], whatsapp, messaging),
      status('telegram', ['telegramSecret'], ['telegramBotToken'], telegram, [{ purpose: 'telegram', url: url(TELEGRAM_PATH) }]),
      status('web_form', [], null, webForm, [{ purpose: 'page', url: url('/public/report') }]),
      status('webhook', ['webhookSecret'], null, webhook, [{ purpose: 'webhook', url: url('/api/v1/telephony/webhook') }]),
    ],
    updatedAt: e.updatedAt?.toISOString() ?? null,
  };
}

/** Refuses a change to a setting the environment holds, naming each one. */
function refuseEnvironment(e: EffectiveChannels, names: ChannelSettingName[]): void {
  const held = names.filter((n) => e.sources[n] === 'environment');
  if (held.length > 0)
    throw conflict(
      'set_by_environment',
      `Set by the environment, read-only here: ${held.map((n) => CHANNEL_SETTING_ENV[n]).join(', ')}`,
      Object.fromEntries(held.map((n) => [n, `set by the environment (${CHANNEL_SETTING_ENV[n]})`])),
    );
}

/** What the audit entry compares: values that are not secrets, and whether each secret is set (`diff` records secrets as changed, never by value). */
const audited = (row: SettingsRow) => ({
  agencyId: row.agencyId,
  twilioAccountSid: row.twilioAccountSid,
  twilioFrom: row.twilioFrom,
  twilioAuthToken: row.twilioAuthTokenEnc ? crypto.createHash('sha256').update(row.twilioAuthTokenEnc).digest('hex') : null,
  telegramBotToken: row.telegramBotTokenEnc ? crypto.createHash('sha256').update(row.telegramBotTokenEnc).digest('hex') : null,
  telegramSecret: row.telegramSecretEnc ? crypto.createHash('sha256').update(row.telegramSecretEnc).digest('hex') : null,
  webhookSecret: row.webhookSecretEnc ? crypto.createHash('sha256').update(row.webhookSecretEnc).digest('hex') : null,
});

export async function updateChannels(db: Db, keys: Keys, channels: HotlineChannels, actor: AuditActor, body: UpdateChannelsBody): Promise<void> {
  const names = (Object.keys(body) as ChannelSettingName[]).filter((n) => body[n] !== undefined);
  refuseEnvironment(await channels.current(), names);
  await auditedTransaction(db, actor, async (tx) => {
    const before = await repo.lockSettings(tx);
    if (body.agencyId) {
      const agency = await repo.findAgency(tx, body.agencyId);
      if (!agency) throw badRequest('validation_failed', 'No such agency', { agencyId: 'unknown agency' });
      if (agency.disabledAt) throw badRequest('validation_failed', 'The agency is disabled', { agencyId: 'the agency is disabled' });
    }
    const seal = (name: SecretName, v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : keys.encrypt(v, secretAad(name)));
    const set = Object.fromEntries(
      Object.entries({
        agencyId: body.agencyId,
        twilioAccountSid: body.twilioAccountSid,
        twilioFrom: body.twilioFrom,
        twilioAuthTokenEnc: seal('twilioAuthToken', body.twilioAuthToken),
        telegramBotTokenEnc: seal('telegramBotToken', body.telegramBotToken),
        telegramSecretEnc: body.telegramSecret === null ? null : undefined,
        webhookSecretEnc: body.webhookSecret === null ? null : undefined,
      }).filter(([, v]) => v !== undefined),
    );
    if (Object.keys(set).length === 0) return { result: undefined, audit: [] };
    await repo.writeSettings(tx, set, actor.userId);
    const after = await repo.lockSettings(tx);
    const changes = diff(audited(before), audited(after));
    return { result: undefined, audit: Object.keys(changes).length > 0 ? { action: 'hotline.channels_changed', recordType: 'hotline_settings', changes } : [] };
  });
  channels.invalidate();
}

/** A new secret for the Telegram webhook or the signed webhook, sealed; the answer is the only time it is shown. */
export async function rotateSecret(db: Db, keys: Keys, channels: HotlineChannels, actor: AuditActor, name: GeneratedSecret): Promise<string> {
  refuseEnvironment(await channels.current(), [name]);
  // Telegram's secret_token allows letters, digits, _ and - (1 to 256): base64url is within that.
  const secret = randomSecret(32);
  await auditedTransaction(db, actor, async (tx) => {
    const before = await repo.lockSettings(tx);
    const column = SECRET_COLUMNS[name];
    await repo.writeSettings(tx, { [column]: keys.encrypt(secret, secretAad(name)) }, actor.userId);
    return {
      result: undefined,
      audit: { action: 'hotline.channel_secret_rotated', recordType: 'hotline_settings', changes: { [name]: { changed: true }, replaced: before[column] !== null } },
    };
  });
  channels.invalidate();
  return secret;
}

const TEST_TEXT = 'TEST: a test contact sent from Administration -> Channels to check that contacts reach the console. No one is waiting; close it with the outcome you like.';

/**
 * A test contact through the same intake as the providers' events (source `test`, marked `is_test`),
 * so the administrator sees it arrive in the operators' queue. No contactor, no personal data.
 */
export async function sendTestContact(db: Db, keys: Keys, channels: HotlineChannels, actor: AuditActor, channel: ContactChannel): Promise<{ contactId: string; agencyId: string }> {
  const { agencyId } = await channels.current();
  if (!agencyId) throw conflict('hotline_not_configured', "Choose the hotline's agency first", { agencyId: "choose the hotline's agency first" });
  const kind = channel === 'call' ? 'call' : 'message';
  const r = await intake(db, keys, agencyId, actor, {
    source: 'test',
    eventId: crypto.randomUUID(),
    channel,
    kind,
    contactor: null,
    body: TEST_TEXT,
    language: null,
    newConversation: true,
    within: (tx, contactId) => repo.markTest(tx, contactId),
  });
  return { contactId: r.contactId, agencyId };
}
