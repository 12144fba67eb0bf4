import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/database.ts';
import { auditedTransaction, auditRead, type AuditActor } from '../../audit/audit.ts';
import { redact } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { CONTACTS } from '../contacts/policy.ts';
import * as contactsRepo from '../contacts/repository.ts';
import { openMessage } from '../contacts/repository.ts';
import { sealField } from '../../crypto/record-keys.ts';
import { REPLY_CHANNELS, REPLY_MAX_LENGTH, type Conversation, type ConversationMessage, type ReplyChannel } from '../../../shared/schemas/replies.ts';
import { timeOrderedId } from '../../db/ids.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const isReplyChannel = (c: string): c is ReplyChannel => (REPLY_CHANNELS as readonly string[]).includes(c);

const messageColumns = ['id', 'direction', 'bodyEnc', 'mediaCount', 'sentBy', 'delivery', 'deliveryAttempts', 'deliveryError', 'nextAttemptAt', 'deliveredAt', 'createdAt'] as const;

export const listConversation = async (db: DbOrTx, contactId: string) =>
  (await db.selectFrom('contactMessages').select(messageColumns).where('contactId', '=', contactId).orderBy('createdAt').orderBy('id').execute()).map(openMessage);

export function toMessageView(m: Awaited<ReturnType<typeof listConversation>>[number]): ConversationMessage {
  return { ...m, nextAttemptAt: iso(m.nextAttemptAt), deliveredAt: iso(m.deliveredAt), createdAt: m.createdAt.toISOString() };
}

/** A reply needs somewhere to go: the contactor's address, or for a public report its follow-up code (a web-form contact entered by hand has neither). */
const canReply = (channel: string, hasAddress: boolean) => isReplyChannel(channel) && hasAddress;

/** Message texts are narrative: reading the conversation, and writing into it, need `sensitive:narrative` (403, after the 404 of a contact not visible). */
function requireNarrative(p: Principal): void {
  if (!('messages' in redact(p, CONTACTS, { messages: true }))) throw forbidden('Your role may not read the messages of contacts');
}

/** The messages of a contact in order; message texts are narrative, so the read is audited and needs `sensitive:narrative`. */
export async function conversation(db: Db, p: Principal, actor: AuditActor, contactId: string): Promise<Conversation> {
  const c = await contactsRepo.findContact(db, p, contactId);
  if (!c) throw notFound('Contact');
  requireNarrative(p);
  const addr = await db.selectFrom('contacts').select(sql<boolean>`reply_address_enc IS NOT NULL OR EXISTS (SELECT 1 FROM contact_follow_up_codes f WHERE f.contact_id = contacts.id)`.as('has')).where('id', '=', contactId).executeTakeFirstOrThrow();
  const items = (await listConversation(db, contactId)).map(toMessageView);
  await auditRead(db, actor, { action: 'contact.messages_read', recordType: 'contact', recordId: contactId, changes: { messages: items.length } });
  return { contactId, channel: c.channel, canReply: canReply(c.channel, addr.has), items };
}

/**
 * Writes a reply on the contact's channel. It is stored, with its delivery, in the request's
 * transaction: SMS, WhatsApp and Telegram replies as `pending` for the delivery worker (which the
 * caller nudges after commit), a public report's reply as `sent` at once (the reporter reads it with
 * the follow-up code). Voice, walk-in, e-mail and web chat cannot be answered here (409).
 */
export async function writeReply(db: Db, p: Principal, actor: AuditActor, contactId: string, body: string): Promise<ConversationMessage> {
  return auditedTransaction(db, actor, async (tx) => {
    if (!(await contactsRepo.lockContact(tx, p, contactId))) throw notFound('Contact');
    // A reply answers what the contactor wrote: whoever may not read the conversation may not write into it.
    requireNarrative(p);
    const c = await tx.selectFrom('contacts').select(['channel', sql<boolean>`reply_address_enc IS NOT NULL OR EXISTS (SELECT 1 FROM contact_follow_up_codes f WHERE f.contact_id = contacts.id)`.as('hasAddress')]).where('id', '=', contactId).executeTakeFirstOrThrow();
    if (!isReplyChannel(c.channel)) throw conflict('channel_cannot_reply', `A ${c.channel} contact cannot be answered in writing; reply on its own channel`);
    if (!c.hasAddress) throw conflict('no_reply_address', c.channel === 'web_form' ? 'This contact has no follow-up code, so no one could read a reply' : 'The contactor\'s address is not known, so a reply cannot be sent');
    const max = REPLY_MAX_LENGTH[c.channel];
    if (body.length > max) throw badRequest('validation_failed', `A ${c.channel} reply is at most ${max} characters`, { body: `at most ${max} characters on ${c.channel}` });
    const immediate = c.channel === 'web_form';
    const messageId = timeOrderedId();
    const row = await tx
      .insertInto('contactMessages')
      .values({
        id: messageId,
        contactId,
        direction: 'out',
        bodyEnc: sealField('contact_messages', 'body', messageId, body),
        sentBy: p.userId,
        delivery: immediate ? 'sent' : 'pending',
        nextAttemptAt: immediate ? null : sql<Date>`now()`,
        deliveredAt: immediate ? sql<Date>`now()` : null,
        createdAt: new Date(),
      })
      .returning(messageColumns)
      .executeTakeFirstOrThrow();
    await tx.updateTable('contacts').set({ updatedAt: new Date() }).where('id', '=', contactId).execute();
    await contactsRepo.notifyContact(tx, contactId);
    // The text is the contactor's business: the log keeps which message, where and how long.
    return {
      result: toMessageView(openMessage(row)),
      audit: { action: 'contact.reply_written', recordType: 'contact', recordId: contactId, changes: { messageId: row.id, channel: c.channel, length: body.length, delivery: row.delivery } },
    };
  });
}

/** A failed reply is tried again from the start (its attempts count again from zero). */
export async function retryReply(db: Db, p: Principal, actor: AuditActor, contactId: string, messageId: string): Promise<ConversationMessage> {
  return auditedTransaction(db, actor, async (tx) => {
    if (!(await contactsRepo.lockContact(tx, p, contactId))) throw notFound('Contact');
    requireNarrative(p);
    const m = await tx.selectFrom('contactMessages').select(['id', 'delivery', 'deliveryAttempts']).where('id', '=', messageId).where('contactId', '=', contactId).where('direction', '=', 'out').forUpdate().executeTakeFirst();
    if (!m) throw notFound('Message');
    if (m.delivery !== 'failed') throw conflict('not_failed', `The reply is ${m.delivery ?? 'not a delivery'}; only a failed reply is retried`);
    const row = await tx
      .updateTable('contactMessages')
      .set({ delivery: 'pending', deliveryAttempts: 0, nextAttemptAt: sql<Date>`now()` })
      .where('id', '=', messageId)
      .returning(messageColumns)
      .executeTakeFirstOrThrow();
    await contactsRepo.notifyContact(tx, contactId);
    return { result: toMessageView(openMessage(row)), audit: { action: 'contact.reply_retried', recordType: 'contact', recordId: contactId, changes: { messageId, previousAttempts: m.deliveryAttempts } } };
  });
}
