import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../db/database.ts';
import * as contacts from '../modules/contacts/service.ts';
import { intake, applyCallStatus } from '../modules/telephony/intake.ts';
import { fileReport } from '../modules/public-reports/service.ts';
import { writeReply } from '../modules/replies/service.ts';
import { createCase, linkContact } from '../modules/cases/service.ts';
import { acceptReferral, sendReferral } from '../modules/referrals/service.ts';
import { CloseContactBody, ContactDraftData, ContactFormBody, StoreScreeningBody } from '../../shared/schemas/contacts.ts';
import { PublicReportBody } from '../../shared/schemas/public-reports.ts';
import { SendReferralBody } from '../../shared/schemas/referrals.ts';
import { CATALOGUE, chooseScreeningList, evaluateScreening, type ScreeningList } from '../../domain/screening.ts';
import { CONTACT_OUTCOMES, type ContactChannel, type ContactOutcome } from '../../shared/hotline.ts';
import type { AuditActor } from '../audit/audit.ts';
import type { DemoActor, DemoContext } from './context.ts';

/**
 * The follow-up code of the demo's public report, printed in the README so that an evaluator can
 * open `/public/report` -> "Follow up" and read the hotline's reply. Only the demo has a known code.
 */
export const DEMO_FOLLOW_UP_CODE = 'DEMO-2026-0000-0000-0001';

/** Indicators that make a screening on this list positive: the three strongest of D1, D4 and D5 (checked with the rule itself). */
export function positiveIndicators(list: ScreeningList): string[] {
  const rank = { S: 0, M: 1, W: 2 } as const;
  const codes = (['D1', 'D4', 'D5'] as const).flatMap((d) =>
    CATALOGUE.indicators
      .filter((i) => i.dimension === d && i.strength[list])
      .sort((a, b) => rank[a.strength[list]!] - rank[b.strength[list]!])
      .slice(0, 3)
      .map((i) => i.code),
  );
  if (!evaluateScreening({ list, indicators: codes, recruitmentActEstablished: list.startsWith('child_') ? true : undefined }).presumedVictim)
    throw new Error(`demo: no positive screening on ${list}`);
  return codes;
}

export function screeningBody(exploitation: 'labour' | 'sexual', age: number | null, observedAt?: Date): z.infer<typeof StoreScreeningBody> {
  const { list, child } = chooseScreeningList({ age, ageVerified: age !== null, possiblyChild: false, exploitation });
  return StoreScreeningBody.parse({
    exploitation,
    age,
    ageVerified: age !== null,
    indicators: positiveIndicators(list).map((code) => ({ code, source: 'contactor_statement', ...(observedAt ? { observedAt: observedAt.toISOString() } : {}) })),
    ...(child ? { recruitmentActEstablished: true } : {}),
  });
}

/** Moves a finished contact back to when it happened (timestamps only): the dashboard's figures then spread over past days. */
async function backdateContact(db: Db, id: string, receivedAt: Date, minutes: number) {
  const endedAt = new Date(receivedAt.getTime() + minutes * 60_000);
  await db
    .updateTable('contacts')
    .set({ receivedAt, answeredAt: new Date(receivedAt.getTime() + 40_000), endedAt, completedAt: endedAt, createdAt: receivedAt, updatedAt: endedAt })
    .where('id', '=', id)
    .execute();
  const alertedAt = new Date(receivedAt.getTime() + 5 * 60_000);
  await db
    .updateTable('contactEscalations')
    .set({ createdAt: alertedAt, alertedAt, acknowledgedAt: sql<Date | null>`CASE WHEN acknowledged_at IS NULL THEN NULL ELSE ${new Date(alertedAt.getTime() + 95_000)}::timestamptz END` })
    .where('contactId', '=', id)
    .execute();
}

type ClosedContact = {
  channel: ContactChannel;
  daysAgo: number;
  minutes: number;
  form: z.input<typeof ContactFormBody>;
  outcomes: ContactOutcome[];
  note?: string;
};

async function closedContact(ctx: DemoContext, op: DemoActor, c: ClosedContact, between?: (contactId: string) => Promise<void>): Promise<string> {
  const receivedAt = ctx.at(-c.daysAgo, 3);
  const { id } = await contacts.createContact(ctx.db, ctx.keys, op.p, op.actor, { channel: c.channel, receivedAt: receivedAt.toISOString() });
  await contacts.submitForm(ctx.db, ctx.keys, op.p, op.actor, id, ContactFormBody.parse(c.form));
  if (between) await between(id);
  await contacts.close(ctx.db, op.p, op.actor, id, CloseContactBody.parse({ outcomes: c.outcomes, outcomeNote: c.note ?? null }));
  await backdateContact(ctx.db, id, receivedAt, c.minutes);
  return id;
}

/** Fourteen days of ordinary closed contacts, every outcome among them, for the queue's history and the manager's dashboard. */
const REGIONS = ['Baku', 'Ganja', 'Sumqayit', 'Lankaran', 'Shaki', 'Quba', 'Mingachevir'];
const CHANNELS: ContactChannel[] = ['call', 'call', 'sms', 'whatsapp', 'telegram', 'call', 'email', 'web_form'];
const TYPES = [
  { contactType: 'information_request', contactorType: 'victim', categories: ['migration.job_offer_check'], summary: 'Asked whether a job offer abroad (a hotel in Dubai) is safe; given the checklist for safe migration.' },
  { contactType: 'trafficking_report', contactorType: 'family_member', categories: ['trafficking.forced_labour'], summary: 'Mother reports her son works on a farm without pay, his passport kept by the employer.' },
  { contactType: 'service_request', contactorType: 'victim', categories: ['services.legal'], summary: 'Returned migrant worker asks for legal help to recover unpaid wages.' },
  { contactType: 'non_trafficking', contactorType: 'friend', categories: ['violence.domestic'], summary: 'Domestic violence, no sign of exploitation; given the number of the support line.' },
  { contactType: 'silent', contactorType: 'anonymous', categories: [], summary: null },
  { contactType: 'trafficking_report', contactorType: 'witness', categories: ['trafficking.sexual_exploitation'], summary: 'Neighbour reports young women brought to a flat at night, escorted by a man who holds their phones.' },
  { contactType: 'information_request', contactorType: 'professional', categories: ['migration.documents'], summary: 'A school counsellor asks how to refer a pupil who may be working at night.' },
] as const;

export async function seedHotlineDemo(ctx: DemoContext): Promise<void> {
  const hotline = ctx.agency('hotline');
  const op = await ctx.as('operator');
  const sup = await ctx.as('supervisor');
  const webhook: AuditActor = { userId: null, agencyId: hotline, via: 'system' };

  await ctx.step('hotline:history', async () => {
    for (let k = 0; k < 14; k++) {
      const t = TYPES[k % TYPES.length]!;
      const outcome: ContactOutcome = t.contactType === 'silent' ? 'no_action' : CONTACT_OUTCOMES.filter((o) => o !== 'new_case' && o !== 'linked_to_case')[k % 5]!;
      await closedContact(ctx, op, {
        channel: CHANNELS[k % CHANNELS.length]!,
        daysAgo: 14 - k,
        minutes: 3 + ((k * 7) % 19),
        form: { contactorType: t.contactorType, contactType: t.contactType, region: REGIONS[k % REGIONS.length], categories: [...t.categories], summary: t.summary, language: k % 3 === 0 ? 'ru' : 'az' },
        outcomes: [outcome],
      });
    }
  });

  // Someone in danger: escalated, the supervisor acknowledged it, the police were told.
  await ctx.step('hotline:escalation-acknowledged', async () => {
    await closedContact(
      ctx,
      op,
      {
        channel: 'call',
        daysAgo: 2,
        minutes: 18,
        form: {
          contactorType: 'victim',
          contactType: 'trafficking_report',
          region: 'Baku',
          city: 'Baku',
          categories: ['trafficking.sexual_exploitation'],
          urgency: 'immediate_danger',
          summary: 'Caller says she is locked in a flat with two other women and is made to meet clients; she does not know the address, only a nearby metro station.',
          persons: [{ role: 'potential_victim', sex: 'female', age: 23, nationality: 'UZ' }],
        },
        outcomes: ['reported_to_police'],
        note: 'Police unit of the district informed by phone; caller to ring back when safe.',
      },
      async (id) => {
        const e = await contacts.escalate(ctx.db, op.p, op.actor, id, 'Locked in a flat, made to meet clients; police needed now.');
        await contacts.acknowledge(ctx.db, sup.p, sup.actor, id, e.id);
      },
    );
  });

  // A contact that became a case: screened at the hotline, opened as a case, transferred to the NGO that takes it on.
  await ctx.step('hotline:case-from-contact', async () => {
    let caseId = '';
    await closedContact(
      ctx,
      op,
      {
        channel: 'call',
        daysAgo: 1,
        minutes: 26,
        form: {
          contactorType: 'victim',
          contactType: 'trafficking_report',
          region: 'Sumqayit',
          city: 'Sumqayit',
          categories: ['trafficking.forced_labour'],
          urgency: 'high',
          summary: 'Man back from a construction site in Russia: recruited through a relative, passport taken on arrival, worked 14 hours a day for food only, escaped last week.',
          persons: [{ role: 'potential_victim', sex: 'male', age: 34, nationality: 'AZ' }],
        },
        outcomes: ['new_case'],
      },
      async (id) => {
        await contacts.storeScreening(ctx.db, op.p, op.actor, id, screeningBody('labour', 34));
        // He gave his name: the case's victim is recorded from what the operator noted (sex, age, nationality) and it.
        caseId = (await createCase(ctx.db, op.p, op.actor, { contactId: id, exploitationForms: ['forced_labour'], country: 'RU', victim: { name: { givenName: 'Elnur', familyName: 'Məmmədli' }, languages: ['az', 'ru'] } })).id;
      },
    );
    // He rang again the next morning: the supervisor links the call to his case.
    await closedContact(
      ctx,
      op,
      { channel: 'call', daysAgo: 0.5, minutes: 6, form: { contactorType: 'victim', contactType: 'service_request', region: 'Sumqayit', categories: ['services.shelter'], summary: 'Rang again: asks where he can stay tonight.' }, outcomes: ['linked_to_case'] },
      async (id) => {
        await linkContact(ctx.db, sup.p, sup.actor, caseId, id);
      },
    );
    // The supervisor hands the case over to the NGO, whose case worker takes it on.
    const worker = await ctx.as('case_worker');
    const transfer = await sendReferral(ctx.db, sup.p, sup.actor, caseId, SendReferralBody.parse({ toAgencyId: ctx.agency('ngo1'), purpose: 'case_transfer', sections: ['summary', 'screening', 'contacts'], reason: 'Needs a case worker and shelter.' }));
    await acceptReferral(ctx.db, worker.p, worker.actor, transfer.id, 'Taken on; first meeting tomorrow.');
  });

  // Waiting in the queue: an SMS, a Telegram message and a public report.
  await ctx.step('hotline:queue', async () => {
    await intake(ctx.db, ctx.keys, hotline, webhook, {
      source: 'webhook',
      eventId: 'demo-sms-1',
      channel: 'sms',
      kind: 'message',
      contactor: { kind: 'phone', value: '+994505550101' },
      body: 'Salam. Qardaşım Türkiyədə işləyir, pasportunu götürüblər, evə qayıda bilmir. Nə edək?',
      language: 'az',
    });
    await intake(ctx.db, ctx.keys, hotline, webhook, {
      source: 'telegram',
      eventId: 'demo-telegram-1',
      channel: 'telegram',
      kind: 'message',
      contactor: { kind: 'telegram', value: '700000001' },
      body: 'Здравствуйте, мне предложили работу официанткой в Дубае, оплата билета за счёт работодателя. Это безопасно?',
      language: 'ru',
    });
  });

  await ctx.step('hotline:public-report', async () => {
    await fileReport(
      ctx.db,
      ctx.keys,
      hotline,
      { userId: null, agencyId: null, via: 'public' },
      PublicReportBody.parse({
        description: 'Children from a village near Shaki are taken every morning by minibus to beg at the bus station in Baku; an adult collects the money in the evening.',
        location: 'Baku bus station',
        language: 'en',
      }),
      DEMO_FOLLOW_UP_CODE,
    );
    const contact = await ctx.db
      .selectFrom('contactFollowUpCodes as f')
      .select('f.contactId')
      .innerJoin('contacts as c', 'c.id', 'f.contactId')
      .where('c.ownerAgencyId', '=', hotline)
      .orderBy('f.createdAt', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    await contacts.accept(ctx.db, op.p, op.actor, contact.contactId);
    await writeReply(ctx.db, op.p, op.actor, contact.contactId, 'Thank you. The police unit for children has been told. If you can, tell us the days and times the minibus comes.');
    await contacts.submitForm(
      ctx.db,
      ctx.keys,
      op.p,
      op.actor,
      contact.contactId,
      ContactFormBody.parse({ contactorType: 'witness', contactType: 'trafficking_report', region: 'Baku', city: 'Baku', categories: ['trafficking.forced_begging'], urgency: 'high', persons: [{ role: 'potential_victim', age: 10, possiblyChild: true }] }),
    );
    await contacts.close(ctx.db, op.p, op.actor, contact.contactId, CloseContactBody.parse({ outcomes: ['reported_to_police'], outcomeNote: 'Passed to the police unit for children.' }));
  });

  // A call that ended while the operator is still writing it up (wrap-up), and one that rang out (abandoned).
  await ctx.step('hotline:calls', async () => {
    await intake(ctx.db, ctx.keys, hotline, webhook, { source: 'twilio_call', eventId: 'DEMO-CA-WRAPUP', channel: 'call', kind: 'call', contactor: { kind: 'phone', value: '+994705550102' }, language: 'az' });
    await intake(ctx.db, ctx.keys, hotline, webhook, { source: 'twilio_call', eventId: 'DEMO-CA-ABANDONED', channel: 'call', kind: 'call', contactor: { kind: 'phone', value: '+994555550103' } });
    await applyCallStatus(ctx.db, webhook, 'DEMO-CA-ABANDONED', 'no-answer');
    const wrap = await ctx.db.selectFrom('contacts').select('id').where('channel', '=', 'call').where('externalId', '=', 'DEMO-CA-WRAPUP').executeTakeFirstOrThrow();
    await contacts.accept(ctx.db, op.p, op.actor, wrap.id);
    await applyCallStatus(ctx.db, webhook, 'DEMO-CA-WRAPUP', 'completed');
    await contacts.saveDraft(
      ctx.db,
      op.p,
      op.actor,
      wrap.id,
      ContactDraftData.parse({ contactorType: 'friend', contactType: 'trafficking_report', region: 'Ganja', categories: ['trafficking.forced_labour'], summary: 'Friend working at a brick kiln near Ganja' }),
      undefined,
    );
  });

  // On the line now: a woman in danger, escalated a few minutes ago; the supervisor has not acknowledged it yet.
  await ctx.step('hotline:live-escalation', async () => {
    const { id } = await contacts.createContact(ctx.db, ctx.keys, op.p, op.actor, { channel: 'call', receivedAt: ctx.at(0, -0.2).toISOString(), contactor: { kind: 'phone', value: '+994515550104' } });
    await contacts.submitForm(
      ctx.db,
      ctx.keys,
      op.p,
      op.actor,
      id,
      ContactFormBody.parse({
        contactorType: 'victim',
        contactType: 'trafficking_report',
        region: 'Lankaran',
        city: 'Lankaran',
        categories: ['trafficking.forced_marriage'],
        urgency: 'immediate_danger',
        summary: 'Girl, 17, says she is to be taken across the border tomorrow to be married; calling from a neighbour\'s phone.',
        persons: [{ role: 'potential_victim', sex: 'female', age: 17, possiblyChild: true, nationality: 'AZ' }],
      }),
    );
    await contacts.escalate(ctx.db, op.p, op.actor, id, 'A child to be taken across the border tomorrow for marriage.');
  });
}
