import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';

export type AuditFilters = {
  actorUserId?: string | undefined;
  action?: string | undefined;
  recordType?: string | undefined;
  recordId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  flagged?: boolean | undefined;
  before?: string | undefined;
  /**
   * The keyed hashes of a name's keys (`searchedName`): entries of searches whose every key is one
   * of these, i.e. searches that could have been for a person of this name.
   */
  nameKeyHashes?: string[] | undefined;
  limit: number;
};

export function searchAudit(db: DbOrTx, f: AuditFilters) {
  let q = db
    .selectFrom('auditLog as l')
    .leftJoin('users as u', 'u.id', 'l.actorUserId')
    .select([
      'l.seq', 'l.at', 'l.actorUserId', 'u.name as actorName', 'l.actorAgencyId', 'l.via', 'l.tokenId', 'l.action',
      'l.recordType', 'l.recordId', 'l.changes', 'l.purpose', 'l.requestId', 'l.ip', 'l.flagged', 'l.hash',
    ]);
  if (f.actorUserId) q = q.where('l.actorUserId', '=', f.actorUserId);
  if (f.action) q = f.action.endsWith('.') ? q.where('l.action', 'like', `${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : q.where('l.action', '=', f.action);
  if (f.recordType) q = q.where('l.recordType', '=', f.recordType);
  if (f.recordId) q = q.where('l.recordId', '=', f.recordId);
  if (f.from) q = q.where('l.at', '>=', new Date(f.from));
  if (f.to) q = q.where('l.at', '<', new Date(f.to));
  if (f.flagged !== undefined) q = q.where('l.flagged', '=', f.flagged);
  if (f.before) q = q.where('l.seq', '<', f.before);
  if (f.nameKeyHashes) {
    const typed = f.nameKeyHashes;
    // `?|` finds candidates through the index; `<@` keeps those whose keys are all among the typed ones.
    q = q
      .where(sql<boolean>`l.changes ? 'nameKeyHashes'`)
      .where(sql<boolean>`l.changes -> 'nameKeyHashes' ?| ${sql.val(typed)}::text[]`)
      .where(sql<boolean>`l.changes -> 'nameKeyHashes' <@ ${JSON.stringify(typed)}::jsonb`);
  }
  return q.orderBy('l.seq', 'desc').limit(f.limit).execute();
}
