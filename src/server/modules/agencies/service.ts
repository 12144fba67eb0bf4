import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/database.ts';
import { auditedTransaction, diff, type AuditActor } from '../../audit/audit.ts';
import { conflict, notFound } from '../../errors.ts';
import { isUniqueViolation, type Cursor } from '../../db/pagination.ts';
import type { AgencyType } from '../../../shared/roles.ts';

const agencyColumns = (db: DbOrTx) =>
  db
    .selectFrom('agencies as a')
    .select([
      'a.id',
      'a.name',
      'a.shortName',
      'a.type',
      'a.region',
      'a.isDemo',
      'a.createdAt',
      sql<boolean>`a.disabled_at IS NOT NULL`.as('disabled'),
      sql<number>`(SELECT count(*)::int FROM users u WHERE u.agency_id = a.id)`.as('userCount'),
    ]);

type AgencyRow = NonNullable<Awaited<ReturnType<typeof findAgency>>>;
export const findAgency = (db: DbOrTx, id: string) => agencyColumns(db).where('a.id', '=', id).executeTakeFirst();

export const toAgencyView = (a: AgencyRow) => ({ ...a, type: a.type as AgencyType, createdAt: a.createdAt.toISOString() });

export function listAgencies(db: DbOrTx, f: { q?: string | undefined; type?: AgencyType | undefined; cursor?: Cursor | undefined; limit: number }) {
  let q = agencyColumns(db);
  if (f.q) q = q.where('a.name', 'ilike', `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.type) q = q.where('a.type', '=', f.type);
  if (f.cursor) {
    const c = f.cursor;
    q = q.where((eb) => eb.or([eb('a.createdAt', '>', c.createdAt), eb.and([eb('a.createdAt', '=', c.createdAt), eb('a.id', '>', c.id)])]));
  }
  return q.orderBy('a.createdAt').orderBy('a.id').limit(f.limit + 1).execute();
}

export type AgencyInput = { name: string; shortName?: string | null | undefined; type: AgencyType; region?: string | null | undefined; isDemo?: boolean };

const nameTaken = (e: unknown) => (isUniqueViolation(e) ? conflict('agency_name_taken', 'An agency with this name exists', { name: 'already in use' }) : e);

export async function createAgency(db: Db, actor: AuditActor, input: AgencyInput) {
  return auditedTransaction(db, actor, async (tx) => {
    const row = await tx
      .insertInto('agencies')
      .values({ name: input.name, shortName: input.shortName ?? null, type: input.type, region: input.region ?? null, isDemo: input.isDemo ?? false })
      .returning('id')
      .executeTakeFirstOrThrow()
      .catch((e: unknown) => {
        throw nameTaken(e);
      });
    const a = (await findAgency(tx, row.id))!;
    return { result: toAgencyView(a), audit: { action: 'agency.created', recordType: 'agency', recordId: a.id, changes: diff(null, { name: a.name, shortName: a.shortName, type: a.type, region: a.region }) } };
  });
}

export async function updateAgency(db: Db, actor: AuditActor, id: string, patch: Partial<AgencyInput> & { disabled?: boolean | undefined }) {
  return auditedTransaction(db, actor, async (tx) => {
    const before = await findAgency(tx, id);
    if (!before) throw notFound('Agency');
    const set: Record<string, unknown> = { updatedAt: new Date() };
    for (const k of ['name', 'shortName', 'type', 'region'] as const) if (patch[k] !== undefined) set[k] = patch[k];
    if (patch.disabled !== undefined) set.disabledAt = patch.disabled ? (before.disabled ? undefined : new Date()) : null;
    await tx.updateTable('agencies').set(set).where('id', '=', id).execute().catch((e: unknown) => {
      throw nameTaken(e);
    });
    const after = (await findAgency(tx, id))!;
    const pick = (a: AgencyRow) => ({ name: a.name, shortName: a.shortName, type: a.type, region: a.region, disabled: a.disabled });
    return { result: toAgencyView(after), audit: { action: 'agency.updated', recordType: 'agency', recordId: id, changes: diff(pick(before), pick(after)) } };
  });
}
