import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database.ts';
import { auditedTransaction, type AuditActor, type AuditEntry } from '../../audit/audit.ts';
import { isUniqueViolation } from '../../db/pagination.ts';
import { notFound } from '../../errors.ts';
import { fieldAad, type Keys } from '../../crypto/keys.ts';
import { openField } from '../../crypto/record-keys.ts';
import { OPEN_STATUSES, type ContactChannel, type ContactStatus } from '../../../shared/hotline.ts';
import { contactorFingerprint, type ContactorAddress } from '../contacts/contactor.ts';
import { notifyContact } from '../contacts/repository.ts';
import { contactEnded } from '../operators/service.ts';
import { timeOrderedId } from '../../db/ids.ts';

/**
 * The newest open contact of each channel, contactor and agency among these contactors (keyed
 * hashes): the conversations a message may join. The contactors' contacts are read first, through
 * their own index (`contacts_contactor_idx`), and only then narrowed to the open ones. Given the
 * hash and `status IN (...)` together, PostgreSQL may choose the open-contacts index instead when its
 * statistics say few contacts are open (they were gathered when the queue was short) and walk every
 * open contact for each lookup: 7 ms a batch with 7,600 contacts waiting on the 10,000,000-contact
 * benchmark database, and more as the queue grows. A contactor's own contacts are few.
 */
export function openConversations(hashes: readonly Buffer[]) {
  return sql<{ id: string; channel: string; contactorHash: Buffer; ownerAgencyId: string }>`
    WITH theirs AS MATERIALIZED (
      SELECT id, channel, contactor_hash, owner_agency_id, status, received_at FROM contacts WHERE contactor_hash = ANY(${[...hashes]}::bytea[])
    )
    SELECT DISTINCT ON (channel, contactor_hash, owner_agency_id) id, channel, contactor_hash, owner_agency_id FROM theirs
    WHERE status IN (${sql.join(OPEN_STATUSES.map((s) => sql`${s}`))})
    ORDER BY channel, contactor_hash, owner_agency_id, received_at DESC`;
}

/** `test`: sent from the Channels screen; `simulation`: the demo's "simulate" button. */
export type InboundSource = 'twilio_call' | 'twilio_message' | 'telegram' | 'webhook' | 'public_report' | 'test' | 'simulation';

export type Inbound = {
  source: InboundSource;
  /** The provider's id of this event: CallSid, MessageSid, update_id, the webhook's event id. */
  eventId: string;
  channel: ContactChannel;
  contactor: ContactorAddress | null;
  /** A call is a contact of its own; a message joins the contactor's open conversation on the channel. */
  kind: 'call' | 'message';
  body?: string;
  mediaCount?: number;
  language?: string | null;
  /**
   * Where a reply to this contactor goes: the number or Telegram chat (`to`) and the hotline's own
   * number the message was written to (`from`). Stored encrypted on the contact; the latest wins.
   */
  replyTo?: { to: string; from?: string | null } | null;
  /** A message for this contact in particular (a public report's follow-up): it joins it, and reopens it when closed. */
  joinContactId?: string;
  /** For a new contact only: the city given, and a call-back number (kept only with consent, encrypted). */
  city?: string | null;
  callbackNumber?: string | null;
  /** A message that opens a contact of its own even when the contactor has an open one (a public report). */
  newConversation?: boolean;
  /** More writes that must commit with the contact (a public report's follow-up code). */
  within?: (tx: Tx, contactId: string) => Promise<void>;
};

export type IntakeResult = { contactId: string; duplicate: boolean; joined: boolean };

/**
 * Turns one provider event into a contact (or a message of an open one), exactly once: a retried
 * event finds its earlier row and changes nothing. Everything, with its audit entry and the live
 * notification, commits together, so a 2xx to the provider means it is stored.
 */
export async function intake(db: Db, keys: Keys, agencyId: string, actor: AuditActor, ev: Inbound): Promise<IntakeResult> {
  const fp = contactorFingerprint(keys, ev.contactor);
  for (let attempt = 0; ; attempt++) {
    try {
      return await auditedTransaction<IntakeResult>(db, actor, async (tx) => {
        await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${ev.source}:${ev.eventId}`}, 0))`.execute(tx);
        const seen = await tx.selectFrom('contactInboundEvents').select('contactId').where('source', '=', ev.source).where('externalId', '=', ev.eventId).executeTakeFirst();
        if (seen) return { result: { contactId: seen.contactId, duplicate: true, joined: false }, audit: [] };

        let contactId: string | undefined;
        let reopened: string | null = null;
        const extraAudit: AuditEntry[] = [];
        if (ev.joinContactId) {
          const target = await tx
            .selectFrom('contacts')
            .select(['id', 'status', ...ROUND_COLUMNS])
            .where('id', '=', ev.joinContactId)
            .where('ownerAgencyId', '=', agencyId)
            .forUpdate()
            .executeTakeFirst();
          if (!target) throw notFound('Contact');
          contactId = target.id;
          // New information on a closed contact puts it back in the queue as a new round.
          if (!OPEN_STATUSES.includes(target.status as ContactStatus)) {
            reopened = target.status;
            extraAudit.push(await reopenContact(tx, target));
          }
        } else if (ev.kind === 'message' && fp.contactorHash && !ev.newConversation) {
          // One conversation per contactor and channel: two messages arriving together must not open two.
          await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`conversation:${ev.channel}:${fp.contactorHash.toString('hex')}`}, 0))`.execute(tx);
          const open = (await openConversations([fp.contactorHash]).execute(tx)).rows.find((r) => r.channel === ev.channel && r.ownerAgencyId === agencyId);
          contactId = open?.id;
        }
        const joined = contactId !== undefined;
        if (!contactId) {
          const now = new Date();
          const id = timeOrderedId();
          const row = await tx
            .insertInto('contacts')
            .values({
              id,
              channel: ev.channel,
              status: (ev.kind === 'call' ? 'ringing' : 'new') satisfies ContactStatus,
              ownerAgencyId: agencyId,
              externalId: ev.kind === 'call' ? ev.eventId : null,
              ...fp,
              language: ev.language ?? null,
              cityEnc: ev.city ? keys.encrypt(ev.city, fieldAad('contacts', 'city', id)) : null,
              callbackNumberEnc: ev.callbackNumber ? keys.encrypt(ev.callbackNumber, fieldAad('contacts', 'callback_number', id)) : null,
              replyAddressEnc: ev.replyTo ? keys.encrypt(JSON.stringify(ev.replyTo), fieldAad('contacts', 'reply_address', id)) : null,
              receivedAt: now,
              createdAt: now,
              updatedAt: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          contactId = row.id;
        }
        if (ev.kind === 'message') {
          const messageId = timeOrderedId();
          await tx.insertInto('contactMessages').values({ id: messageId, contactId, direction: 'in', bodyEnc: keys.encrypt(ev.body ?? '', fieldAad('contact_messages', 'body', messageId)), mediaCount: ev.mediaCount ?? 0, delivery: null }).execute();
          await tx
            .updateTable('contacts')
            .set({ updatedAt: new Date(), ...(joined && ev.replyTo ? { replyAddressEnc: keys.encrypt(JSON.stringify(ev.replyTo), fieldAad('contacts', 'reply_address', contactId)) } : {}) })
            .where('id', '=', contactId)
            .execute();
        }
        await tx.insertInto('contactInboundEvents').values({ source: ev.source, externalId: ev.eventId, contactId }).execute();
        if (ev.within) await ev.within(tx, contactId);
        await notifyContact(tx, contactId);
        // No number and no message text in the log: the channel, the source and whether it joined.
        return {
          result: { contactId, duplicate: false, joined },
          audit: [
            ...extraAudit,
            {
              action: joined ? 'contact.message_received' : 'contact.received',
              recordType: 'contact',
              recordId: contactId,
              changes: { channel: ev.channel, source: ev.source, kind: ev.kind, ...(reopened ? { status: { old: reopened, new: 'new' } } : {}) },
            },
          ],
        };
      });
    } catch (e) {
      // Two deliveries of a new call racing on the (channel, external_id) index: the loser looks again.
      if (attempt < 2 && isUniqueViolation(e)) continue;
      throw e;
    }
  }
}

/** What one round of work on a contact leaves on it: who took it, when, and how it ended. */
const ROUND_COLUMNS = ['assignedUserId', 'receivedAt', 'answeredAt', 'endedAt', 'completedAt', 'outcomes', 'outcomeNoteEnc'] as const;

type Round = { id: string; status: string; assignedUserId: string | null; receivedAt: Date; answeredAt: Date | null; endedAt: Date | null; completedAt: Date | null; outcomes: string[]; outcomeNoteEnc: Buffer | null };

/**
 * A closed contact that receives new information (a public report's follow-up) starts a new round in
 * the queue: `receivedAt` becomes now and the earlier round's assignment, times and outcomes are
 * cleared, so waiting time, time to answer, handle time and outcomes describe the new round. The
 * earlier round's values are kept in the audit entry `contact.reopened`; `createdAt` (when the
 * contact first arrived) and what the form says about the situation stay.
 */
async function reopenContact(tx: Tx, prev: Round): Promise<AuditEntry> {
  const now = new Date();
  await tx
    .updateTable('contacts')
    .set({ status: 'new' satisfies ContactStatus, assignedUserId: null, receivedAt: now, answeredAt: null, endedAt: null, completedAt: null, outcomes: [], outcomeNoteEnc: null, updatedAt: now })
    .where('id', '=', prev.id)
    .execute();
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    action: 'contact.reopened',
    recordType: 'contact',
    recordId: prev.id,
    changes: {
      status: { old: prev.status, new: 'new' },
      receivedAt: { old: prev.receivedAt.toISOString(), new: now.toISOString() },
      assignedUserId: { old: prev.assignedUserId, new: null },
      answeredAt: { old: iso(prev.answeredAt), new: null },
      endedAt: { old: iso(prev.endedAt), new: null },
      completedAt: { old: iso(prev.completedAt), new: null },
      outcomes: { old: prev.outcomes, new: [] },
      outcomeNote: { old: openField('contacts', 'outcome_note', prev.id, prev.outcomeNoteEnc), new: null },
    },
  };
}

const CALL_ENDED = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/**
 * Where a Twilio call status callback takes a contact. Never backwards, never out of a closed state;
 * a call that ends after an operator answered goes to wrap-up (the form is still open), one that ends
 * unanswered is abandoned.
 */
export function nextCallStatus(current: ContactStatus, callStatus: string): ContactStatus {
  if (current === 'completed' || current === 'abandoned' || current === 'wrap_up') return current;
  if (CALL_ENDED.has(callStatus)) return current === 'in_progress' ? 'wrap_up' : 'abandoned';
  if ((callStatus === 'ringing' || callStatus === 'queued' || callStatus === 'in-progress') && current === 'new') return 'ringing';
  return current;
}

export async function applyCallStatus(db: Db, actor: AuditActor, callSid: string, callStatus: string, language?: string | null): Promise<{ contactId: string | null; status: ContactStatus | null }> {
  return auditedTransaction<{ contactId: string | null; status: ContactStatus | null }>(db, actor, async (tx) => {
    const c = await tx.selectFrom('contacts').select(['id', 'status', 'language', 'assignedUserId']).where('channel', '=', 'call').where('externalId', '=', callSid).forUpdate().executeTakeFirst();
    if (!c) return { result: { contactId: null, status: null }, audit: [] };
    const from = c.status as ContactStatus;
    const to = nextCallStatus(from, callStatus);
    const setLanguage = language && language !== c.language;
    if (to === from && !setLanguage) return { result: { contactId: c.id, status: from }, audit: [] };
    const now = new Date();
    await tx
      .updateTable('contacts')
      .set({ status: to, updatedAt: now, ...(to === 'wrap_up' || to === 'abandoned' ? { endedAt: now } : {}), ...(setLanguage ? { language } : {}) })
      .where('id', '=', c.id)
      .execute();
    await notifyContact(tx, c.id);
    if (to === 'wrap_up' && from !== 'wrap_up') await contactEnded(tx, actor, c.id, c.assignedUserId);
    return {
      result: { contactId: c.id, status: to },
      audit: { action: 'contact.status_changed', recordType: 'contact', recordId: c.id, changes: { status: { old: from, new: to }, callStatus, ...(setLanguage ? { language } : {}) } },
    };
  });
}
