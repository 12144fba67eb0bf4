import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db, Tx } from '../../db/database.ts';
import { appendAudit, diff, type AuditActor } from '../../audit/audit.ts';
import { hasPermission, visibleFilter } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest, forbidden } from '../../errors.ts';
import {
  ACT_METHODS,
  ACT_OUTCOMES,
  ACT_TYPES,
  ALERT_CATEGORIES,
  ATTRIBUTIONS,
  INCIDENT_CONTEXTS,
  INVOLVEMENT_DEGREES,
  PERPETRATOR_CATEGORIES,
  RELIABILITIES,
  SOURCE_KINDS,
  WORK_RELATIONS,
} from '../../../shared/press.ts';
import { PartialDateText, type ImportReport } from '../../../shared/schemas/press.ts';
import { nameKeys } from '../../../domain/names.ts';
import { incidentColumns, incidentResource, insertIncident, insertOutlet, insertPerson, recompute } from './service.ts';

/**
 * CSV import: one row per incident, matched by `externalRef`; a row creates the incident or updates
 * it. The act, perpetrator and source columns replace the incident's acts and perpetrators (the
 * spreadsheet is the record) and add the source when it is new. Milestones are kept.
 */

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodType>(t: T) => z.preprocess(blank, t.optional());
const str = (max: number) => opt(z.string().trim().max(max));
const yesNo = opt(
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => ['yes', 'no', 'true', 'false'].includes(v), 'yes or no')
    .transform((v) => v === 'yes' || v === 'true'),
);
const list = opt(z.string().transform((v) => v.split('|').map((s) => s.trim()).filter(Boolean)));

export const ImportRow = z
  .strictObject({
    externalRef: z.string().trim().min(1, 'required').max(100),
    title: z.string().trim().min(1, 'required').max(300),
    date: PartialDateText,
    disputedDate: opt(PartialDateText),
    dateNote: str(1000),
    country: opt(z.string().trim().length(2, 'an ISO 3166 country code').toUpperCase()),
    city: str(200),
    placeExact: str(500),
    context: opt(z.enum(INCIDENT_CONTEXTS)),
    alertCategory: opt(z.enum(ALERT_CATEGORIES)),
    workRelation: opt(z.enum(WORK_RELATIONS)),
    narrative: str(20_000),
    internalNotes: str(20_000),
    priorThreats: yesNo,
    victimName: str(200),
    victimAliases: list,
    victimContact: str(2000),
    outletName: str(200),
    actType: opt(z.enum(ACT_TYPES)),
    method: opt(z.enum(ACT_METHODS)),
    outcome: opt(z.enum(ACT_OUTCOMES)),
    perpetratorCategory: opt(z.enum(PERPETRATOR_CATEGORIES)),
    perpetratorDegree: opt(z.enum(INVOLVEMENT_DEGREES)),
    perpetratorAttribution: opt(z.enum(ATTRIBUTIONS)),
    perpetratorLabel: str(200),
    sourceTitle: str(500),
    sourceUrl: opt(z.url({ protocol: /^https?$/, error: 'an http(s) address' }).max(2000)),
    sourcePublisher: str(200),
    sourceKind: opt(z.enum(SOURCE_KINDS)),
    sourceReliability: opt(z.enum(RELIABILITIES)),
  })
  .superRefine((r, ctx) => {
    const need = (when: boolean, path: string, message: string) => {
      if (when) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    need(r.actType !== undefined && !r.victimName && !r.outletName, 'victimName', 'an act needs victimName or outletName');
    need(r.actType === undefined && (r.victimName !== undefined || r.outletName !== undefined), 'actType', 'required with a victim or outlet');
    need(r.perpetratorCategory !== undefined && !r.perpetratorDegree, 'perpetratorDegree', 'required with perpetratorCategory');
    need(r.perpetratorCategory !== undefined && !r.perpetratorAttribution, 'perpetratorAttribution', 'required with perpetratorCategory');
    need(r.perpetratorCategory === undefined && (r.perpetratorDegree !== undefined || r.perpetratorAttribution !== undefined), 'perpetratorCategory', 'required with a degree or attribution');
    need(r.sourceTitle === undefined && (r.sourceUrl !== undefined || r.sourceKind !== undefined), 'sourceTitle', 'required with a source');
  });
export type ImportRow = z.infer<typeof ImportRow>;
export const IMPORT_COLUMNS = Object.keys(ImportRow.shape);
const REQUIRED = ['externalRef', 'title', 'date'];

type Parsed = { row: number; externalRef: string | null; data?: ImportRow; errors?: Record<string, string> };

/** Reads the file and checks every row; file-level problems (no header, unknown columns) are a 400. */
export function parseImport(csv: string): Parsed[] {
  let records: Record<string, string>[];
  try {
    records = parse(csv, { columns: true, bom: true, skip_empty_lines: true, trim: false, relax_column_count: false }) as Record<string, string>[];
  } catch (e) {
    throw badRequest('invalid_csv', `The file is not valid CSV: ${(e as Error).message}`, { file: 'not valid CSV' });
  }
  const header = csv.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const columns = parse(header, { bom: true })[0] as string[] | undefined;
  if (!columns || columns.length === 0) throw badRequest('invalid_csv', 'The file has no header row', { file: 'no header row' });
  const unknown = columns.filter((c) => !IMPORT_COLUMNS.includes(c));
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (unknown.length || missing.length) {
    const fields: Record<string, string> = {};
    for (const c of unknown) fields[c] = 'unknown column';
    for (const c of missing) fields[c] = 'required column missing';
    throw badRequest('invalid_csv', `The header does not match the import format: ${Object.keys(fields).join(', ')}`, fields);
  }
  if (records.length > 10_000) throw badRequest('invalid_csv', 'At most 10,000 rows per file', { file: 'too many rows' });
  const seen = new Map<string, number>();
  return records.map((rec, i) => {
    const row = i + 2; // the header is row 1
    const externalRef = rec.externalRef?.trim() || null;
    const r = ImportRow.safeParse(rec);
    if (!r.success) {
      const errors: Record<string, string> = {};
      for (const issue of r.error.issues) errors[issue.path.join('.') || 'row'] ??= issue.message;
      return { row, externalRef, errors };
    }
    const earlier = seen.get(r.data.externalRef);
    if (earlier !== undefined) return { row, externalRef, errors: { externalRef: `already in row ${earlier}` } };
    seen.set(r.data.externalRef, row);
    return { row, externalRef, data: r.data };
  });
}

class Rollback extends Error {
  constructor(readonly report: ImportReport) {
    super('rollback');
  }
}

const findPersonByName = (tx: Tx, name: string) =>
  tx
    .selectFrom('pressPersons')
    .select('id')
    .where((eb) => eb.or([eb(sql`lower(name)`, '=', name.toLowerCase()), eb(sql`${name}`, '=', sql`ANY(aliases)`)]))
    .orderBy('createdAt')
    .limit(1)
    .executeTakeFirst();

const findOutletByName = (tx: Tx, name: string) =>
  tx
    .selectFrom('pressOutlets')
    .select('id')
    .where((eb) => eb.or([eb(sql`lower(name)`, '=', name.toLowerCase()), eb(sql`${name}`, '=', sql`ANY(aliases)`)]))
    .limit(1)
    .executeTakeFirst();

async function applyRow(tx: Tx, actor: AuditActor, p: Principal, r: ImportRow): Promise<{ result: 'created' | 'updated'; id: string }> {
  const fields = {
    externalRef: r.externalRef,
    title: r.title,
    occurred: r.date,
    disputed: r.disputedDate ?? null,
    dateNote: r.dateNote,
    country: r.country,
    city: r.city,
    placeExact: r.placeExact,
    context: r.context,
    alertCategory: r.alertCategory,
    workRelation: r.workRelation,
    narrative: r.narrative,
    internalNotes: r.internalNotes,
    priorThreats: r.priorThreats,
  };
  const existing = await tx.selectFrom('pressIncidents').selectAll().where('externalRef', '=', r.externalRef).forUpdate().executeTakeFirst();
  let id: string;
  let result: 'created' | 'updated';
  let changes: Record<string, unknown>;
  if (existing) {
    const mayUpdate = await tx.selectFrom('pressIncidents').select('id').where('id', '=', existing.id).where(visibleFilter(p, 'update', incidentResource)).executeTakeFirst();
    if (!mayUpdate) throw new RowRefused({ externalRef: 'an incident you may not change has this reference' });
    id = existing.id;
    const set = incidentColumns(fields);
    await tx.updateTable('pressIncidents').set(set).where('id', '=', id).execute();
    changes = diff(Object.fromEntries(Object.keys(set).map((k) => [k, (existing as Record<string, unknown>)[k]])), set);
    result = 'updated';
  } else {
    id = await insertIncident(tx, p, fields);
    changes = diff(null, incidentColumns(fields));
    result = 'created';
  }
  if (r.actType) {
    let personId: string | null = null;
    let outletId: string | null = null;
    if (r.outletName) outletId = (await findOutletByName(tx, r.outletName))?.id ?? (await insertOutlet(tx, { name: r.outletName })).id;
    if (r.victimName) {
      const found = await findPersonByName(tx, r.victimName);
      if (found) {
        personId = found.id;
        if (r.victimAliases || r.victimContact) {
          const cur = await tx.selectFrom('pressPersons').select(['name', 'aliases']).where('id', '=', personId).executeTakeFirstOrThrow();
          const aliases = [...new Set([...cur.aliases, ...(r.victimAliases ?? [])])];
          await tx
            .updateTable('pressPersons')
            .set({ aliases, nameKeys: nameKeys(cur.name, ...aliases), ...(r.victimContact ? { contactDetails: r.victimContact } : {}), updatedAt: new Date() })
            .where('id', '=', personId)
            .execute();
        }
      } else {
        personId = await insertPerson(tx, { name: r.victimName, aliases: r.victimAliases, contactDetails: r.victimContact ?? null });
      }
      if (outletId) {
        await tx.insertInto('pressAffiliations').values({ personId, outletId, role: null, employment: null, period: null }).onConflict((oc) => oc.columns(['personId', 'outletId']).doNothing()).execute();
      }
    }
    await tx.deleteFrom('pressActs').where('incidentId', '=', id).execute();
    // The act harms the journalist; an outlet alone is the victim only when no journalist is named.
    await tx
      .insertInto('pressActs')
      .values({ incidentId: id, personId, outletId: personId ? null : outletId, actType: r.actType, method: r.method ?? null, outcome: r.outcome ?? null })
      .execute();
    changes.act = { type: r.actType, victim: r.victimName ?? r.outletName };
  }
  if (r.perpetratorCategory && r.perpetratorDegree && r.perpetratorAttribution) {
    await tx.deleteFrom('pressInvolvements').where('incidentId', '=', id).execute();
    await tx
      .insertInto('pressInvolvements')
      .values({ incidentId: id, label: r.perpetratorLabel ?? null, category: r.perpetratorCategory, degree: r.perpetratorDegree, attribution: r.perpetratorAttribution, internalNote: null, sourceId: null })
      .execute();
    changes.perpetrator = { category: r.perpetratorCategory, degree: r.perpetratorDegree, attribution: r.perpetratorAttribution };
  }
  if (r.sourceTitle) {
    const same = await tx
      .selectFrom('pressSources')
      .select('id')
      .where('incidentId', '=', id)
      .where('title', '=', r.sourceTitle)
      .where(sql<boolean>`url IS NOT DISTINCT FROM ${r.sourceUrl ?? null}`)
      .executeTakeFirst();
    if (!same) {
      await tx
        .insertInto('pressSources')
        .values({ incidentId: id, kind: r.sourceKind ?? 'news_article', title: r.sourceTitle, url: r.sourceUrl ?? null, publisher: r.sourcePublisher ?? null, publishedOn: null, reliability: r.sourceReliability ?? 'medium', claim: null, confidential: false })
        .execute();
      changes.source = { title: r.sourceTitle, url: r.sourceUrl ?? null };
    }
  }
  await recompute(tx, id);
  await appendAudit(tx, actor, { action: `press.incident.import_${result}`, recordType: 'incident', recordId: id, changes });
  return { result, id };
}

class RowRefused extends Error {
  constructor(readonly errors: Record<string, string>) {
    super('row refused');
  }
}

/**
 * Imports the file in one transaction. With errors and without `skipBadRows`, nothing is changed
 * and the report names every bad row; with it, good rows are applied and bad ones refused.
 */
export async function importIncidents(db: Db, actor: AuditActor, p: Principal, csv: string, opts: { skipBadRows: boolean; dryRun: boolean }): Promise<ImportReport> {
  if (!hasPermission(p, 'incident:create:all') && !hasPermission(p, 'incident:create:agency')) throw forbidden();
  const parsed = parseImport(csv);
  const rows: ImportReport['rows'] = parsed.map((r) => ({ row: r.row, externalRef: r.externalRef, result: r.errors ? 'refused' : 'created', incidentId: null, ...(r.errors ? { errors: r.errors } : {}) }));
  // Ids are given only for what was committed.
  const report = (applied: boolean): ImportReport => ({
    applied,
    dryRun: opts.dryRun,
    created: rows.filter((r) => r.result === 'created').length,
    updated: rows.filter((r) => r.result === 'updated').length,
    refused: rows.filter((r) => r.result === 'refused').length,
    rows: applied ? rows : rows.map((r) => ({ ...r, incidentId: r.result === 'updated' ? r.incidentId : null })),
  });
  const bad = parsed.some((r) => r.errors);
  if (bad && !opts.skipBadRows) return report(false);
  try {
    return await db.transaction().execute(async (tx) => {
      for (const [i, r] of parsed.entries()) {
        if (!r.data) continue;
        await sql`SAVEPOINT import_row`.execute(tx);
        try {
          const done = await applyRow(tx, actor, p, r.data);
          await sql`RELEASE SAVEPOINT import_row`.execute(tx);
          rows[i] = { row: r.row, externalRef: r.externalRef, result: done.result, incidentId: done.id };
        } catch (e) {
          await sql`ROLLBACK TO SAVEPOINT import_row`.execute(tx);
          const errors = e instanceof RowRefused ? e.errors : { row: dbMessage(e) };
          rows[i] = { row: r.row, externalRef: r.externalRef, result: 'refused', incidentId: null, errors };
          if (!opts.skipBadRows) throw new Rollback(report(false));
        }
      }
      const out = report(!opts.dryRun);
      if (opts.dryRun) throw new Rollback(out);
      await appendAudit(tx, actor, { action: 'press.import', changes: { created: out.created, updated: out.updated, refused: out.refused, skipBadRows: opts.skipBadRows } });
      return out;
    });
  } catch (e) {
    if (e instanceof Rollback) return e.report;
    throw e;
  }
}

function dbMessage(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === '23514') return 'a value is outside what the record allows';
  if (code === '23505') return 'conflicts with another record';
  if (code === '23503') return 'refers to a record that does not exist';
  if (e instanceof Error && 'status' in e) return e.message;
  throw e;
}
