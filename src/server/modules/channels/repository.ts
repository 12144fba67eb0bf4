import type { DbOrTx, Tx } from '../../db/database.ts';
import type { HotlineSettingsTable } from '../../db/types.ts';
import type { Updateable } from 'kysely';

/** The one row of settings (made by migration 0103). */
export const readSettings = (db: DbOrTx) => db.selectFrom('hotlineSettings').selectAll().where('id', '=', true).executeTakeFirstOrThrow();

export const lockSettings = (tx: Tx) => tx.selectFrom('hotlineSettings').selectAll().where('id', '=', true).forUpdate().executeTakeFirstOrThrow();

export async function writeSettings(tx: Tx, set: Updateable<HotlineSettingsTable>, by: string | null): Promise<void> {
  await tx.updateTable('hotlineSettings').set({ ...set, updatedBy: by, updatedAt: new Date() }).where('id', '=', true).execute();
}

export const findAgency = (db: DbOrTx, id: string) => db.selectFrom('agencies').select(['id', 'name', 'disabledAt']).where('id', '=', id).executeTakeFirst();

/** When the last event of a source arrived (test contacts have a source of their own and are not counted). */
export async function lastInbound(db: DbOrTx, source: 'twilio_call' | 'twilio_message' | 'telegram' | 'webhook' | 'public_report', channel?: string): Promise<Date | null> {
  let q = db.selectFrom('contactInboundEvents as e').select('e.receivedAt').where('e.source', '=', source);
  if (channel) q = q.innerJoin('contacts as c', 'c.id', 'e.contactId').where('c.channel', '=', channel);
  const row = await q.orderBy('e.receivedAt', 'desc').limit(1).executeTakeFirst();
  return row?.receivedAt ?? null;
}

export async function markTest(tx: Tx, contactId: string): Promise<void> {
  await tx.updateTable('contacts').set({ isTest: true }).where('id', '=', contactId).execute();
}
