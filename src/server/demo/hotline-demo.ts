import crypto from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db, Tx } from '../db/database.ts';
import { actor, requireAuth } from '../app.ts';
import { appendAudit, SYSTEM_ACTOR, type AuditActor } from '../audit/audit.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import type { Keys } from '../crypto/keys.ts';
import type { Principal } from '../access/principal.ts';
import { ErrorBody } from '../../shared/schemas/common.ts';
import { SimulateContactAnswer, SimulateContactBody } from '../../shared/schemas/channels.ts';
import { intake } from '../modules/telephony/intake.ts';
import { worksContacts } from '../modules/operators/presence.ts';
import type { HotlineChannels } from '../modules/channels/service.ts';

/**
 * Demo mode configures the hotline itself: its agency is the demo hotline agency, in the settings
 * table (not the environment), so the public report page and the webhooks work with no variable
 * set. An agency an administrator chose in the demo is kept.
 */
export async function configureDemoHotline(tx: Tx, hotlineAgencyId: string): Promise<void> {
  const row = await tx.selectFrom('hotlineSettings').select('agencyId').where('id', '=', true).forUpdate().executeTakeFirstOrThrow();
  if (row.agencyId) return;
  await tx.updateTable('hotlineSettings').set({ agencyId: hotlineAgencyId, updatedAt: new Date() }).where('id', '=', true).execute();
  await appendAudit(tx, SYSTEM_ACTOR, { action: 'hotline.channels_changed', recordType: 'hotline_settings', changes: { agencyId: { old: null, new: hotlineAgencyId }, demo: true } });
}

/** What simulated contactors write (made up; no real person or place). */
const SMS_TEXTS: ReadonlyArray<{ language: 'az' | 'ru' | 'en'; body: string }> = [
  { language: 'ru', body: 'Здравствуйте. Мою сестру увезли работать в другую страну, теперь у неё забрали паспорт и не отпускают. Что делать?' },
  { language: 'az', body: 'Salam. Tikintidə işləyirik, 3 aydır maaş vermirlər, sənədlərimizi götürüblər. Kömək edə bilərsiniz?' },
  { language: 'en', body: 'Hello, I was offered a job abroad as a waitress but they want my passport before I travel. Is this normal?' },
  { language: 'ru', body: 'Соседка говорит, что в квартире напротив живут несколько девушек, их не выпускают одних. Куда сообщить?' },
  { language: 'az', body: 'Qardaşım Rusiyada işə düzəldi, indi telefonla danışa bilmir, deyir ki, borcu var və çıxa bilmir.' },
  { language: 'en', body: 'A friend of mine is working in a house as a maid and is not allowed to leave. She sent me a message asking for help.' },
];
const CALL_LANGUAGES = ['az', 'ru', 'en'] as const;

/** A made-up Azerbaijani mobile number in a range the demo uses for every simulated caller. */
const demoNumber = () => `+99450555${String(crypto.randomInt(0, 10_000)).padStart(4, '0')}`;

/** Operators, supervisors and administrators may simulate (those who watch the queue or set the channels up). */
const maySimulate = (p: Principal) => worksContacts(p) || p.permissions.has('contacts:supervise') || p.permissions.has('channels:manage');

/**
 * A realistic incoming call or SMS through the intake path (source `simulation`), so that the live
 * queue can be seen moving in the demo. Demo mode only.
 */
export async function simulateIncomingContact(db: Db, keys: Keys, channels: HotlineChannels, who: AuditActor, kind: 'call' | 'sms'): Promise<{ contactId: string; channel: 'call' | 'sms' }> {
  const { agencyId } = await channels.current();
  if (!agencyId) throw conflict('hotline_not_configured', "Choose the hotline's agency first (Administration -> Channels)", { agencyId: 'not set' });
  const from = demoNumber();
  const text = SMS_TEXTS[crypto.randomInt(0, SMS_TEXTS.length)]!;
  const r =
    kind === 'call'
      ? await intake(db, keys, agencyId, who, {
          source: 'simulation',
          eventId: `CA${crypto.randomBytes(16).toString('hex')}`,
          channel: 'call',
          kind: 'call',
          contactor: { kind: 'phone', value: from },
          language: CALL_LANGUAGES[crypto.randomInt(0, CALL_LANGUAGES.length)]!,
        })
      : await intake(db, keys, agencyId, who, {
          source: 'simulation',
          eventId: `SM${crypto.randomBytes(16).toString('hex')}`,
          channel: 'sms',
          kind: 'message',
          contactor: { kind: 'phone', value: from },
          body: text.body,
          language: text.language,
        });
  return { contactId: r.contactId, channel: kind };
}

/** `POST /api/v1/demo/simulate-contact`: 404 outside demo mode; in it, operators, supervisors and administrators. */
export const demoHotlineRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;
  app.post('/demo/simulate-contact', {
    schema: {
      tags: ['demo'],
      summary: 'Demo mode only: simulate an incoming call or SMS, which arrives in the live queue like a real one',
      description: '404 when Pathway is not in demo mode; 403 for users other than operators, supervisors and administrators. The caller and the text are made up.',
      body: SimulateContactBody,
      response: { 201: SimulateContactAnswer, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
    },
  }, async (req, reply) => {
    if (!config.demo) throw notFound('Route');
    const a = requireAuth(req);
    if (!maySimulate(a.principal)) throw forbidden('Only operators, supervisors and administrators simulate contacts');
    return reply.status(201).send(await simulateIncomingContact(db, app.keys, app.channels, actor(req), req.body.kind));
  });
};
