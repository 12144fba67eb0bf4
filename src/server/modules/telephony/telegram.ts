import { z } from 'zod';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { actor } from '../../app.ts';
import { forbidden } from '../../errors.ts';
import { ErrorBody } from '../../../shared/schemas/common.ts';
import { intake } from './intake.ts';
import { safeEqual } from './signatures.ts';

const tags = ['telephony'];

// Telegram adds fields to its objects over time: the ones Pathway uses are checked, the rest ignored.
const TelegramUser = z.looseObject({ id: z.number().int(), language_code: z.string().max(35).optional() });
const TelegramMessage = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int(),
  chat: z.looseObject({ id: z.number().int(), type: z.string().max(20) }),
  from: TelegramUser.optional(),
  text: z.string().max(10_000).optional(),
  caption: z.string().max(10_000).optional(),
  photo: z.array(z.unknown()).optional(),
  document: z.unknown().optional(),
  voice: z.unknown().optional(),
  audio: z.unknown().optional(),
  video: z.unknown().optional(),
  video_note: z.unknown().optional(),
  sticker: z.unknown().optional(),
  location: z.unknown().optional(),
  contact: z.unknown().optional(),
});
const TelegramUpdate = z.looseObject({ update_id: z.number().int().min(0), message: TelegramMessage.optional() });
const Answer = z.object({ ok: z.literal(true), contactId: z.uuid().nullable(), duplicate: z.boolean() });

const MEDIA = ['photo', 'document', 'voice', 'audio', 'video', 'video_note', 'sticker', 'location', 'contact'] as const;
const LANGUAGES = new Set(['az', 'ru', 'en']);

/**
 * Telegram's bot webhook (setWebhook with `secret_token`): every update carries that token in
 * `X-Telegram-Bot-Api-Secret-Token`. A private chat's message becomes a contact, or joins the open
 * conversation of that Telegram user; a retried `update_id` changes nothing. Other updates (edits,
 * group messages, button presses) are acknowledged and ignored, so Telegram does not retry them.
 */
export const telegramRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const keys = app.keys;
  const tg = app.withTypeProvider<ZodTypeProvider>();

  // The secret is checked before the body is even parsed, so an unauthenticated caller learns nothing.
  tg.addHook('onRequest', async (req) => {
    const secret = (await app.channels.current()).telegramSecret;
    const given = req.headers['x-telegram-bot-api-secret-token'];
    if (!secret || typeof given !== 'string' || !safeEqual(secret, given)) {
      req.log.warn('telegram webhook with a wrong or missing secret token');
      throw forbidden('Missing or wrong X-Telegram-Bot-Api-Secret-Token');
    }
  });

  tg.post('/telephony/telegram', {
    schema: {
      tags,
      summary: 'Telegram bot webhook: a private message becomes a contact or joins the open conversation',
      description: 'Header `X-Telegram-Bot-Api-Secret-Token` must equal the Telegram webhook secret (Administration -> Channels, or PATHWAY_TELEGRAM_SECRET; 403 otherwise). `update_id` deduplicates. Updates other than private-chat messages are answered 200 and ignored.',
      security: [],
      body: TelegramUpdate,
      response: { 200: Answer, 400: ErrorBody, 403: ErrorBody, 503: ErrorBody },
    },
  }, async (req) => {
    const m = req.body.message;
    if (!m || m.chat.type !== 'private' || !m.from) return { ok: true as const, contactId: null, duplicate: false };
    const agencyId = await app.channels.agencyId();
    const lang = m.from.language_code?.slice(0, 2).toLowerCase();
    const r = await intake(db, keys, agencyId, actor(req), {
      source: 'telegram',
      eventId: String(req.body.update_id),
      channel: 'telegram',
      kind: 'message',
      contactor: { kind: 'telegram', value: String(m.from.id) },
      body: m.text ?? m.caption ?? '',
      mediaCount: MEDIA.filter((k) => m[k] !== undefined).length,
      language: lang && LANGUAGES.has(lang) ? lang : null,
      replyTo: { to: String(m.chat.id) },
    });
    return { ok: true as const, contactId: r.contactId, duplicate: r.duplicate };
  });
};
