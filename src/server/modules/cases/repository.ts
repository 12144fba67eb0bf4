import { sql } from 'kysely';
import type { DbOrTx, Tx } from '../../db/database.ts';
import type { Cursor } from '../../db/pagination.ts';
import { visibleFilter } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import type { CaseStatus, ExploitationForm, VictimStatus } from '../../../shared/nrm.ts';
import { CASES } from './policy.ts';

const caseColumns = [
  'c.id', 'c.caseNumber', 'c.ownerAgencyId', 'c.ownerUserId', 'c.status', 'c.closureReason', 'c.victimStatus', 'c.narrative',
  'c.region', 'c.country', 'c.exploitationForms', 'c.sexExploitationTypes', 'c.controlMethods', 'c.recruitmentMethods',
  'c.recruitmentApps', 'c.industry', 'c.sourceContactId', 'c.accessEndedAt', 'c.accessEndAuthority', 'c.accessEndReference', 'c.accessEndOrderedOn', 'c.openedAt', 'c.closedAt', 'c.createdBy', 'c.createdAt', 'c.updatedAt',
  'a.name as ownerAgencyName',
] as const;

/** The case row with its owning agency's name; no access check (the caller decides first). */
export const findCaseQuery = (db: DbOrTx, id: string) =>
  db.selectFrom('cases as c').innerJoin('agencies as a', 'a.id', 'c.ownerAgencyId').select(caseColumns).where('c.id', '=', id);
export const findCase = (db: DbOrTx, id: string) => findCaseQuery(db, id).executeTakeFirst();
export type CaseRow = NonNullable<Awaited<ReturnType<typeof findCase>>>;

/** Locks the case row for a write; the caller decides with the facts it then loads. */
export const lockCase = (tx: Tx, id: string) =>
  tx.selectFrom('cases').select(['id', 'status', 'ownerAgencyId', 'ownerUserId']).where('id', '=', id).forUpdate().executeTakeFirst();

export type NewCase = {
  ownerAgencyId: string;
  ownerUserId: string | null;
  createdBy: string;
  region: string | null;
  country: string | null;
  exploitationForms: string[];
  sexExploitationTypes: string[];
  controlMethods: string[];
  recruitmentMethods: string[];
  recruitmentApps: string[];
  industry: string | null;
  narrative: string | null;
  sourceContactId: string | null;
};

/** Inserts a case; its number is NRM-<year in Baku>-<sequence>, never reused. */
export async function insertCase(tx: Tx, c: NewCase) {
  return tx
    .insertInto('cases')
    .values({
      ...c,
      caseNumber: sql<string>`'NRM-' || to_char(now() AT TIME ZONE 'Asia/Baku', 'YYYY') || '-' || lpad(nextval('case_number_seq')::text, 6, '0')`,
    })
    .returning(['id', 'caseNumber'])
    .executeTakeFirstOrThrow();
}

export type CaseFilters = {
  status?: CaseStatus[] | undefined;
  victimStatus?: VictimStatus[] | undefined;
  exploitation?: ExploitationForm[] | undefined;
  region?: string | undefined;
  ownerAgencyId?: string | undefined;
  mine?: boolean | undefined;
  contactId?: string | undefined;
  number?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: Cursor | undefined;
  limit: number;
};

/** The cases the principal may read, newest first, keyset on (created_at, id). */
export function listCases(db: DbOrTx, p: Principal, f: CaseFilters) {
  let q = db.selectFrom('cases as c').innerJoin('agencies as a', 'a.id', 'c.ownerAgencyId').select(caseColumns).where(visibleFilter(p, 'read', CASES));
  // A record whose access an order ended is listed only to those who may still open it.
  const restricted = p.permissions.has('cases:read_restricted');
  q = restricted
    ? q.where((eb) => eb.or([eb('c.accessEndedAt', 'is', null), ...(p.permissions.has('audit:read') ? [eb.lit(true)] : [eb('c.ownerAgencyId', '=', p.agencyId)])]))
    : q.where('c.accessEndedAt', 'is', null);
  if (f.status?.length) q = q.where('c.status', 'in', f.status);
  if (f.victimStatus?.length) q = q.where('c.victimStatus', 'in', f.victimStatus);
  if (f.exploitation?.length) q = q.where(sql<boolean>`c.exploitation_forms && ${sql.val(f.exploitation)}::text[]`);
  if (f.region) q = q.where('c.region', '=', f.region);
  if (f.ownerAgencyId) q = q.where('c.ownerAgencyId', '=', f.ownerAgencyId);
  if (f.mine) q = q.where('c.ownerUserId', '=', p.userId);
  if (f.contactId) {
    const contactId = f.contactId;
    q = q.where((eb) => eb.exists(eb.selectFrom('caseContacts as cc').select('cc.caseId').whereRef('cc.caseId', '=', 'c.id').where('cc.contactId', '=', contactId)));
  }
  if (f.number) q = q.where('c.caseNumber', 'like', `${f.number.toUpperCase().replace(/[%_\\]/g, '')}%`);
  if (f.from) q = q.where('c.createdAt', '>=', new Date(f.from));
  if (f.to) q = q.where('c.createdAt', '<', new Date(f.to));
  if (f.cursor) {
    const c = f.cursor;
    q = q.where((eb) => eb.or([eb('c.createdAt', '<', c.createdAt), eb.and([eb('c.createdAt', '=', c.createdAt), eb('c.id', '<', c.id)])]));
  }
  return q.orderBy('c.createdAt', 'desc').orderBy('c.id', 'desc').limit(f.limit + 1).execute();
}

export const caseContactsQuery = (db: DbOrTx, caseId: string) =>
  db
    .selectFrom('caseContacts as cc')
    .innerJoin('contacts as k', 'k.id', 'cc.contactId')
    .select(['cc.contactId', 'k.channel', 'k.receivedAt', 'cc.linkedBy', 'cc.linkedAt'])
    .where('cc.caseId', '=', caseId)
    .orderBy('k.receivedAt');
export const listCaseContacts = (db: DbOrTx, caseId: string) => caseContactsQuery(db, caseId).execute();

export const eventsQuery = (db: DbOrTx, caseId: string) =>
  db.selectFrom('caseEvents').selectAll().where('caseId', '=', caseId).orderBy(sql`occurred_on NULLS LAST`).orderBy('createdAt');
export const listEvents = (db: DbOrTx, caseId: string) => eventsQuery(db, caseId).execute();
export type EventRow = Awaited<ReturnType<typeof listEvents>>[number];

export const screeningsQuery = (db: DbOrTx, caseId: string) =>
  db.selectFrom('caseScreenings').selectAll().where('caseId', '=', caseId).orderBy('screenedAt').orderBy('id');
export const listScreenings = (db: DbOrTx, caseId: string) => screeningsQuery(db, caseId).execute();
export type CaseScreeningRow = Awaited<ReturnType<typeof listScreenings>>[number];

export const notesQuery = (db: DbOrTx, caseId: string) =>
  db
    .selectFrom('caseNotes as n')
    .innerJoin('users as u', 'u.id', 'n.createdBy')
    .select(['n.id', 'n.body', 'n.createdBy', 'u.name as createdByName', 'n.createdAt'])
    .where('n.caseId', '=', caseId)
    .orderBy('n.createdAt');
export const listNotes = (db: DbOrTx, caseId: string) => notesQuery(db, caseId).execute();

/** The case's history from the audit log: every write that named it (reads are left out). */
export const timeline = (db: DbOrTx, caseId: string, limit = 500) => timelineQuery(db, caseId, limit).execute();
export const timelineQuery = (db: DbOrTx, caseId: string, limit = 500) =>
  db
    .selectFrom('auditLog as l')
    .leftJoin('users as u', 'u.id', 'l.actorUserId')
    .leftJoin('agencies as a', 'a.id', 'l.actorAgencyId')
    .select(['l.seq', 'l.at', 'l.action', 'l.actorUserId', 'u.name as actorName', 'a.name as actorAgencyName', 'l.changes'])
    .where('l.recordType', '=', 'case')
    .where('l.recordId', '=', caseId)
    // A literal, not a parameter, so that the partial index of writes (0063) applies.
    .where(sql<boolean>`l.action NOT LIKE '%.read'`)
    .orderBy('l.seq')
    .limit(limit);
