import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { AccessGrantsTable } from '../db/types.ts';
import { sealField } from '../crypto/record-keys.ts';
import type { GrantFacts, RecordFacts, ResourceDef } from './policy.ts';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `cases.ownerAgencyId` -> `cases`: the alias the resource's column references use. */
const aliasOf = (ref: string) => ref.slice(0, ref.lastIndexOf('.'));

/**
 * What `decide` needs to know about one record: its owners, whether an order ended access to it, and
 * every grant on it (active or not; `decide` judges them against its own `now`). Undefined when there
 * is no such record, including when `id` is not a uuid, so a malformed id reads like a missing one.
 */
export async function loadRecordFacts(
  db: DbOrTx,
  res: ResourceDef,
  id: string,
): Promise<RecordFacts | undefined> {
  if (!UUID.test(id)) return undefined;
  // The table under the alias its column references (and its `accessEnded` condition) use.
  const { rows } = await sql<{ ownerUserId: string | null; ownerAgencyId: string; accessEnded: boolean }>`
    SELECT ${sql.ref(res.ownerUserColumn)} AS ${sql.id('ownerUserId')},
           ${sql.ref(res.ownerAgencyColumn)} AS ${sql.id('ownerAgencyId')},
           ${res.accessEnded ?? sql`false`} AS ${sql.id('accessEnded')}
    FROM ${sql.table(res.table)} AS ${sql.table(aliasOf(res.idColumn))} WHERE ${sql.ref(res.idColumn)} = ${id}`.execute(db);
  const owner = rows[0];
  if (!owner) return undefined;
  const grants: GrantFacts[] = await grantsQuery(db, res, id).execute();
  return { ownerUserId: owner.ownerUserId, ownerAgencyId: owner.ownerAgencyId, grants, accessEnded: owner.accessEnded };
}

/** Every grant on one record, as `decide` takes them. */
export const grantsQuery = (db: DbOrTx, res: ResourceDef, id: string) =>
  db
    .selectFrom('accessGrants')
    .select(['granteeAgencyId', 'granteeUserId', 'sections', 'createdAt', 'expiresAt', 'revokedAt'])
    .where('recordType', '=', res.recordType)
    .where('recordId', '=', id);

export type NewGrant = {
  recordType: string;
  recordId: string;
  granteeAgencyId: string | null;
  granteeUserId: string | null;
  sections: readonly string[];
  kind: AccessGrantsTable['kind'];
  /** Free text: stored sealed (`access_grants.reason_enc`, bound to the grant's id; docs/nrm.md "Identity at rest"). */
  reason: string | null;
  grantedBy: string | null;
  /** Hours from the database's `now()`, so start and end of the grant come from one clock; null for no end. */
  hours: number | null;
};

export async function insertGrant(
  db: DbOrTx,
  g: NewGrant,
): Promise<{ id: string; createdAt: Date; expiresAt: Date | null }> {
  const id = crypto.randomUUID();
  return db
    .insertInto('accessGrants')
    .values({
      id,
      recordType: g.recordType,
      recordId: g.recordId,
      granteeAgencyId: g.granteeAgencyId,
      granteeUserId: g.granteeUserId,
      sections: [...g.sections],
      kind: g.kind,
      reasonEnc: sealField('access_grants', 'reason', id, g.reason),
      grantedBy: g.grantedBy,
      expiresAt: g.hours === null ? null : sql<Date>`now() + make_interval(secs => ${g.hours * 3600})`,
    })
    .returning(['id', 'createdAt', 'expiresAt'])
    .executeTakeFirstOrThrow();
}

/** Marks a grant revoked; answers the grant as it now stands, or undefined when there is none. */
export async function markGrantRevoked(db: DbOrTx, id: string) {
  if (!UUID.test(id)) return undefined;
  const updated = await db
    .updateTable('accessGrants')
    .set({ revokedAt: sql<Date>`now()` })
    .where('id', '=', id)
    .where('revokedAt', 'is', null)
    .returning(['id', 'recordType', 'recordId', 'revokedAt'])
    .executeTakeFirst();
  if (updated) return { ...updated, changed: true as const };
  const existing = await db
    .selectFrom('accessGrants')
    .select(['id', 'recordType', 'recordId', 'revokedAt'])
    .where('id', '=', id)
    .executeTakeFirst();
  return existing ? { ...existing, changed: false as const } : undefined;
}
