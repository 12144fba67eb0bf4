import { sql } from 'kysely';
/**
 * Statistical releases: prepared (tables computed and protected, then frozen), approved by another
 * person after a second audit against every release approved meanwhile, then public. And the
 * exports of the national tables.
 */
import crypto from 'node:crypto';
import { loadExcelJS } from '../../heavy-modules.ts';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../db/database.ts';
import { onOneServer, type ReadPool } from '../../db/read-replica.ts';
import type { Principal } from '../../access/principal.ts';
import { requirePermission } from '../../access/policy.ts';
import { auditedTransaction, auditRead, type AuditActor } from '../../audit/audit.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { withheldPurpose } from '../../audit/withhold.ts';
import { LANGUAGES, type Language } from '../../../shared/schemas/common.ts';
import type { ReleaseDetail, ReleaseListItem } from '../../../shared/schemas/statistics.ts';
import type { StatisticsTable } from '../../../domain/statistics-table.ts';
import { auditRelease, ledgerOf, protect, type DisclosureFlag, type LedgerCell, type ReleaseTable } from '../../../domain/disclosure.ts';
import { loadCountryProfile } from '../../nrm-profile.ts';
import { safeCell } from '../hotline-dashboard/export.ts';
import { buildTables, hasData, nationalData } from './tables.ts';
import * as repo from './repository.ts';

/** What a release row keeps in `tables`: the universes of its tables and the tables in each language. */
export type StoredTables = { universes: string[]; tables: Record<Language, StatisticsTable[]> };

export const mayReadFigures = (p: Principal) => p.permissions.has('reports:aggregate') || p.permissions.has('statistics:prepare') || p.permissions.has('statistics:approve');

const day = (d: unknown) => (typeof d === 'string' ? d.slice(0, 10) : d instanceof Date ? d.toISOString().slice(0, 10) : String(d));
const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : new Date(String(d)).toISOString());

async function ledger(db: Db, except?: string): Promise<LedgerCell[]> {
  return (await repo.approvedLedgers(db, except)).flatMap((r) => r.ledger as LedgerCell[]);
}

export async function prepareRelease(db: Db, actor: AuditActor, p: Principal, body: { title: string; from: string; to: string; threshold?: number | undefined }): Promise<{ id: string }> {
  requirePermission(p, 'statistics:prepare');
  const profile = await loadCountryProfile(db);
  const data = await nationalData(db, { from: body.from, to: body.to });
  if (!hasData(data)) throw badRequest('no_data', 'Nothing was recorded in this period: there is nothing to release', { from: 'no records from this day to "to"', to: 'no records from "from" to this day' });
  const threshold = body.threshold ?? profile.disclosure.openDataThreshold;
  const rounding = profile.disclosure.openDataRounding;
  const labelled = Object.fromEntries(LANGUAGES.map((l) => [l, buildTables(data, l).filter((t) => t.public)])) as Record<Language, ReturnType<typeof buildTables>>;
  const earlier = await ledger(db);
  const { tables: protectedEn, flags } = protect(labelled.en, { threshold, rounding }, earlier);
  // The same suppression in every language: the tables differ only in their labels.
  const tables = Object.fromEntries(
    LANGUAGES.map((l) => [
      l,
      labelled[l].map(({ table }, i) => {
        const marks = protectedEn[i]!;
        return { ...table, cells: table.cells.map((c, j) => ({ ...c, suppressed: marks.cells[j]!.suppressed })), totals: table.totals.map((c, j) => ({ ...c, suppressed: marks.totals[j]!.suppressed })) };
      }),
    ]),
  ) as Record<Language, StatisticsTable[]>;
  const id = crypto.randomUUID();
  const universes = labelled.en.map((t) => t.universe);
  const releaseTables = protectedEn.map((table, i) => ({ universe: universes[i]!, table }));
  const series = `${body.from}/${body.to}`;
  const suppressed = protectedEn.reduce((s, t) => s + [...t.cells, ...t.totals].filter((c) => c.suppressed !== null).length, 0);
  return auditedTransaction(db, actor, async (tx) => {
    const version = await repo.nextVersion(tx, series);
    await tx
      .insertInto('statisticsReleases')
      .values({
        id,
        series,
        version,
        title: body.title,
        periodFrom: body.from,
        periodTo: body.to,
        threshold,
        rounding,
        tables: JSON.stringify({ universes, tables } satisfies StoredTables),
        ledger: JSON.stringify(ledgerOf(id, releaseTables)),
        flags: JSON.stringify(flags),
        preparedBy: p.userId,
      })
      .execute();
    return {
      result: { id },
      audit: { action: 'statistics.release_prepared', recordType: 'statistics_release', recordId: id, changes: { series, version, from: body.from, to: body.to, threshold, tables: protectedEn.length, suppressed, flags: flags.length } },
    };
  });
}

/**
 * Approval: not by the person who prepared it; refused while the audit against every release
 * approved since (or before) finds a hidden number someone could work out.
 */
export async function approveRelease(db: Db, actor: AuditActor, p: Principal, id: string): Promise<ReleaseDetail> {
  requirePermission(p, 'statistics:approve');
  await auditedTransaction(db, actor, async (tx) => {
    // One approval at a time, whole-installation (a row lock would lock nothing while none is approved):
    // the audit below must see every release approved before it.
    await sql`SELECT pg_advisory_xact_lock(hashtext('pathway.statistics.approve'))`.execute(tx);
    const r = await tx.selectFrom('statisticsReleases').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!r) throw notFound('Release');
    if (r.status !== 'prepared') throw conflict('not_prepared', 'Only a release waiting for approval can be approved', { id: `the release is ${r.status}` });
    if (r.preparedBy === p.userId) throw forbidden('A release is approved by someone other than the person who prepared it');
    const stored = r.tables as StoredTables;
    const releaseTables: ReleaseTable[] = stored.tables.en.map((table, i) => ({ universe: stored.universes[i]!, table }));
    const earlier = (await repo.approvedLedgers(tx, id)).flatMap((x) => x.ledger as LedgerCell[]);
    const risks = auditRelease(releaseTables, { threshold: r.threshold }, earlier).filter((f) => f.kind === 'recoverable');
    if (risks.length > 0) {
      throw conflict('disclosure_risk', `Approving this release would let a reader work out ${risks.length} hidden figure(s) of this or an earlier release; prepare it again`, {
        tables: risks.map((f) => (f.kind === 'recoverable' ? `${f.universe} ${JSON.stringify(f.key)} lies in [${f.min}, ${f.max}]` : '')).join('; '),
      });
    }
    const now = new Date();
    await tx.updateTable('statisticsReleases').set({ status: 'superseded' }).where('series', '=', r.series).where('status', '=', 'approved').execute();
    await tx.updateTable('statisticsReleases').set({ status: 'approved', approvedBy: p.userId, approvedAt: now }).where('id', '=', id).execute();
    return { result: null, audit: { action: 'statistics.release_approved', recordType: 'statistics_release', recordId: id, changes: { series: r.series, version: r.version } } };
  }).catch(async (e: unknown) => {
    // The flags found are kept for the reviewers even though the approval is refused.
    if (e instanceof Error && 'code' in e && (e as { code: string }).code === 'disclosure_risk') await recordRisks(db, id);
    throw e;
  });
  return getRelease(db, p, id, 'en');
}

/**
 * Withdrawal of a public release (approved, or superseded and still reachable by its id), by the
 * coordinator's office with a reason. It leaves the public list and its page answers 410; it stays in
 * the staff list, and its ledger keeps counting in later disclosure audits (`approvedLedgers`).
 */
export async function withdrawRelease(db: Db, actor: AuditActor, p: Principal, id: string, reason: string): Promise<ReleaseDetail> {
  requirePermission(p, 'statistics:approve');
  await auditedTransaction(db, actor, async (tx) => {
    const r = await tx.selectFrom('statisticsReleases').select(['id', 'status', 'series', 'version']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!r) throw notFound('Release');
    if (r.status !== 'approved' && r.status !== 'superseded') throw conflict('not_public', 'Only a public release (approved, or superseded by a newer version) can be withdrawn', { id: `the release is ${r.status}` });
    await tx.updateTable('statisticsReleases').set({ status: 'withdrawn', withdrawnBy: p.userId, withdrawnAt: new Date(), withdrawalReason: reason }).where('id', '=', id).execute();
    return {
      result: null,
      audit: { action: 'statistics.release_withdrawn', recordType: 'statistics_release', recordId: id, changes: { series: r.series, version: r.version, status: r.status, withdrawalReason: withheldPurpose(reason) } },
    };
  });
  return getRelease(db, p, id, 'en');
}

function mergeFlags(a: DisclosureFlag[], b: DisclosureFlag[]): DisclosureFlag[] {
  const seen = new Set(a.map((f) => JSON.stringify(f)));
  return [...a, ...b.filter((f) => !seen.has(JSON.stringify(f)))];
}

async function recordRisks(db: Db, id: string) {
  const r = await repo.findRelease(db, id);
  if (!r || r.status !== 'prepared') return;
  const stored = r.tables as StoredTables;
  const risks = auditRelease(stored.tables.en.map((table, i) => ({ universe: stored.universes[i]!, table })), { threshold: r.threshold }, await ledger(db, id)).filter((f) => f.kind === 'recoverable');
  await db.updateTable('statisticsReleases').set({ flags: JSON.stringify(mergeFlags(r.flags as DisclosureFlag[], risks)) }).where('id', '=', id).execute();
}

function listItem(r: Awaited<ReturnType<typeof repo.listReleases>>[number], p: Principal, suppressed: number): ReleaseListItem {
  return {
    id: r.id,
    series: r.series,
    version: r.version,
    title: r.title,
    period: { from: day(r.periodFrom), to: day(r.periodTo) },
    threshold: r.threshold,
    rounding: r.rounding,
    status: r.status as ReleaseListItem['status'],
    preparedAt: iso(r.preparedAt),
    preparedByMe: r.preparedBy === p.userId,
    approvedAt: r.approvedAt ? iso(r.approvedAt) : null,
    withdrawnAt: r.withdrawnAt ? iso(r.withdrawnAt) : null,
    withdrawalReason: r.withdrawalReason,
    suppressed,
    flags: (r.flags as DisclosureFlag[]).map((f) => (f.kind === 'recoverable' && !Number.isFinite(f.max) ? { ...f, max: null } : f)) as ReleaseListItem['flags'],
  };
}

const countSuppressed = (tables: StatisticsTable[]) => tables.reduce((s, t) => s + [...t.cells, ...t.totals].filter((c) => c.suppressed !== null).length, 0);

export async function listReleases(db: Db, p: Principal): Promise<{ items: ReleaseListItem[] }> {
  if (!mayReadFigures(p)) throw forbidden();
  const rows = await repo.listReleases(db, 200);
  const counts = rows.length
    ? await db.selectFrom('statisticsReleases').select(['id', 'tables']).where('id', 'in', rows.map((r) => r.id)).execute()
    : [];
  const n = new Map(counts.map((c) => [c.id, countSuppressed((c.tables as StoredTables).tables.en)]));
  return { items: rows.map((r) => listItem(r, p, n.get(r.id) ?? 0)) };
}

/** A release as its reviewers see it: every value, with what the public will not see marked. */
export async function getRelease(db: Db, p: Principal, id: string, lang: Language): Promise<ReleaseDetail> {
  if (!mayReadFigures(p)) throw forbidden();
  const r = await repo.findRelease(db, id);
  if (!r) throw notFound('Release');
  const stored = r.tables as StoredTables;
  return { ...listItem(r, p, countSuppressed(stored.tables.en)), tables: stored.tables[lang] };
}

// ------------------------------------------------------------------------------------------------
// Exports: one row per cell (inner and totals), dimensions as code and label columns

export type ExportRow = Record<string, string | number | null>;

/** The tables as flat rows: release columns, table, one code/label pair per dimension, value, suppression, total. */
export function flatRows(tables: StatisticsTable[], extra: Record<string, string | number> = {}): { columns: string[]; rows: ExportRow[] } {
  const dims = [...new Set(tables.flatMap((t) => t.dimensions.map((d) => d.id)))];
  const columns = [...Object.keys(extra), 'table_id', 'table_title', ...dims.flatMap((d) => [d, `${d}_label`]), 'value', 'suppressed', 'total'];
  const rows: ExportRow[] = [];
  for (const t of tables) {
    const label = new Map(t.dimensions.map((d) => [d.id, new Map(d.values.map((v) => [v.code, v.label]))]));
    for (const [total, cells] of [[false, t.cells], [true, t.totals]] as const) {
      for (const c of cells) {
        const row: ExportRow = { ...extra, table_id: t.id, table_title: t.title };
        for (const d of dims) {
          row[d] = c.key[d] ?? null;
          row[`${d}_label`] = c.key[d] ? (label.get(d)?.get(c.key[d]!) ?? null) : null;
        }
        row.value = c.value;
        row.suppressed = c.suppressed;
        row.total = total ? 'yes' : 'no';
        rows.push(row);
      }
    }
  }
  return { columns, rows };
}

export function toCsv({ columns, rows }: { columns: string[]; rows: ExportRow[] }): Buffer {
  const text = stringify([columns, ...rows.map((r) => columns.map((c) => safeCell(r[c] ?? null)))], { record_delimiter: '\r\n' });
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

export async function toXlsx(tables: StatisticsTable[]): Promise<Buffer> {
  const book = new (await loadExcelJS()).Workbook();
  book.creator = 'Pathway';
  tables.forEach((t, i) => {
    // Sheet names: at most 31 characters, unique.
    const sheet = book.addWorksheet(`${i + 1} ${t.id}`.slice(0, 31));
    sheet.addRow([safeCell(t.title)]).font = { bold: true };
    const dims = t.dimensions;
    sheet.addRow([...dims.map((d) => safeCell(d.label)), 'value', 'suppressed']).font = { bold: true };
    const label = (d: (typeof dims)[number], code: string | undefined) => (code === undefined ? '' : (d.values.find((v) => v.code === code)?.label ?? code));
    for (const c of [...t.cells, ...t.totals]) sheet.addRow([...dims.map((d) => safeCell(label(d, c.key[d.id]))), c.value, c.suppressed ?? '']);
    for (const n of t.notes ?? []) sheet.addRow([safeCell(n)]);
    sheet.columns.forEach((col) => (col.width = 24));
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The tables are counted on `reads` (the read replica when one is set); the audit entry is written on the primary, `db`. */
export async function exportNational(db: Db, reads: Db | ReadPool, actor: AuditActor, p: Principal, q: { from: string; to: string; lang: Language; format: 'csv' | 'xlsx' }): Promise<Buffer> {
  if (!mayReadFigures(p)) throw forbidden();
  const tables = buildTables(await onOneServer(reads)((r) => nationalData(r, { from: q.from, to: q.to })), q.lang).map((x) => x.table);
  await auditRead(db, actor, { action: 'statistics.tables_exported', recordType: 'statistics', changes: { from: q.from, to: q.to, format: q.format, tables: tables.length } });
  return q.format === 'csv' ? toCsv(flatRows(tables, { period_from: q.from, period_to: q.to })) : toXlsx(tables);
}
