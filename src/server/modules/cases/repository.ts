import crypto from 'node:crypto';
import { openField, sealField } from '../../crypto/record-keys.ts';
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx, Tx } from '../../db/database.ts';
import type { SortCursor } from '../../db/pagination.ts';
import { scopesFor, visibleFilter } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import type { CaseStatus, ExploitationForm, VictimStatus } from '../../../shared/nrm.ts';
import type { CaseSort } from '../../../shared/schemas/cases.ts';
import { CASES } from './policy.ts';

const caseColumns = [
  'c.id', 'c.caseNumber', 'c.ownerAgencyId', 'c.ownerUserId', 'c.status', 'c.closureReasonEnc', 'c.victimStatus', 'c.narrativeEnc',
  'c.region', 'c.country', 'c.exploitationForms', 'c.sexExploitationTypes', 'c.controlMethods', 'c.recruitmentMethods',
  'c.recruitmentApps', 'c.industry', 'c.sourceContactId', 'c.accessEndedAt', 'c.accessEndAuthority', 'c.accessEndReferenceEnc', 'c.accessEndOrderedOn', 'c.openedAt', 'c.closedAt', 'c.createdBy', 'c.createdAt', 'c.updatedAt',
  'a.name as ownerAgencyName',
] as const;

/** The case row with its owning agency's name; no access check (the caller decides first). */
export const findCaseQuery = (db: DbOrTx, id: string) =>
  db.selectFrom('cases as c').innerJoin('agencies as a', 'a.id', 'c.ownerAgencyId').select(caseColumns).where('c.id', '=', id);
/**
 * A case row with its narrative, closure reason and the reference of an order ending access opened
 * (sealed at rest, docs/nrm.md "Identity at rest").
 */
export function openCase<R extends { id: string; narrativeEnc: Buffer | null; closureReasonEnc: Buffer | null; accessEndReferenceEnc: Buffer | null }>(
  row: R,
): Omit<R, 'narrativeEnc' | 'closureReasonEnc' | 'accessEndReferenceEnc'> & { narrative: string | null; closureReason: string | null; accessEndReference: string | null } {
  const { narrativeEnc, closureReasonEnc, accessEndReferenceEnc, ...rest } = row;
  return {
    ...rest,
    narrative: openField('cases', 'narrative', row.id, narrativeEnc),
    closureReason: openField('cases', 'closure_reason', row.id, closureReasonEnc),
    accessEndReference: openField('cases', 'access_end_reference', row.id, accessEndReferenceEnc),
  };
}

/** The `set` of a case update with its plain narrative and closure reason, if any, sealed. */
export function sealCaseSet(id: string, set: Record<string, unknown>): Record<string, unknown> {
  const { narrative, closureReason, ...rest } = set;
  return {
    ...rest,
    ...('narrative' in set ? { narrativeEnc: sealField('cases', 'narrative', id, (narrative as string | null) ?? null) } : {}),
    ...('closureReason' in set ? { closureReasonEnc: sealField('cases', 'closure_reason', id, (closureReason as string | null) ?? null) } : {}),
  };
}

export const findCase = async (db: DbOrTx, id: string) => {
  const row = await findCaseQuery(db, id).executeTakeFirst();
  return row && openCase(row);
};
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
  const { narrative, ...rest } = c;
  const id = crypto.randomUUID();
  return tx
    .insertInto('cases')
    .values({
      ...rest,
      id,
      narrativeEnc: sealField('cases', 'narrative', id, narrative),
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
  /** Cases with a victim whose names carry all these blind-index tokens (a name search); read only where the user sees the case's people. */
  victimKeys?: string[] | undefined;
  /** Created (entered in Pathway) at or after `from` and before `to`. */
  from?: string | undefined;
  to?: string | undefined;
  /** Opened at or after `openedFrom` and before `openedTo`: the case's own date, which may precede its entry. */
  openedFrom?: string | undefined;
  openedTo?: string | undefined;
  /** The order; `-created` (newest entered first) when not given. */
  sort?: CaseSort | undefined;
  /** A cursor of the same order (the route refuses another). */
  cursor?: SortCursor | undefined;
  limit: number;
};

/** A case list order: the column (as the list's tables both name it) and its direction; the id breaks ties the same way. */
type Order = { column: 'createdAt' | 'openedAt' | 'caseNumber'; desc: boolean; time: boolean };
const ORDER_COLUMNS = { created: 'createdAt', opened: 'openedAt', number: 'caseNumber' } as const;
export function caseOrder(sort: CaseSort = '-created'): Order {
  const column = ORDER_COLUMNS[sort.replace(/^-/, '') as keyof typeof ORDER_COLUMNS];
  return { column, desc: sort.startsWith('-'), time: column !== 'caseNumber' };
}
/** The value a cursor carries for a listed row in `sort`'s order. */
export const sortValue = (sort: CaseSort, row: { createdAt: Date; openedAt: Date; caseNumber: string }): Date | string => row[caseOrder(sort).column];

/**
 * The list's filters as conditions on a table aliased `t` that has the case's listed columns: the
 * cases themselves (`c`) or the access index (`l`, migration 0085), whose rows carry them.
 */
function listConditions(t: 'c' | 'l', p: Principal, f: CaseFilters): RawBuilder<boolean>[] {
  const col = (name: string) => sql.ref(`${t}.${name}`);
  const out = endedCondition(t, p);
  if (f.status?.length) out.push(sql<boolean>`${col('status')} = ANY (${sql.val(f.status)}::text[])`);
  if (f.victimStatus?.length) out.push(sql<boolean>`${col('victimStatus')} = ANY (${sql.val(f.victimStatus)}::text[])`);
  if (f.exploitation?.length) out.push(sql<boolean>`${col('exploitationForms')} && ${sql.val(f.exploitation)}::text[]`);
  if (f.region) out.push(sql<boolean>`${col('region')} = ${f.region}`);
  if (f.ownerAgencyId) out.push(sql<boolean>`${col('ownerAgencyId')} = ${f.ownerAgencyId}`);
  if (f.mine) out.push(sql<boolean>`${col('ownerUserId')} = ${p.userId}`);
  if (f.number) out.push(numberCondition(col('caseNumber'), f.number));
  if (f.from) out.push(sql<boolean>`${col('createdAt')} >= ${new Date(f.from)}`);
  if (f.to) out.push(sql<boolean>`${col('createdAt')} < ${new Date(f.to)}`);
  if (f.openedFrom) out.push(sql<boolean>`${col('openedAt')} >= ${new Date(f.openedFrom)}`);
  if (f.openedTo) out.push(sql<boolean>`${col('openedAt')} < ${new Date(f.openedTo)}`);
  if (f.cursor) {
    // After the cursor's row in the list's order: a row comparison, which the order's index answers.
    const { value, id } = f.cursor;
    const o = caseOrder(f.sort);
    const idCol = t === 'c' ? sql.ref('c.id') : sql.ref('l.caseId');
    const typed = o.time ? sql`${value}::timestamptz` : sql`${value}::text`;
    out.push(sql<boolean>`(${col(o.column)}, ${idCol}) ${sql.raw(o.desc ? '<' : '>')} (${typed}, ${id}::uuid)`);
  }
  return out;
}

/**
 * A case number as people type it (issue 15): "2" and "000002" are the number without its prefix
 * (any year: one index look-up per year since 2000), "NRM-2026-2" the whole number without its
 * zeros; anything else is the beginning of a number, as before ("NRM-2026-0001").
 */
export function numberCondition(column: RawBuilder<unknown>, typed: string): RawBuilder<boolean> {
  const upper = typed.toUpperCase();
  const prefix = sql<boolean>`${column} LIKE ${`${upper.replace(/[%_\\]/g, '')}%`}`;
  const pad = (digits: string) => digits.replace(/^0+(?=\d)/, '').padStart(6, '0');
  const bare = /^\d+$/.exec(upper);
  if (bare) {
    const last = new Date().getUTCFullYear() + 1;
    const numbers = Array.from({ length: last - 1999 }, (_, k) => `NRM-${2000 + k}-${pad(upper)}`);
    return sql<boolean>`${column} = ANY (${sql.val(numbers)}::text[])`;
  }
  const full = /^NRM-?(\d{4})-?(\d+)$/.exec(upper);
  if (full) return sql<boolean>`(${column} = ${`NRM-${full[1]}-${pad(full[2]!)}`} OR ${prefix})`;
  return prefix;
}

/** A record whose access an order ended is listed only to those who may still open it. */
function endedCondition(t: 'c' | 'l', p: Principal): RawBuilder<boolean>[] {
  const ended = t === 'c' ? sql`c.access_ended_at IS NOT NULL` : sql`l.access_ended`;
  if (!p.permissions.has('cases:read_restricted')) return [sql<boolean>`NOT (${ended})`];
  if (!p.permissions.has('audit:read')) return [sql<boolean>`(NOT (${ended}) OR ${sql.ref(`${t}.ownerAgencyId`)} = ${p.agencyId})`];
  return [];
}

const all = (conds: RawBuilder<boolean>[]) => (conds.length ? sql<boolean>`(${sql.join(conds, sql` AND `)})` : sql<boolean>`true`);

/**
 * The cases the principal may read in the order asked (newest entered first unless `sort` says
 * otherwise), keyset on (the order's column, id).
 *
 * A user who may read every case, or who asks for the cases of one contact, is served from the cases
 * table directly. Anyone else sees the cases of their agency, their own, and those granted to their
 * agency or to them: each of those ways in is read separately, in order and at most a page long
 * (the agency's through the access index `case_listing`, whose rows carry the filtered columns so
 * a page is an index-only scan; the user's own and the user's grants through their own indexes),
 * and the page is the first of their union in that order. Every row still passes `visibleFilter`, the exact rule,
 * and the rule of orders ending access, both on the case row (the index copy of the flag only narrows
 * the scan): the index decides where to look, never who may see what.
 */
export async function listCases(db: DbOrTx, p: Principal, f: CaseFilters) {
  const q = listQuery(db, p, f);
  if (!q) return [];
  return (await q.select(caseColumns).execute()).map(openCase);
}

/** The columns a list row shows (and its cursor's): no sealed text to open, nothing the list does not answer. */
const caseListColumns = [
  'c.id', 'c.caseNumber', 'c.ownerAgencyId', 'c.ownerUserId', 'c.status', 'c.victimStatus', 'c.region', 'c.country', 'c.exploitationForms',
  'c.openedAt', 'c.closedAt', 'c.createdAt', 'c.updatedAt', 'a.name as ownerAgencyName',
] as const;
export type CaseListRow = Pick<CaseRow, 'id' | 'caseNumber' | 'ownerAgencyId' | 'ownerUserId' | 'status' | 'victimStatus' | 'region' | 'country' | 'exploitationForms' | 'openedAt' | 'closedAt' | 'createdAt' | 'updatedAt' | 'ownerAgencyName'>;

/**
 * The same rows as `listCases` (the same filter, order and access rule), with only the columns the
 * case list shows: the list reads and opens no narrative, closure reason or order reference.
 */
export async function listCaseRows(db: DbOrTx, p: Principal, f: CaseFilters): Promise<CaseListRow[]> {
  const q = listQuery(db, p, f);
  return q ? q.select(caseListColumns).execute() : [];
}

/** The list's query without its columns: the page's rows in order, or null when the user has no way in. */
function listQuery(db: DbOrTx, p: Principal, f: CaseFilters) {
  const scopes = scopesFor(p, 'case', 'read');
  const o = caseOrder(f.sort);
  const dir = o.desc ? 'desc' : 'asc';
  const page = (q: ReturnType<typeof fromCases>) => q.orderBy(`c.${o.column}`, dir).orderBy('c.id', dir).limit(f.limit + 1);
  // Each branch in the list's order, the id breaking ties the same way, so that its index serves it.
  const orderBy = (t: 'c' | 'l') => {
    const d = sql.raw(o.desc ? 'DESC' : 'ASC');
    return sql`ORDER BY ${sql.ref(`${t}.${o.column}`)} ${d}, ${sql.ref(t === 'c' ? 'c.id' : 'l.caseId')} ${d}`;
  };
  if (f.victimKeys) {
    // A name search: the people whose names carry the keys (GIN index on people.name_keys), the cases
    // they are victims of, and of those only the ones whose people the user may see (a receiver
    // shown only the summary must not learn who the case is about).
    const tokens = f.victimKeys;
    const q = fromCases(db)
      .where(visibleFilter(p, 'read', CASES, undefined, { section: 'people' }))
      .where(all(listConditions('c', p, f)))
      .where(sql<boolean>`c.id IN (SELECT cp.case_id FROM people pe JOIN case_people cp ON cp.person_id = pe.id
        WHERE pe.name_keys @> ${sql.val(tokens)}::text[] AND pe.merged_into IS NULL AND cp.role = 'victim')`);
    return page(q);
  }
  if (scopes.has('all') || f.contactId) {
    let q = fromCases(db).where(visibleFilter(p, 'read', CASES)).where(all(listConditions('c', p, f)));
    if (f.contactId) {
      const contactId = f.contactId;
      q = q.where((eb) => eb.exists(eb.selectFrom('caseContacts as cc').select('cc.caseId').whereRef('cc.caseId', '=', 'c.id').where('cc.contactId', '=', contactId)));
    }
    return page(q);
  }
  const n = f.limit + 1;
  const branches: RawBuilder<unknown>[] = [];
  // "Mine" (the user is the case worker) is found by the user's own branch alone, whatever the role's scopes.
  if ((scopes.has('agency') || scopes.has('granted')) && !f.mine) {
    branches.push(sql`(SELECT l.case_id AS id FROM case_listing l JOIN cases c ON c.id = l.case_id
      WHERE l.agency_id = ${p.agencyId} AND ${all(listConditions('l', p, f))} AND ${visibleFilter(p, 'read', CASES, undefined, { probe: true })} AND ${all(endedCondition('c', p))}
      ${orderBy('l')} LIMIT ${n})`);
  }
  if (scopes.has('own') || scopes.has('agency') || f.mine) {
    branches.push(sql`(SELECT c.id FROM cases c
      WHERE c.owner_user_id = ${p.userId} AND ${all(listConditions('c', p, f))} AND ${visibleFilter(p, 'read', CASES)}
      ${orderBy('c')} LIMIT ${n})`);
  }
  // Grants to the user alone (break-glass) open a read whatever the role says.
  if (!f.mine) branches.push(sql`(SELECT c.id FROM cases c
    WHERE c.id IN (SELECT g.record_id FROM access_grants g WHERE g.grantee_user_id = ${p.userId} AND g.record_type = 'case' AND g.revoked_at IS NULL)
      AND ${all(listConditions('c', p, f))} AND ${visibleFilter(p, 'read', CASES)}
    ${orderBy('c')} LIMIT ${n})`);
  if (branches.length === 0) return null;
  const ids = sql<{ id: string }>`(${sql.join(branches, sql` UNION ALL `)})`;
  return page(fromCases(db).where(sql<boolean>`c.id IN (SELECT u.id FROM ${ids} u)`));
}

const fromCases = (db: DbOrTx) => db.selectFrom('cases as c').innerJoin('agencies as a', 'a.id', 'c.ownerAgencyId');

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

/** A trafficking event as read: its place and description opened (docs/nrm.md, "Identity at rest"). */
export function openEvent<R extends { id: string; placeEnc: Buffer | null; descriptionEnc: Buffer | null; cityEnc: Buffer | null }>(
  row: R,
): Omit<R, 'placeEnc' | 'descriptionEnc' | 'cityEnc'> & { place: string | null; description: string | null; city: string | null } {
  const { placeEnc, descriptionEnc, cityEnc, ...rest } = row;
  return {
    ...rest,
    city: openField('case_events', 'city', row.id, cityEnc),
    place: openField('case_events', 'place', row.id, placeEnc),
    description: openField('case_events', 'description', row.id, descriptionEnc),
  };
}

/** The columns of a trafficking event to write, its city, place and description sealed to `id`. */
export function sealEventColumns(id: string, set: Record<string, unknown>): Record<string, unknown> {
  const { city, place, description, ...rest } = set;
  return {
    ...rest,
    ...(city !== undefined ? { cityEnc: sealField('case_events', 'city', id, (city as string | null) ?? null) } : {}),
    ...(place !== undefined ? { placeEnc: sealField('case_events', 'place', id, (place as string | null) ?? null) } : {}),
    ...(description !== undefined ? { descriptionEnc: sealField('case_events', 'description', id, (description as string | null) ?? null) } : {}),
  };
}
export type EventRow = Awaited<ReturnType<typeof listEvents>>[number];

export const screeningsQuery = (db: DbOrTx, caseId: string) =>
  db.selectFrom('caseScreenings').selectAll().where('caseId', '=', caseId).orderBy('screenedAt').orderBy('id');
export const listScreenings = (db: DbOrTx, caseId: string) => screeningsQuery(db, caseId).execute();
export type CaseScreeningRow = Awaited<ReturnType<typeof listScreenings>>[number];

export const notesQuery = (db: DbOrTx, caseId: string) =>
  db
    .selectFrom('caseNotes as n')
    .innerJoin('users as u', 'u.id', 'n.createdBy')
    .select(['n.id', 'n.bodyEnc', 'n.createdBy', 'u.name as createdByName', 'n.createdAt'])
    .where('n.caseId', '=', caseId)
    .orderBy('n.createdAt');
export const listNotes = async (db: DbOrTx, caseId: string) => (await notesQuery(db, caseId).execute()).map(openNote);

/** A case note as read: its body opened (docs/nrm.md, "Identity at rest"). */
export function openNote<R extends { id: string; bodyEnc: Buffer | null }>(row: R): Omit<R, 'bodyEnc'> & { body: string } {
  const { bodyEnc, ...rest } = row;
  return { ...rest, body: openField('case_notes', 'body', row.id, bodyEnc) ?? '' };
}

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
