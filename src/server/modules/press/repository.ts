import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import { isInstant, type SortCursor } from '../../db/pagination.ts';
import type { IncidentSort, PublicListQuery } from '../../../shared/schemas/press.ts';
import type { DatePrecision } from '../../../shared/press.ts';
import { inTimelineOrder } from '../../../domain/press-dates.ts';

/** All SQL of the press-freedom tracker. */

export const PUBLIC_VERSION_KEY = 'press.public_version';

export const findIncident = (db: DbOrTx, id: string, visible: RawBuilder<boolean>) =>
  db.selectFrom('pressIncidents as pressIncidents').selectAll().where('id', '=', id).where(visible).executeTakeFirst();

export const findIncidentByRef = (db: DbOrTx, ref: string) => db.selectFrom('pressIncidents').selectAll().where('externalRef', '=', ref).executeTakeFirst();

export type IncidentRow = NonNullable<Awaited<ReturnType<typeof findIncidentByRef>>>;

async function personsById(db: DbOrTx, ids: string[]) {
  return new Map((await findPersons(db, ids)).map((p) => [p.id, p]));
}
export type PersonRow = Awaited<ReturnType<typeof findPersons>>[number];

export async function findPersons(db: DbOrTx, ids: string[]) {
  if (ids.length === 0) return [];
  const persons = await db.selectFrom('pressPersons').selectAll().where('id', 'in', ids).orderBy('name').orderBy('id').execute();
  const affs = await db
        .selectFrom('pressAffiliations as a')
        .innerJoin('pressOutlets as o', 'o.id', 'a.outletId')
        .select(['a.id', 'a.personId', 'a.outletId', 'o.name as outletName', 'a.role', 'a.employment', 'a.period', 'a.startedOn', 'a.startedPrecision', 'a.endedOn', 'a.endedPrecision'])
        .where('a.personId', 'in', ids)
        .orderBy(sql`a.started_on NULLS LAST`)
        .orderBy('o.name')
        .execute();
  return persons.map((p) => ({ ...p, affiliations: affs.filter((a) => a.personId === p.id) }));
}

/** The incident with everything recorded about it, for staff and for building the public snapshot. */
export async function loadAggregate(db: DbOrTx, incident: IncidentRow) {
  const id = incident.id;
  const [acts, involvements, sources, legalCases, milestones, stateRequests, links] = await Promise.all([
    db.selectFrom('pressActs').selectAll().where('incidentId', '=', id).orderBy('seq').execute(),
    db.selectFrom('pressInvolvements').selectAll().where('incidentId', '=', id).orderBy('seq').execute(),
    db.selectFrom('pressSources').selectAll().where('incidentId', '=', id).orderBy('seq').execute(),
    db.selectFrom('pressLegalCases').selectAll().where('incidentId', '=', id).orderBy('seq').execute(),
    db.selectFrom('pressMilestones').selectAll().where('incidentId', '=', id).orderBy('seq').execute().then((ms) => inTimelineOrder(ms, (m) => ({ on: m.occurredOn, precision: m.precision as DatePrecision }))),
    db.selectFrom('pressStateRequests').selectAll().where('incidentId', '=', id).orderBy('requestedOn').orderBy('seq').execute(),
    db
      .selectFrom('pressIncidentLinks as l')
      .innerJoin('pressIncidents as r', 'r.id', 'l.relatedId')
      .select(['l.relatedId', 'r.title as relatedTitle', 'l.kind', 'l.note'])
      .where('l.incidentId', '=', id)
      .orderBy('l.seq')
      .execute(),
  ]);
  const persons = await personsById(db, [...new Set(acts.flatMap((a) => (a.personId ? [a.personId] : [])))]);
  const outletIds = [...new Set(acts.flatMap((a) => (a.outletId ? [a.outletId] : [])))];
  const outlets = new Map(
    (outletIds.length ? await db.selectFrom('pressOutlets').selectAll().where('id', 'in', outletIds).execute() : []).map((o) => [o.id, o]),
  );
  // The sources' files for staff: what they are, never their content.
  const files = new Map(
    (sources.length ? await sourceFileMetas(db, sources.map((s) => s.id)) : []).map((f) => [f.sourceId, f]),
  );
  return { incident, acts, involvements, sources, legalCases, milestones, stateRequests, links, persons, outlets, files };
}
export type Aggregate = Awaited<ReturnType<typeof loadAggregate>>;

export function listIncidents(
  db: DbOrTx,
  visible: RawBuilder<boolean>,
  f: { keys: string[]; year?: number | undefined; published?: boolean | undefined; sort?: IncidentSort | undefined; cursor?: SortCursor | undefined; limit: number },
) {
  const o = incidentOrder(f.sort ?? 'created');
  let q = db.selectFrom('pressIncidents as pressIncidents').selectAll().where(visible);
  if (f.keys.length > 0) q = q.where(sql<boolean>`search_keys @> ${sql.val(f.keys)}::text[]`);
  if (f.year !== undefined) q = q.where('occurredYear', '=', f.year);
  if (f.published !== undefined) q = q.where('publishedAt', f.published ? 'is not' : 'is', null);
  if (f.cursor) {
    const { value, id } = f.cursor;
    q = q.where(sql<boolean>`(${sql.ref(o.column)}, id) ${sql.raw(o.desc ? '<' : '>')} (${value}${o.cast}, ${id}::uuid)`);
  }
  const dir = o.desc ? 'desc' : 'asc';
  return q.orderBy(o.column, dir).orderBy('id', dir).limit(f.limit + 1).execute();
}

const INCIDENT_ORDER = { created: ['createdAt', sql`::timestamptz`], occurred: ['occurredOn', sql`::date`], title: ['title', sql`::text`] } as const;
/** The staff list's order: the column, its cast for a cursor's value, the direction (the id breaks ties the same way). */
export function incidentOrder(sort: IncidentSort) {
  const [column, cast] = INCIDENT_ORDER[sort.replace(/^-/, '') as keyof typeof INCIDENT_ORDER];
  return { column, cast, desc: sort.startsWith('-') };
}
/** The value a cursor carries for a listed incident in `sort`'s order. */
export function incidentSortValue(sort: IncidentSort, row: { createdAt: Date; occurredOn: string; title: string }): string {
  const { column } = incidentOrder(sort);
  const v = row[column];
  return v instanceof Date ? v.toISOString() : v;
}
/** Whether `value` fits a cursor of `sort`'s order. */
export function incidentCursorValue(sort: IncidentSort, value: string): boolean {
  const { column } = incidentOrder(sort);
  return column === 'title' ? value.length <= 500 : column === 'occurredOn' ? /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) : isInstant(value);
}

export function searchPersons(db: DbOrTx, keys: string[], limit: number) {
  let q = db.selectFrom('pressPersons').select('id');
  if (keys.length > 0) q = q.where(sql<boolean>`name_keys @> ${sql.val(keys)}::text[]`);
  return q.orderBy('name').orderBy('id').limit(limit).execute();
}

/** Incidents whose search keys or public victims depend on a journalist (a victim) or an outlet (a victim, or a victim's outlet). */
export async function incidentsNaming(db: DbOrTx, f: { personId?: string; outletId?: string }): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    SELECT DISTINCT a.incident_id AS id FROM press_acts a
    WHERE a.person_id = ${f.personId ?? null}::uuid OR a.outlet_id = ${f.outletId ?? null}::uuid
      OR a.person_id IN (SELECT person_id FROM press_affiliations WHERE outlet_id = ${f.outletId ?? null}::uuid)`.execute(db);
  return rows.rows.map((r) => r.id);
}

export function searchOutlets(db: DbOrTx, keys: string[], limit: number) {
  let q = db.selectFrom('pressOutlets').selectAll();
  if (keys.length > 0) q = q.where(sql<boolean>`name_keys @> ${sql.val(keys)}::text[]`);
  return q.orderBy('name').orderBy('id').limit(limit).execute();
}

/** The names an incident is found by: its title, its victims' names and aliases, their outlets. */
export async function incidentNames(db: DbOrTx, incidentId: string): Promise<string[]> {
  const rows = await sql<{ name: string }>`
    SELECT title AS name FROM press_incidents WHERE id = ${incidentId}
    UNION ALL SELECT unnest(p.name || p.aliases) FROM press_acts a JOIN press_persons p ON p.id = a.person_id WHERE a.incident_id = ${incidentId}
    UNION ALL SELECT unnest(o.name || o.aliases) FROM press_acts a JOIN press_outlets o ON o.id = a.outlet_id WHERE a.incident_id = ${incidentId}
    UNION ALL SELECT unnest(o.name || o.aliases) FROM press_acts a JOIN press_affiliations f ON f.person_id = a.person_id
      JOIN press_outlets o ON o.id = f.outlet_id WHERE a.incident_id = ${incidentId}`.execute(db);
  return rows.rows.map((r) => r.name);
}

export async function bumpPublicVersion(db: DbOrTx): Promise<number> {
  const row = await sql<{ value: number }>`
    INSERT INTO settings (key, value, updated_at) VALUES (${PUBLIC_VERSION_KEY}, '1'::jsonb, now())
    ON CONFLICT (key) DO UPDATE SET value = to_jsonb(settings.value::text::bigint + 1), updated_at = now()
    RETURNING value`.execute(db);
  return Number(row.rows[0]!.value);
}

export async function publicVersion(db: DbOrTx): Promise<number> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', PUBLIC_VERSION_KEY).executeTakeFirst();
  return row ? Number(row.value) : 0;
}

// ---------- public ----------

export type PublicCursor = { occurredOn: string; id: string };

/**
 * One page of the public list, each item as JSON text ready to send, its days since the last
 * investigative act counted for `today` (as `servedDoc` does for a document), so that the server neither parses
 * nor re-serialises the stored items.
 */
export function listPublic(db: DbOrTx, f: PublicListQuery & { keys: string[]; after?: PublicCursor | undefined; today: string; impunityMinDays: number }) {
  let q = db
    .selectFrom('pressPublicIncidents')
    .innerJoin('pressPublicDocs', 'pressPublicDocs.incidentId', 'pressPublicIncidents.incidentId')
    .select([
      'pressPublicIncidents.incidentId',
      'occurredOn',
      // No investigative act: null, not 0 (GREATEST ignores a NULL and would answer 0). Too recent for
      // an impunity label: said, and from when the label applies (country profile `impunityMinDays`).
      sql<string>`jsonb_set(jsonb_set(jsonb_set(item, '{derived,daysSinceLastInvestigativeAct}',
        CASE WHEN item #>> '{derived,lastInvestigativeActOn}' IS NULL THEN 'null'::jsonb
             ELSE to_jsonb(greatest(0, ${f.today}::date - (item #>> '{derived,lastInvestigativeActOn}')::date)) END),
        '{derived,impunityTooEarly}', to_jsonb(press_public_incidents.impunity_status <> 'full_justice' AND occurred_on > ${f.today}::date - ${f.impunityMinDays}::int)),
        '{derived,impunityLabelledFrom}', to_jsonb(to_char(occurred_on + ${f.impunityMinDays}::int, 'YYYY-MM-DD')))::text`.as('itemJson'),
    ]);
  if (f.year !== undefined) q = q.where('occurredYear', '=', f.year);
  if (f.actType) q = q.where(sql<boolean>`act_types @> ARRAY[${f.actType}]::text[]`);
  if (f.outcome) q = q.where(sql<boolean>`outcomes @> ARRAY[${f.outcome}]::text[]`);
  if (f.perpetratorCategory) q = q.where(sql<boolean>`perpetrator_categories @> ARRAY[${f.perpetratorCategory}]::text[]`);
  if (f.investigationStatus) q = q.where('unescoStatus', '=', f.investigationStatus);
  const cutoff = sql`${f.today}::date - ${f.impunityMinDays}::int`;
  if (f.impunityStatus === 'too_early') q = q.where('impunityStatus', '<>', 'full_justice').where(sql<boolean>`occurred_on > ${cutoff}`);
  else if (f.impunityStatus === 'full_justice') q = q.where('impunityStatus', '=', f.impunityStatus);
  else if (f.impunityStatus) q = q.where('impunityStatus', '=', f.impunityStatus).where(sql<boolean>`occurred_on <= ${cutoff}`);
  if (f.synthetic !== undefined) q = q.where('isSynthetic', '=', f.synthetic);
  if (f.keys.length > 0) q = q.where(sql<boolean>`search_keys @> ${sql.val(f.keys)}::text[]`);
  if (f.after) q = q.where(sql<boolean>`(occurred_on, press_public_incidents.incident_id) < (${f.after.occurredOn}::date, ${f.after.id}::uuid)`);
  return q.orderBy('occurredOn', 'desc').orderBy('pressPublicIncidents.incidentId', 'desc').limit(f.limit + 1).execute();
}

export const findPublic = (db: DbOrTx, id: string) =>
  db
    .selectFrom('pressPublicIncidents as p')
    .innerJoin('pressPublicDocs as d', 'd.incidentId', 'p.incidentId')
    .select(['p.incidentId', 'd.doc', 'p.relatedIds'])
    .where('p.incidentId', '=', id)
    .executeTakeFirst();

export const publishedTitles = (db: DbOrTx, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db.selectFrom('pressPublicDocs').select(['incidentId', sql<string>`doc->>'title'`.as('title')]).where('incidentId', 'in', ids).execute();

/** The figures behind the public charts, in one pass over the published incidents. */
export async function publicAggregates(db: DbOrTx, today: string, impunityMinDays: number) {
  // Attacks more recent than the profile's minimum carry no impunity label: counted apart.
  const labelled = sql`occurred_on <= ${today}::date - ${impunityMinDays}::int`;
  const byYear = await sql<{ year: number; total: number; full: number; partial: number; none: number; early: number }>`
    SELECT occurred_year AS year, count(*)::int AS total,
      count(*) FILTER (WHERE impunity_status = 'full_justice')::int AS full,
      count(*) FILTER (WHERE impunity_status = 'partial_justice' AND ${labelled})::int AS partial,
      count(*) FILTER (WHERE impunity_status = 'complete_impunity' AND ${labelled})::int AS none,
      count(*) FILTER (WHERE impunity_status <> 'full_justice' AND NOT ${labelled})::int AS early
    FROM press_public_incidents GROUP BY occurred_year ORDER BY occurred_year`.execute(db);
  const totals = await sql<{
    total: number; synthetic: number; perpetrator: number; mastermind: number; resolved: number; ongoing: number; noinfo: number;
    b1: number; b3: number; b5: number; b10: number; bover: number; bnever: number;
  }>`
    WITH p AS (SELECT impunity_status, unesco_status, is_synthetic, perpetrator_convicted, mastermind_convicted,
      ${today}::date - last_investigative_act_on AS days FROM press_public_incidents)
    SELECT count(*)::int AS total,
      count(*) FILTER (WHERE is_synthetic)::int AS synthetic,
      count(*) FILTER (WHERE perpetrator_convicted)::int AS perpetrator,
      count(*) FILTER (WHERE mastermind_convicted)::int AS mastermind,
      count(*) FILTER (WHERE unesco_status = 'resolved')::int AS resolved,
      count(*) FILTER (WHERE unesco_status = 'ongoing')::int AS ongoing,
      count(*) FILTER (WHERE unesco_status = 'no_information')::int AS noinfo,
      count(*) FILTER (WHERE impunity_status <> 'full_justice' AND days < 365)::int AS b1,
      count(*) FILTER (WHERE impunity_status <> 'full_justice' AND days >= 365 AND days < 3 * 365)::int AS b3,
      count(*) FILTER (WHERE impunity_status <> 'full_justice' AND days >= 3 * 365 AND days < 5 * 365)::int AS b5,
      count(*) FILTER (WHERE impunity_status <> 'full_justice' AND days >= 5 * 365 AND days < 10 * 365)::int AS b10,
      count(*) FILTER (WHERE impunity_status <> 'full_justice' AND days >= 10 * 365)::int AS bover,
      count(*) FILTER (WHERE impunity_status <> 'full_justice' AND days IS NULL)::int AS bnever
    FROM p`.execute(db);
  return { byYear: byYear.rows, totals: totals.rows[0]! };
}

export const latestPublishedIndex = (db: DbOrTx) =>
  db.selectFrom('pressImpunityIndex').selectAll().where('published', '=', true).orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();

export const listIndexes = (db: DbOrTx) => db.selectFrom('pressImpunityIndex').selectAll().orderBy('createdAt', 'desc').limit(100).execute();
export type IndexRow = Awaited<ReturnType<typeof listIndexes>>[number];

/** The cases an impunity index is computed from: published incidents, by the status shown publicly. */
export const indexCases = (db: DbOrTx) =>
  db.selectFrom('pressPublicIncidents').select(['occurredYear as year', 'killing', 'impunityStatus as status']).where('killing', '=', true).execute();

export async function* publicBatches(db: DbOrTx, batch = 1000) {
  let after: PublicCursor | undefined;
  for (;;) {
    let q = db
      .selectFrom('pressPublicIncidents as p')
      .innerJoin('pressPublicDocs as d', 'd.incidentId', 'p.incidentId')
      .select(['p.incidentId', 'p.occurredOn', 'd.doc']);
    if (after) q = q.where(sql<boolean>`(p.occurred_on, p.incident_id) < (${after.occurredOn}::date, ${after.id}::uuid)`);
    const rows = await q.orderBy('p.occurredOn', 'desc').orderBy('p.incidentId', 'desc').limit(batch).execute();
    if (rows.length === 0) return;
    yield rows;
    const last = rows.at(-1)!;
    after = { occurredOn: last.occurredOn, id: last.incidentId };
    if (rows.length < batch) return;
  }
}

/** What a source's file is (name, type, size, hash), without its content. */
export async function sourceFileMetas(db: DbOrTx, sourceIds: string[]) {
  const rows = await db
    .selectFrom('pressSourceFiles')
    // Each source's newest version; earlier ones are kept.
    .distinctOn('sourceId')
    .select(['id', 'sourceId', 'fileName', 'contentType', 'sizeBytes', 'sha256', 'createdAt'])
    .where('sourceId', 'in', sourceIds)
    .orderBy('sourceId')
    .orderBy('seq', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, sourceId: r.sourceId, fileName: r.fileName, contentType: r.contentType, sizeBytes: r.sizeBytes, sha256: r.sha256, uploadedAt: r.createdAt.toISOString() }));
}
