import { z } from 'zod';

/**
 * The hotline's channels as the Channels screen shows and changes them (docs/hotline.md,
 * "Configuration"). Every setting may come from the environment (then it wins and is read-only here)
 * or from the database (set on this screen). Secrets are never shown back: only whether they are set;
 * the generated ones are shown once, in the answer that generated them.
 */
export const SETTING_SOURCES = ['environment', 'database'] as const;
export type SettingSource = (typeof SETTING_SOURCES)[number];

/** The environment variable that overrides each setting. */
export const CHANNEL_SETTING_ENV = {
  agencyId: 'PATHWAY_HOTLINE_AGENCY_ID',
  twilioAccountSid: 'PATHWAY_TWILIO_ACCOUNT_SID',
  twilioAuthToken: 'PATHWAY_TWILIO_AUTH_TOKEN',
  twilioFrom: 'PATHWAY_TWILIO_FROM',
  telegramBotToken: 'PATHWAY_TELEGRAM_BOT_TOKEN',
  telegramSecret: 'PATHWAY_TELEGRAM_SECRET',
  webhookSecret: 'PATHWAY_WEBHOOK_SECRET',
} as const;
export type ChannelSettingName = keyof typeof CHANNEL_SETTING_ENV;

/** The secrets Pathway makes itself (the webhook callers are told them); the others come from Twilio and Telegram. */
export const GENERATED_SECRETS = ['telegramSecret', 'webhookSecret'] as const;
export type GeneratedSecret = (typeof GENERATED_SECRETS)[number];

/** The channels the screen lists, each with what it needs and where its provider sends events. */
export const CHANNEL_KEYS = ['call', 'sms', 'whatsapp', 'telegram', 'web_form', 'webhook'] as const;
export type ChannelKey = (typeof CHANNEL_KEYS)[number];

/** Channels a test contact can be sent on (through the same intake as real ones). */
export const TEST_CONTACT_CHANNELS = ['call', 'sms', 'whatsapp', 'telegram', 'web_form'] as const;

const Source = z.enum(SETTING_SOURCES).nullable();
export const PlainSetting = z.object({ value: z.string().nullable(), source: Source });
export const SecretSetting = z.object({ set: z.boolean(), source: Source });

export const ChannelStatus = z.object({
  key: z.enum(CHANNEL_KEYS),
  /** Contacts can arrive on it: the hotline's agency is chosen and what the webhook checks is set. */
  configured: z.boolean(),
  /** Settings still missing for it to receive (and, for channels that reply, to reply). */
  missing: z.array(z.string()),
  /** Whether replies can be sent on it (SMS, WhatsApp, Telegram); null where there are no replies. */
  canReply: z.boolean().nullable(),
  /** The last event a provider delivered on it (test contacts not counted). */
  lastInboundAt: z.string().nullable(),
  /** The addresses to paste into the provider's console (or, for the report form, the page). */
  urls: z.array(z.object({ purpose: z.enum(['voice', 'status', 'messaging', 'telegram', 'webhook', 'page']), url: z.string() })),
});
export type ChannelStatus = z.infer<typeof ChannelStatus>;

export const ChannelsView = z.object({
  /** Where the URLs start: PATHWAY_PUBLIC_URL, else the address this request came to. */
  baseUrl: z.string(),
  /** false: the URLs are guessed from this request; set PATHWAY_PUBLIC_URL so that providers reach the right address. */
  publicUrlSet: z.boolean(),
  demo: z.boolean(),
  agency: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  settings: z.object({
    agencyId: PlainSetting,
    twilioAccountSid: PlainSetting,
    twilioFrom: PlainSetting,
    twilioAuthToken: SecretSetting,
    telegramBotToken: SecretSetting,
    telegramSecret: SecretSetting,
    webhookSecret: SecretSetting,
  }),
  channels: z.array(ChannelStatus),
  updatedAt: z.string().nullable(),
});
export type ChannelsView = z.infer<typeof ChannelsView>;

export const TwilioAccountSid = z.string().trim().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits');
export const TwilioFrom = z.string().trim().regex(/^(\+[0-9]{5,15}|MG[0-9a-fA-F]{32})$/, 'a number such as +994121234567 or a Messaging Service SID (MG...)');
export const TelegramBotToken = z.string().trim().regex(/^\d+:[\w-]+$/, 'must look like 123456:ABC-def').max(200);

/**
 * A change of settings: a field left out stays as it is, `null` clears it. The generated secrets can
 * only be cleared here; a new one comes from `POST /admin/channels/secrets/{name}`.
 */
export const UpdateChannelsBody = z.strictObject({
  agencyId: z.uuid().nullable().optional(),
  twilioAccountSid: TwilioAccountSid.nullable().optional(),
  twilioAuthToken: z.string().trim().min(8, 'at least 8 characters').max(200).nullable().optional(),
  twilioFrom: TwilioFrom.nullable().optional(),
  telegramBotToken: TelegramBotToken.nullable().optional(),
  telegramSecret: z.null().optional(),
  webhookSecret: z.null().optional(),
});
export type UpdateChannelsBody = z.infer<typeof UpdateChannelsBody>;

export const SecretParams = z.strictObject({ name: z.enum(GENERATED_SECRETS) });
/** The new secret, shown this once: Pathway keeps it sealed and never shows it again. */
export const GeneratedSecretAnswer = z.object({ name: z.enum(GENERATED_SECRETS), secret: z.string(), channels: ChannelsView });

export const TestContactBody = z.strictObject({ channel: z.enum(TEST_CONTACT_CHANNELS) });
export const TestContactAnswer = z.object({ contactId: z.uuid(), agencyId: z.uuid() });

/** Demo mode only: what the "simulate" button makes arrive. */
export const SimulateContactBody = z.strictObject({ kind: z.enum(['call', 'sms']) });
export const SimulateContactAnswer = z.object({ contactId: z.uuid(), channel: z.enum(['call', 'sms']) });
