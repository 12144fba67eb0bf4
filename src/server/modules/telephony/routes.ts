import { z } from 'zod';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { actor } from '../../app.ts';
import { AppError, forbidden } from '../../errors.ts';
import { CONTACT_CHANNELS } from '../../../shared/hotline.ts';
import { ErrorBody } from '../../../shared/schemas/common.ts';
import { applyCallStatus } from './intake.ts';
import { intakeBatched } from './intake-batch.ts';
import { checkWebhookSignature, safeEqual, twilioSignature, type FormParams } from './signatures.ts';

const tags = ['telephony'];
const errors = { 400: ErrorBody, 403: ErrorBody, 503: ErrorBody };
const Sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `a ${prefix}... id`);
const LANGUAGES = { '1': 'az', '2': 'ru', '3': 'en' } as const;

// Twilio adds parameters over time (AccountSid, CallerCountry, ...): the fields Pathway uses are
// checked, the others are covered by the signature and ignored.
const VoiceBody = z.looseObject({ CallSid: Sid('CA'), From: z.string().max(100).optional(), To: z.string().max(100).optional(), CallStatus: z.string().max(30).optional(), Digits: z.string().max(10).optional() });
const StatusBody = z.looseObject({ CallSid: Sid('CA'), CallStatus: z.enum(['queued', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled']) });
const MessageBody = z.looseObject({ MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'an SM... or MM... id'), From: z.string().min(1).max(100), To: z.string().max(100).optional(), Body: z.string().max(10_000).default(''), NumMedia: z.coerce.number().int().min(0).max(100).default(0) });

const GenericBody = z.strictObject({
  id: z.string().min(1).max(200),
  type: z.enum(['call', 'message']),
  channel: z.enum(CONTACT_CHANNELS),
  from: z.string().max(320).optional(),
  fromKind: z.enum(['phone', 'telegram', 'email']).default('phone'),
  body: z.string().max(10_000).optional(),
  language: z.string().regex(/^[a-z]{2,3}$/).optional(),
});
const REPLYABLE_BY_ADDRESS = new Set(['sms', 'whatsapp', 'telegram']);
const Received = z.object({ contactId: z.uuid(), duplicate: z.boolean() });

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const twiml = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;

/** The greeting, then the hotline's queue; the language menu first when the caller has not chosen. */
function voiceAnswer(language: 'az' | 'ru' | 'en' | null, action: string): string {
  if (!language) {
    return twiml(
      `<Gather numDigits="1" timeout="6" action="${xml(action)}" method="POST">` +
        '<Say language="az-AZ">Azərbaycan dili üçün 1 düyməsini sıxın.</Say>' +
        '<Say language="ru-RU">Для русского языка нажмите 2.</Say>' +
        '<Say language="en-US">For English, press 3.</Say>' +
        `</Gather><Redirect method="POST">${xml(`${action}${action.includes('?') ? '&' : '?'}default=1`)}</Redirect>`,
    );
  }
  const greeting: Record<'az' | 'ru' | 'en', [string, string]> = {
    az: ['az-AZ', 'Qaynar xəttə xoş gəlmisiniz. Zəhmət olmasa gözləyin, operator tezliklə cavab verəcək.'],
    ru: ['ru-RU', 'Вы позвонили на горячую линию. Пожалуйста, оставайтесь на линии, оператор скоро ответит.'],
    en: ['en-US', 'You have reached the hotline. Please stay on the line; an operator will answer shortly.'],
  };
  const [lang, text] = greeting[language];
  return twiml(`<Say language="${lang}">${xml(text)}</Say><Enqueue>hotline</Enqueue>`);
}

export const telephonyRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;
  const keys = app.keys;

  // The environment's settings, else the Channels screen's (docs/hotline.md, "Configuration").
  const hotlineAgency = () => app.channels.agencyId();

  // Form bodies only here: Twilio posts application/x-www-form-urlencoded; the rest of the API is JSON.
  await app.register(async (plain) => {
    const twilio = plain.withTypeProvider<ZodTypeProvider>();
    twilio.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
      const params: FormParams = {};
      for (const [k, v] of new URLSearchParams(body as string)) {
        const had = params[k];
        params[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
      }
      done(null, params);
    });

    // The signature is checked before the body is validated, so an unsigned caller learns nothing.
    twilio.addHook('preValidation', async (req) => {
      const token = (await app.channels.current()).twilioAuthToken;
      if (!token) throw forbidden('Twilio is not configured');
      const given = req.headers['x-twilio-signature'];
      const url = config.publicUrl ? `${config.publicUrl.replace(/\/+$/, '')}${req.url}` : `${req.protocol}://${req.host}${req.url}`;
      const params = (req.body ?? {}) as FormParams;
      if (typeof given !== 'string' || typeof params !== 'object' || !safeEqual(twilioSignature(token, url, params), given)) {
        req.log.warn({ path: req.url.split('?')[0] }, 'twilio webhook with a bad signature');
        throw forbidden('Bad X-Twilio-Signature');
      }
    });

    const xmlReply = (reply: { type: (t: string) => unknown }) => reply.type('text/xml; charset=utf-8');

    twilio.post('/telephony/twilio/voice', {
      schema: { tags, summary: 'Twilio voice webhook: a call arrives (TwiML answer: language menu, greeting, queue)', security: [], body: VoiceBody, response: { 200: z.string(), ...errors } },
    }, async (req, reply) => {
      const agency = await hotlineAgency();
      const digits = req.body.Digits as keyof typeof LANGUAGES | undefined;
      const chosen = digits && digits in LANGUAGES ? LANGUAGES[digits] : (req.query as { default?: string }).default ? 'az' : null;
      const r = await intakeBatched(db, keys, agency, actor(req), { source: 'twilio_call', eventId: req.body.CallSid, channel: 'call', kind: 'call', contactor: req.body.From ? { kind: 'phone', value: req.body.From } : null, language: chosen });
      if (r.duplicate && chosen) await applyCallStatus(db, actor(req), req.body.CallSid, 'in-progress', chosen);
      xmlReply(reply);
      return voiceAnswer(chosen, '/api/v1/telephony/twilio/voice');
    });

    twilio.post('/telephony/twilio/status', {
      schema: { tags, summary: 'Twilio call status callback: ringing, in progress, completed, abandoned', security: [], body: StatusBody, response: { 200: z.string(), ...errors } },
    }, async (req, reply) => {
      await applyCallStatus(db, actor(req), req.body.CallSid, req.body.CallStatus);
      xmlReply(reply);
      return twiml('');
    });

    twilio.post('/telephony/twilio/messaging', {
      schema: { tags, summary: 'Twilio SMS and WhatsApp webhook: a message arrives (joins the open conversation)', security: [], body: MessageBody, response: { 200: z.string(), ...errors } },
    }, async (req, reply) => {
      const agency = await hotlineAgency();
      const whatsapp = /^whatsapp:/i.test(req.body.From);
      await intakeBatched(db, keys, agency, actor(req), {
        source: 'twilio_message',
        eventId: req.body.MessageSid,
        channel: whatsapp ? 'whatsapp' : 'sms',
        kind: 'message',
        contactor: { kind: 'phone', value: req.body.From },
        body: req.body.Body,
        mediaCount: req.body.NumMedia,
        // Replies go back to this number, from the hotline number it wrote to.
        replyTo: { to: req.body.From, from: req.body.To ?? null },
      });
      xmlReply(reply);
      return twiml('');
    });
  });

  // The generic webhook signs the exact bytes sent, so the raw body is kept beside the parsed one.
  await app.register(async (plain) => {
    const generic = plain.withTypeProvider<ZodTypeProvider>();
    generic.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (req, body, done) => {
      (req as FastifyRequest & { rawBody?: string }).rawBody = body as string;
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new AppError('malformed_json', 400, 'The request body is not valid JSON'), undefined);
      }
    });
    generic.addHook('preValidation', async (req) => {
      const secret = (await app.channels.current()).webhookSecret;
      if (!secret) throw forbidden('The signed webhook is not configured');
      const header = req.headers['x-pathway-signature'];
      const check = checkWebhookSignature(secret, typeof header === 'string' ? header : undefined, (req as FastifyRequest & { rawBody?: string }).rawBody ?? '');
      if (check !== 'ok') {
        req.log.warn({ check }, 'signed webhook refused');
        throw new AppError(check === 'stale' ? 'signature_expired' : 'bad_signature', 403, check === 'stale' ? 'The signature timestamp is more than five minutes away' : 'Missing or bad X-Pathway-Signature');
      }
    });
    generic.post('/telephony/webhook', {
      schema: {
        tags,
        summary: 'Generic signed JSON webhook for any PBX or SMS gateway',
        description: 'Header `X-Pathway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the webhook secret (Administration -> Channels, or PATHWAY_WEBHOOK_SECRET)>`; more than five minutes old is refused. `id` deduplicates: a repeated id changes nothing.',
        security: [],
        body: GenericBody,
        response: { 200: Received, ...errors },
      },
    }, async (req) => {
      const b = req.body;
      const r = await intakeBatched(db, keys, await hotlineAgency(), actor(req), {
        source: 'webhook',
        eventId: b.id,
        channel: b.channel,
        kind: b.type,
        contactor: b.from ? { kind: b.fromKind, value: b.from } : null,
        body: b.body ?? '',
        language: b.language ?? null,
        replyTo: b.type === 'message' && b.from && REPLYABLE_BY_ADDRESS.has(b.channel) ? { to: b.from } : null,
      });
      return { contactId: r.contactId, duplicate: r.duplicate };
    });
  });
};
