import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db, DbOrTx } from '../../db/database.ts';
import { isInstant, type SortCursor } from '../../db/pagination.ts';
import { auditedTransaction, diff, type AuditActor } from '../../audit/audit.ts';
import { requirePermission } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest, forbidden, notFound } from '../../errors.ts';
import type { CapacityBody, CreateProviderBody, ProviderSearchQuery, ProviderSort, ProviderView, UpdateProviderBody } from '../../../shared/schemas/providers.ts';

const columns = [
  'v.id', 'v.agencyId', 'a.name as agencyName', 'v.name', 'v.serviceTypes', 'v.regions', 'v.languages', 'v.minAge', 'v.maxAge', 'v.sexesServed',
  'v.address', 'v.phone', 'v.description', 'v.capacityTotal', 'v.capacityFree', 'v.capacityUpdatedAt', 'v.active', 'v.createdAt', 'v.updatedAt',
] as const;

const select = (db: DbOrTx) => db.selectFrom('providers as v').innerJoin('agencies as a', 'a.id', 'v.agencyId').select(columns);
export const findProvider = (db: DbOrTx, id: string) => select(db).where('v.id', '=', id).executeTakeFirst();
type Row = NonNullable<Awaited<ReturnType<typeof findProvider>>>;

export const toProviderView = (r: Row): ProviderView => ({
  ...r,
  serviceTypes: r.serviceTypes as ProviderView['serviceTypes'],
  sexesServed: r.sexesServed as ProviderView['sexesServed'],
  capacityUpdatedAt: r.capacityUpdatedAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

type SearchFilters = Omit<z.infer<typeof ProviderSearchQuery>, 'cursor' | 'sort'> & { sort?: ProviderSort | undefined; cursor?: SortCursor | undefined };

/** The directory's order as an expression on `v`: unknown capacity sorts as -1 free place, so the keyset (value, id) has no nulls. */
function providerOrder(sort: ProviderSort) {
  const key = sort.replace(/^-/, '');
  const expr = key === 'name' ? sql`v.name` : key === 'free' ? sql`COALESCE(v.capacity_free, -1)` : sql`v.created_at`;
  const cast = key === 'name' ? sql`::text` : key === 'free' ? sql`::int` : sql`::timestamptz`;
  return { key, expr, cast, desc: sort.startsWith('-') };
}

/** The value a cursor carries for a listed provider in `sort`'s order. */
export function providerSortValue(sort: ProviderSort, row: { name: string; capacityFree: number | null; createdAt: Date }): string {
  const key = sort.replace(/^-/, '');
  return key === 'name' ? row.name : key === 'free' ? String(row.capacityFree ?? -1) : row.createdAt.toISOString();
}

/** Whether `value` fits a cursor of `sort`'s order. */
export function providerCursorValue(sort: ProviderSort, value: string): boolean {
  const key = sort.replace(/^-/, '');
  return key === 'name' ? value.length <= 200 : key === 'free' ? /^-?\d{1,9}$/.test(value) : isInstant(value);
}

/** The directory, newest first: by service type, region, language, age and sex served, free capacity. */
export function searchProviders(db: DbOrTx, f: SearchFilters) {
  let q = select(db);
  if (!f.includeInactive) q = q.where('v.active', '=', true);
  if (f.type) q = q.where(sql<boolean>`v.service_types @> ARRAY[${f.type}]::text[]`);
  // Whatever the case it is typed in (the directory is small: no index needed for this).
  if (f.region) q = q.where(sql<boolean>`EXISTS (SELECT 1 FROM unnest(v.regions) AS g (region) WHERE lower(g.region) = lower(${f.region}))`);
  if (f.language) q = q.where(sql<boolean>`v.languages @> ARRAY[${f.language}]::text[]`);
  if (f.sex) q = q.where(sql<boolean>`v.sexes_served @> ARRAY[${f.sex}]::text[]`);
  if (f.age !== undefined) q = q.where('v.minAge', '<=', f.age).where('v.maxAge', '>=', f.age);
  if (f.minFree !== undefined) q = q.where('v.capacityFree', '>=', f.minFree);
  if (f.agencyId) q = q.where('v.agencyId', '=', f.agencyId);
  if (f.q) q = q.where('v.name', 'ilike', `%${f.q.replace(/[%_\\]/g, '')}%`);
  const o = providerOrder(f.sort ?? '-created');
  if (f.cursor) {
    const { value, id } = f.cursor;
    q = q.where(sql<boolean>`(${o.expr}, v.id) ${sql.raw(o.desc ? '<' : '>')} (${value}${o.cast}, ${id}::uuid)`);
  }
  const dir = sql.raw(o.desc ? 'DESC' : 'ASC');
  return q.orderBy(sql`${o.expr} ${dir}`).orderBy(sql`v.id ${dir}`).limit(f.limit + 1).execute();
}

export async function createProvider(db: Db, p: Principal, actor: AuditActor, body: z.infer<typeof CreateProviderBody>) {
  requirePermission(p, 'providers:manage');
  return auditedTransaction(db, actor, async (tx) => {
    if (!(await tx.selectFrom('agencies').select('id').where('id', '=', body.agencyId).executeTakeFirst()))
      throw badRequest('validation_failed', 'No such agency', { agencyId: 'no such agency' });
    const row = await tx.insertInto('providers').values({ ...body }).returning('id').executeTakeFirstOrThrow();
    const view = toProviderView((await findProvider(tx, row.id))!);
    return { result: view, audit: { action: 'provider.created', recordType: 'provider', recordId: row.id, changes: { ...body } } };
  });
}

export async function updateProvider(db: Db, p: Principal, actor: AuditActor, id: string, body: z.infer<typeof UpdateProviderBody>) {
  requirePermission(p, 'providers:manage');
  if (Object.keys(body).length === 0) throw badRequest('validation_failed', 'Nothing to change', { body: 'no fields given' });
  return auditedTransaction(db, actor, async (tx) => {
    const before = await tx.selectFrom('providers').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw notFound('Provider');
    if ((body.minAge ?? before.minAge) > (body.maxAge ?? before.maxAge)) throw badRequest('validation_failed', 'The age range is upside down', { minAge: 'not above maxAge' });
    const total = body.capacityTotal !== undefined ? body.capacityTotal : before.capacityTotal;
    if (total !== null && before.capacityFree !== null && before.capacityFree > total)
      throw badRequest('validation_failed', 'Fewer places than are free now', { capacityTotal: `at least the ${before.capacityFree} free now` });
    await tx.updateTable('providers').set({ ...body, updatedAt: new Date() }).where('id', '=', id).execute();
    const after = (await findProvider(tx, id))!;
    const keys = Object.keys(body) as (keyof typeof body)[];
    const pick = (r: Record<string, unknown>) => Object.fromEntries(keys.map((k) => [k, r[k]]));
    return { result: toProviderView(after), audit: { action: 'provider.updated', recordType: 'provider', recordId: id, changes: diff(pick(before), pick(after)) } };
  });
}

/** Live capacity: only users of the provider's own agency (or the directory's keepers) say how many places are free. */
export async function updateCapacity(db: Db, p: Principal, actor: AuditActor, id: string, body: z.infer<typeof CapacityBody>) {
  return auditedTransaction(db, actor, async (tx) => {
    const before = await tx.selectFrom('providers').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw notFound('Provider');
    if (before.agencyId !== p.agencyId && !p.permissions.has('providers:manage')) throw forbidden('Only the provider\'s own staff update its capacity');
    const total = body.capacityTotal !== undefined ? body.capacityTotal : before.capacityTotal;
    if (total !== null && body.capacityFree > total) throw badRequest('validation_failed', 'More free places than places', { capacityFree: `at most ${total}` });
    const now = new Date();
    await tx.updateTable('providers').set({ capacityFree: body.capacityFree, capacityTotal: total, capacityUpdatedAt: now, capacityUpdatedBy: p.userId, updatedAt: now }).where('id', '=', id).execute();
    return {
      result: toProviderView((await findProvider(tx, id))!),
      audit: { action: 'provider.capacity_updated', recordType: 'provider', recordId: id, changes: diff({ capacityFree: before.capacityFree, capacityTotal: before.capacityTotal }, { capacityFree: body.capacityFree, capacityTotal: total }) },
    };
  });
}
