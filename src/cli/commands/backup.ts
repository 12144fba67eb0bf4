import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { appendAudit } from '../../server/audit/audit.ts';
import type { Db, DbOrTx } from '../../server/db/database.ts';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, BackupWriter, type BackupHeader, type BackupSecret } from '../backup-file.ts';
import { CliError, CLI_ACTOR } from '../context.ts';
import { appliedSchemaVersion } from './migrate.ts';

/** Every table of the public schema (a partitioned table once, through its parent), by name. */
export async function publicTables(db: DbOrTx): Promise<string[]> {
  const r = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    ORDER BY c.relname COLLATE "C"`.execute(db);
  return r.rows.map((row) => row.name);
}

async function primaryKey(db: DbOrTx, table: string): Promise<string[]> {
  const r = await sql<{ name: string }>`
    SELECT a.attname AS name FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
    WHERE i.indrelid = ${`public.${quoteIdent(table)}`}::regclass AND i.indisprimary
    ORDER BY array_position(i.indkey::int2[], a.attnum)`.execute(db);
  return r.rows.map((row) => row.name);
}

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Case documents whose encrypted bytes live in a disk folder or an S3 bucket, not in the backup. */
export type OutsideDocuments = { disk: number; s3: number };

export type BackupResult = { file: string; schemaVersion: string; tables: BackupHeader['tables']; sha256: string; bytes: number; outsideDocuments: OutsideDocuments };

/**
 * One consistent snapshot of every table (a REPEATABLE READ READ ONLY transaction), streamed row by
 * row through a server-side cursor into a backup file (see backup-file.ts). No pg_dump needed.
 * The backup itself is then recorded in the audit log: it is a copy of everyone's personal data.
 */
export async function backupCommand(db: Db, out: string, secret?: BackupSecret): Promise<BackupResult> {
  const file = path.resolve(out);
  if (!fs.existsSync(path.dirname(file))) throw new CliError(`The folder ${path.dirname(file)} does not exist`);
  const writer = new BackupWriter(file, secret);
  let header: BackupHeader;
  let sha256: string;
  const outsideDocuments: OutsideDocuments = { disk: 0, s3: 0 };
  try {
    // Without the CamelCasePlugin: these queries name catalog columns and tables exactly as stored.
    header = await db
      .withoutPlugins()
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (tx) => {
        // Values whose text depends on settings come out in one fixed form (restore reads any form).
        await sql`SET LOCAL TimeZone = 'UTC'`.execute(tx);
        await sql`SET LOCAL IntervalStyle = 'iso_8601'`.execute(tx);
        const schemaVersion = await appliedSchemaVersion(tx);
        if (!schemaVersion) throw new CliError('This database has no Pathway schema (no kysely_migration table): nothing to back up');
        const names = await publicTables(tx);
        const tables: BackupHeader['tables'] = [];
        for (const name of names) {
          const count = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.id('public', name)}`.execute(tx);
          tables.push({ name, rows: Number(count.rows[0]!.n) });
        }
        const sequences = await sequenceStates(tx);
        Object.assign(outsideDocuments, await documentsOutside(tx));
        const h: BackupHeader = { format: BACKUP_FORMAT, formatVersion: BACKUP_FORMAT_VERSION, schemaVersion, createdAt: new Date().toISOString(), tables, sequences };
        await writer.line(JSON.stringify(h));
        for (const t of tables) {
          await writer.line(JSON.stringify({ table: t.name, rows: t.rows }));
          const key = await primaryKey(tx, t.name);
          const orderBy = key.length > 0 ? sql`ORDER BY ${sql.join(key.map((k) => sql.ref(`t.${k}`)))}` : sql``;
          await sql`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT to_jsonb(t)::text AS row FROM ${sql.id('public', t.name)} t ${orderBy}`.execute(tx);
          let written = 0;
          for (;;) {
            const batch = await sql<{ row: string }>`FETCH 1000 FROM backup_rows`.execute(tx);
            for (const r of batch.rows) await writer.line(r.row);
            written += batch.rows.length;
            if (batch.rows.length < 1000) break;
          }
          await sql`CLOSE backup_rows`.execute(tx);
          // Counted and read in one snapshot, so they agree unless something is badly wrong.
          if (written !== t.rows) throw new Error(`table ${t.name}: counted ${t.rows} rows but read ${written}`);
        }
        return h;
      });
    sha256 = await writer.finish();
  } catch (e) {
    await writer.abandon();
    throw e;
  }
  await db.transaction().execute((tx) =>
    appendAudit(tx, CLI_ACTOR, {
      action: 'backup.created',
      changes: { file, sha256, schemaVersion: header.schemaVersion, rows: Object.fromEntries(header.tables.map((t) => [t.name, t.rows])) },
    }),
  );
  return { file, schemaVersion: header.schemaVersion, tables: header.tables, sha256, bytes: fs.statSync(file).size, outsideDocuments };
}

/** How many case documents keep their bytes on disk or in S3 (the rows are in the backup, the bytes are not). */
async function documentsOutside(db: DbOrTx): Promise<OutsideDocuments> {
  const has = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name = 'case_documents' AND column_name = 'storage'`.execute(db);
  if (has.rows[0]!.n === 0) return { disk: 0, s3: 0 };
  const r = await sql<{ storage: string; n: number }>`SELECT storage, count(*)::int AS n FROM case_documents WHERE storage <> 'database' GROUP BY storage`.execute(db);
  const count = (kind: string) => r.rows.find((row) => row.storage === kind)?.n ?? 0;
  return { disk: count('disk'), s3: count('s3') };
}

/** Where every sequence of the public schema stands, so restore continues each exactly where it was. */
async function sequenceStates(db: DbOrTx): Promise<BackupHeader['sequences']> {
  const seqs = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY c.relname COLLATE "C"`.execute(db);
  const out: BackupHeader['sequences'] = [];
  for (const { name } of seqs.rows) {
    const r = await sql<{ lastValue: string; isCalled: boolean }>`SELECT last_value::text AS "lastValue", is_called AS "isCalled" FROM ${sql.id('public', name)}`.execute(db);
    out.push({ name, lastValue: r.rows[0]!.lastValue, isCalled: r.rows[0]!.isCalled });
  }
  return out;
}
