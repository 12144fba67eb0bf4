import crypto from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { Keys } from '../../crypto/keys.ts';
import { openMessage } from '../contacts/repository.ts';
import { auditRead, type AuditActor } from '../../audit/audit.ts';
import { AppError, notFound } from '../../errors.ts';
import { intake } from '../telephony/intake.ts';
import type { ContactorAddress } from '../contacts/contactor.ts';
import type { FollowUpThread, PublicReportBody } from '../../../shared/schemas/public-reports.ts';
import { followUpCodeHash, newFollowUpCode } from './codes.ts';

const hotlineAgency = (agencyId: string | undefined) => {
  if (!agencyId) throw new AppError('hotline_not_configured', 503, 'Public reports are not open: the hotline is not configured');
  return agencyId;
};

/**
 * The message operators read: the description, then what else the reporter gave. The call-back
 * number is not in it: with consent it is kept encrypted on the contact, and otherwise only its keyed
 * hash and last three digits (to match repeat contactors), like any caller's number.
 */
function reportText(b: PublicReportBody): string {
  const extra = [
    b.location ? `Where: ${b.location}` : null,
    b.name ? `Name: ${b.name}` : null,
    b.email ? `E-mail: ${b.email}` : null,
    b.phone ? (b.callbackConsent ? 'Asks to be called back (number kept encrypted)' : 'Gave a phone number but no consent to be called back') : null,
  ].filter(Boolean);
  return extra.length ? `${b.description}\n\n${extra.join('\n')}` : b.description;
}

/**
 * Files a public report as a `web_form` contact in the operators' queue; the code is returned once and
 * kept only as a hash. Only the demo gives a `code` of its own (one the README can print).
 */
export async function fileReport(db: Db, keys: Keys, agencyId: string | undefined, actor: AuditActor, b: PublicReportBody, code = newFollowUpCode()) {
  const agency = hotlineAgency(agencyId);
  const contactor: ContactorAddress | null = b.phone ? { kind: 'phone', value: b.phone } : b.email ? { kind: 'email', value: b.email } : null;
  const receivedAt = new Date();
  await intake(db, keys, agency, actor, {
    source: 'public_report',
    eventId: crypto.randomUUID(),
    channel: 'web_form',
    // A report is a contact of its own, even from someone who reported before.
    kind: 'message',
    contactor,
    body: reportText(b),
    language: b.language,
    city: b.location ?? null,
    callbackNumber: b.callbackConsent ? b.phone : null,
    within: async (tx, contactId) => {
      await tx.insertInto('contactFollowUpCodes').values({ codeHash: followUpCodeHash(code), contactId, createdAt: receivedAt }).execute();
    },
    newConversation: true,
  });
  return { code, receivedAt: receivedAt.toISOString() };
}

/**
 * The contact a code opens, or a 404 that reads the same for a wrong, malformed or unknown code.
 * The code is looked up by its hash on a unique index, so how long the answer takes says nothing
 * about how close a guess was; the guesses themselves are rate-limited per address.
 */
async function contactOf(db: Db, typed: string): Promise<{ contactId: string; receivedAt: Date; ownerAgencyId: string }> {
  // When the report was filed: the code's time. (The contact's `receivedAt` moves when an addition reopens it.)
  const row = await db
    .selectFrom('contactFollowUpCodes as f')
    .innerJoin('contacts as c', 'c.id', 'f.contactId')
    .select(['f.contactId', 'f.createdAt as receivedAt', 'c.ownerAgencyId'])
    .where('f.codeHash', '=', followUpCodeHash(typed))
    .executeTakeFirst();
  if (!row) throw notFound('Report');
  return row;
}

/** What the reporter sees with the code: their own messages and the hotline's replies, in order. */
export async function readFollowUp(db: Db, actor: AuditActor, typed: string): Promise<FollowUpThread> {
  const { contactId, receivedAt } = await contactOf(db, typed);
  const messages = await db
    .selectFrom('contactMessages')
    .select(['id', 'direction', 'bodyEnc', 'createdAt'])
    .where('contactId', '=', contactId)
    .where((eb) => eb.or([eb('direction', '=', 'in'), eb('delivery', '=', 'sent')]))
    .orderBy('createdAt')
    .orderBy('id')
    .execute()
    .then((rows) => rows.map(openMessage));
  await db.updateTable('contactFollowUpCodes').set({ lastUsedAt: new Date() }).where('contactId', '=', contactId).execute();
  await auditRead(db, actor, { action: 'contact.follow_up_read', recordType: 'contact', recordId: contactId, changes: { messages: messages.length } });
  return { receivedAt: receivedAt.toISOString(), messages: messages.map((m) => ({ direction: m.direction, body: m.body, createdAt: m.createdAt.toISOString() })) };
}

/**
 * More information from the reporter: a message of the same contact, back in the queue if it was
 * closed. It goes to the agency that owns the contact, which is not the configured hotline agency
 * when `PATHWAY_HOTLINE_AGENCY_ID` changed since the report was filed: the reporter's thread stays one.
 */
export async function addToReport(db: Db, keys: Keys, agencyId: string | undefined, actor: AuditActor, typed: string, body: string) {
  hotlineAgency(agencyId);
  const { contactId, ownerAgencyId } = await contactOf(db, typed);
  await intake(db, keys, ownerAgencyId, actor, { source: 'public_report', eventId: crypto.randomUUID(), channel: 'web_form', kind: 'message', contactor: null, body, joinContactId: contactId });
  return { receivedAt: new Date().toISOString() };
}
