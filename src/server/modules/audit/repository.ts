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

/**
 * What an auditor reads instead of ids: the acting user's agency, and the record's name where a name
 * identifies no victim: a case's number (for a referral, its case's), a staff member's, agency's,
 * provider's, outlet's, sign-in provider's or token's name, a contact's channel and time. A person
 * record, a journalist, an incident (titles name journalists) and anything else get no name: the
 * screen shows what kind of record it is.
 */
export type RecordName = { name: string | null; channel?: string; receivedAt?: string };

const NAMED = ['case', 'referral', 'user', 'agency', 'provider', 'press_outlet', 'identity_provider', 'api_token', 'contact'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function recordNames(db: DbOrTx, rows: ReadonlyArray<{ recordType: string | null; recordId: string | null; actorAgencyId: string | null }>) {
  const ids = new Map<string, Set<string>>(NAMED.map((t) => [t, new Set<string>()]));
  const agencyIds = new Set<string>();
  for (const r of rows) {
    if (r.actorAgencyId) agencyIds.add(r.actorAgencyId);
    if (r.recordType && r.recordId && UUID.test(r.recordId)) ids.get(r.recordType)?.add(r.recordId);
  }
  const list = (t: (typeof NAMED)[number]) => [...ids.get(t)!];
  const named = new Map<string, RecordName>();
  const put = (type: string, found: { id: string; name: string | null }[]) => {
    for (const f of found) named.set(`${type}:${f.id}`, { name: f.name });
  };
  const all = [...agencyIds, ...list('agency')];
  const run = async <T>(want: string[], q: () => Promise<T[]>): Promise<T[]> => (want.length ? q() : []);
  const [cases, referrals, users, agencies, providers, outlets, idps, tokens, contacts] = await Promise.all([
    run(list('case'), () => db.selectFrom('cases').select(['id', 'caseNumber as name']).where('id', 'in', list('case')).execute()),
    run(list('referral'), () => db.selectFrom('referrals as r').innerJoin('cases as c', 'c.id', 'r.caseId').select(['r.id', 'c.caseNumber as name']).where('r.id', 'in', list('referral')).execute()),
    run(list('user'), () => db.selectFrom('users').select(['id', 'name']).where('id', 'in', list('user')).execute()),
    run(all, () => db.selectFrom('agencies').select(['id', 'name']).where('id', 'in', all).execute()),
    run(list('provider'), () => db.selectFrom('providers').select(['id', 'name']).where('id', 'in', list('provider')).execute()),
    run(list('press_outlet'), () => db.selectFrom('pressOutlets').select(['id', 'name']).where('id', 'in', list('press_outlet')).execute()),
    run(list('identity_provider'), () => db.selectFrom('identityProviders').select(['id', 'name']).where('id', 'in', list('identity_provider')).execute()),
    run(list('api_token'), () => db.selectFrom('apiTokens').select(['id', 'name']).where('id', 'in', list('api_token')).execute()),
    run(list('contact'), () => db.selectFrom('contacts').select(['id', 'channel', 'receivedAt']).where('id', 'in', list('contact')).execute()),
  ]);
  put('case', cases);
  put('referral', referrals);
  put('user', users);
  put('agency', agencies);
  put('provider', providers);
  put('press_outlet', outlets);
  put('identity_provider', idps);
  put('api_token', tokens);
  for (const c of contacts) named.set(`contact:${c.id}`, { name: null, channel: c.channel, receivedAt: c.receivedAt.toISOString() });
  const agencyName = new Map(agencies.map((a) => [a.id, a.name]));
  return {
    record: (type: string | null, id: string | null): RecordName | null => (type && id ? (named.get(`${type}:${id}`) ?? null) : null),
    agency: (id: string | null) => (id ? (agencyName.get(id) ?? null) : null),
  };
}
