import { openField } from '../../crypto/record-keys.ts';
import { sql } from 'kysely';
import type { DbOrTx, Tx } from '../../db/database.ts';
import type { Cursor } from '../../db/pagination.ts';
import { visibleFilter } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import type { RecordAction } from '../../../shared/roles.ts';
import type { ContactChannel, ContactStatus } from '../../../shared/hotline.ts';
import { CONTACTS, contactResource } from './policy.ts';
import { openEscalationReason } from '../operators/escalations.ts';

const EARLIER = contactResource('e');

/** Contact columns, with the number of earlier contacts from the same contactor the principal may see. */
const contactColumns = (db: DbOrTx, p: Principal) =>
  db
    .selectFrom('contacts as c')
    .select([
      'c.id', 'c.channel', 'c.status', 'c.ownerAgencyId', 'c.assignedUserId', 'c.contactorLast3', 'c.contactorType', 'c.contactType',
      'c.language', 'c.region', 'c.cityEnc', 'c.persons', 'c.categories', 'c.summaryEnc', 'c.urgency', 'c.outcomes', 'c.outcomeNoteEnc',
      'c.receivedAt', 'c.answeredAt', 'c.endedAt', 'c.completedAt', 'c.createdAt', 'c.updatedAt', 'c.isTest',
      sql<boolean>`c.callback_number_enc IS NOT NULL`.as('hasCallbackNumber'),
      sql<number>`CASE WHEN c.contactor_hash IS NULL THEN 0 ELSE (SELECT count(*)::int FROM contacts e
        WHERE e.contactor_hash = c.contactor_hash AND e.id <> c.id AND e.received_at <= c.received_at
          AND ${visibleFilter(p, 'read', EARLIER)}) END`.as('repeatContacts'),
    ]);

export type ContactRow = NonNullable<Awaited<ReturnType<typeof findContact>>>;

/** A contact row with its city, summary and outcome note opened (sealed at rest, docs/nrm.md "Identity at rest"). */
export function openContact<R extends { id: string; cityEnc: Buffer | null; summaryEnc: Buffer | null; outcomeNoteEnc: Buffer | null }>(
  row: R,
): Omit<R, 'cityEnc' | 'summaryEnc' | 'outcomeNoteEnc'> & { city: string | null; summary: string | null; outcomeNote: string | null } {
  const { cityEnc, summaryEnc, outcomeNoteEnc, ...rest } = row;
  return {
    ...rest,
    city: openField('contacts', 'city', row.id, cityEnc),
    summary: openField('contacts', 'summary', row.id, summaryEnc),
    outcomeNote: openField('contacts', 'outcome_note', row.id, outcomeNoteEnc),
  };
}

export const findContact = async (db: DbOrTx, p: Principal, id: string, action: RecordAction = 'read') => {
  const row = await contactColumns(db, p).where('c.id', '=', id).where(visibleFilter(p, action, CONTACTS)).executeTakeFirst();
  return row && openContact(row);
};

/** Locks the contact row for a write the principal may make; undefined when it is not theirs to change. */
export async function lockContact(tx: Tx, p: Principal, id: string) {
  const row = await tx
    .selectFrom('contacts as c')
    .select(['c.id', 'c.status', 'c.ownerAgencyId', 'c.assignedUserId', 'c.contactType', 'c.region', 'c.urgency', 'c.answeredAt'])
    .where('c.id', '=', id)
    .where(visibleFilter(p, 'update', CONTACTS))
    .forUpdate()
    .executeTakeFirst();
  return row;
}

export type ContactFilters = {
  status?: ContactStatus[] | undefined;
  channel?: ContactChannel[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  region?: string | undefined;
  cursor?: Cursor | undefined;
  limit: number;
};

/** Newest first, keyset on (created_at, id). */
export async function listContacts(db: DbOrTx, p: Principal, f: ContactFilters) {
  let q = contactColumns(db, p).where(visibleFilter(p, 'read', CONTACTS));
  if (f.status?.length) q = q.where('c.status', 'in', f.status);
  if (f.channel?.length) q = q.where('c.channel', 'in', f.channel);
  if (f.from) q = q.where('c.createdAt', '>=', new Date(f.from));
  if (f.to) q = q.where('c.createdAt', '<', new Date(f.to));
  if (f.region) q = q.where('c.region', '=', f.region);
  if (f.cursor) {
    const c = f.cursor;
    q = q.where((eb) => eb.or([eb('c.createdAt', '<', c.createdAt), eb.and([eb('c.createdAt', '=', c.createdAt), eb('c.id', '<', c.id)])]));
  }
  return (await q.orderBy('c.createdAt', 'desc').orderBy('c.id', 'desc').limit(f.limit + 1).execute()).map(openContact);
}

/** Earlier and later contacts from the same contactor that the principal may see, newest first. */
export async function contactorHistory(db: DbOrTx, p: Principal, id: string) {
  return db
    .selectFrom('contacts as c')
    .innerJoin('contacts as e', (j) => j.onRef('e.contactorHash', '=', 'c.contactorHash').onRef('e.id', '<>', 'c.id'))
    .select(['e.id', 'e.channel', 'e.status', 'e.contactType', 'e.urgency', 'e.outcomes', 'e.receivedAt'])
    .where('c.id', '=', id)
    .where(visibleFilter(p, 'read', EARLIER))
    .orderBy('e.receivedAt', 'desc')
    .limit(50)
    .execute();
}

export const listMessages = async (db: DbOrTx, contactId: string) =>
  (await db.selectFrom('contactMessages').select(['id', 'direction', 'bodyEnc', 'mediaCount', 'delivery', 'createdAt']).where('contactId', '=', contactId).orderBy('createdAt').orderBy('id').execute()).map(openMessage);

/** A hotline conversation's message as read: its body opened (docs/nrm.md, "Identity at rest"). */
export function openMessage<R extends { id: string; bodyEnc: Buffer | null }>(row: R): Omit<R, 'bodyEnc'> & { body: string } {
  const { bodyEnc, ...rest } = row;
  return { ...rest, body: openField('contact_messages', 'body', row.id, bodyEnc) ?? '' };
}

export const listScreenings = (db: DbOrTx, contactId: string) =>
  db.selectFrom('contactScreenings').selectAll().where('contactId', '=', contactId).orderBy('createdAt').execute();

export const listEscalations = async (db: DbOrTx, contactId: string) =>
  (await db.selectFrom('contactEscalations').selectAll().where('contactId', '=', contactId).orderBy('createdAt').execute()).map(({ reason: _legacy, reasonEnc, ...e }) => ({
    ...e,
    reason: openEscalationReason(e.id, reasonEnc),
  }));

/** An escalation's reason opened (docs/nrm.md, "Identity at rest"). */

/**
 * Tells every Pathway process's listeners about a contact change. NOTIFY in the writing transaction is
 * delivered at commit, so a console never hears of a contact that is not there. No personal data.
 */
export async function notifyContact(tx: Tx, contactId: string): Promise<void> {
  await sql`SELECT pg_notify('pathway_live', json_build_object(
      'type', 'contact', 'id', c.id, 'status', c.status, 'channel', c.channel, 'urgency', c.urgency,
      'ownerAgencyId', c.owner_agency_id, 'assignedUserId', c.assigned_user_id, 'receivedAt', c.received_at)::text)
    FROM contacts c WHERE c.id = ${contactId}`.execute(tx);
}

export async function notifyEscalation(tx: Tx, escalationId: string): Promise<void> {
  await sql`SELECT pg_notify('pathway_live', json_build_object(
      'type', 'escalation', 'id', x.id, 'contactId', x.contact_id, 'region', c.region, 'ownerAgencyId', c.owner_agency_id,
      'alertedAgencyIds', x.alerted_agency_ids, 'createdAt', x.created_at, 'acknowledgedAt', x.acknowledged_at)::text)
    FROM contact_escalations x JOIN contacts c ON c.id = x.contact_id WHERE x.id = ${escalationId}`.execute(tx);
}
