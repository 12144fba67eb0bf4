import path from 'node:path';
import { sql } from 'kysely';
import { appendAudit, verifyAuditChain } from '../../server/audit/audit.ts';
import { brokenAt } from './audit.ts';
import { knownSchemaVersions, latestSchemaVersion, migrateTo, type Db, type Tx } from '../../server/db/database.ts';
import { ensureRoles } from '../../server/modules/roles/service.ts';
import { BackupFileError, readBackup, readBackupHeader, type BackupHeader, type BackupSecret } from '../backup-file.ts';
import { CliError, CLI_ACTOR } from '../context.ts';
import { publicTables, quoteIdent } from './backup.ts';

/**
 * Tables that a freshly started Pathway fills by itself (migration bookkeeping, the built-in roles,
 * the first-run setup token, the data steps done, the hotline settings' one row that migration 0103
 * makes; a hotline configured there names an agency, which counts): rows there do not make a
 * database "in use".
 */
const BOOKKEEPING_TABLES = new Set(['kysely_migration', 'kysely_migration_lock', 'roles', 'setup_tokens', 'data_steps', 'hotline_settings', 'audit_chains', 'rate_limit_counters']);

/** The tables holding data a person put there; empty means restore may proceed without --force. */
export async function tablesWithData(db: Db): Promise<string[]> {
  const raw = db.withoutPlugins();
  const found: string[] = [];
  for (const name of await publicTables(raw)) {
    if (BOOKKEEPING_TABLES.has(name)) continue;
    const r = await sql<{ any: boolean }>`SELECT EXISTS (SELECT 1 FROM ${sql.id('public', name)}) AS any`.execute(raw);
    if (r.rows[0]?.any) found.push(name);
  }
  return found;
}

export type RestoreResult = { file: string; schemaVersion: string; migratedTo: string; tables: BackupHeader['tables']; auditEntries: number };

/**
 * Replaces the whole public schema with a backup's content, in one transaction: the schema is
 * rebuilt by the migrations up to the backup's version, every row is loaded, sequences are set,
 * later migrations run, and the audit chain must verify. Any failure rolls all of it back.
 */
export async function restoreCommand(db: Db, input: string, options: { force?: boolean; secret?: BackupSecret } = {}): Promise<RestoreResult> {
  const file = path.resolve(input);
  const header = await readBackupHeader(file, options.secret).catch(explainDamage(file));
  const known = knownSchemaVersions();
  if (!known.includes(header.schemaVersion)) {
    const newer = header.schemaVersion > latestSchemaVersion();
    throw new CliError(
      newer
        ? `The backup ${file} has schema version ${header.schemaVersion}, newer than this Pathway knows (${latestSchemaVersion()}). ` +
            'Restore it with the Pathway version that made it, or a newer one.'
        : `The backup ${file} has schema version ${header.schemaVersion}, which this Pathway does not know.`,
    );
  }
  // A first full read proves the file whole before the database is touched.
  await readBackup(file, undefined, undefined, options.secret).catch(explainDamage(file));

  const inUse = await tablesWithData(db);
  if (inUse.length > 0 && !options.force)
    throw new CliError(
      `The target database holds data (tables ${inUse.join(', ')}). Restoring replaces all of it: ` +
        'run again with --force if that is what you want.',
    );

  return db.connection().execute(async (conn) => {
    // Pathway servers still connected would work on a schema pulled from under them.
    const others = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`.execute(conn);
    if ((others.rows[0]?.n ?? 0) > 0)
      throw new CliError(
        `${others.rows[0]!.n} other connection(s) use the target database: stop every Pathway server using it before restoring.`,
      );
    const raw = conn.withoutPlugins();
    await sql`BEGIN`.execute(raw);
    try {
      const result = await restoreInTransaction(conn, file, header, options.secret);
      await sql`COMMIT`.execute(raw);
      return result;
    } catch (e) {
      await sql`ROLLBACK`.execute(raw).catch(() => {});
      throw e instanceof BackupFileError ? explainDamage(file)(e) : e;
    }
  });
}

function explainDamage(file: string) {
  return (e: unknown): never => {
    if (e instanceof BackupFileError) throw new CliError(`Cannot restore ${file}: ${e.message}. Nothing was changed.`);
    throw e;
  };
}

/** `conn` is one connection on which a transaction is open: everything here commits or rolls back together. */
async function restoreInTransaction(conn: Db, file: string, header: BackupHeader, secret: BackupSecret | undefined): Promise<RestoreResult> {
  const raw = conn.withoutPlugins();
  await sql`DROP SCHEMA IF EXISTS public CASCADE`.execute(raw);
  await sql`CREATE SCHEMA public`.execute(raw);
  await sql`GRANT USAGE ON SCHEMA public TO PUBLIC`.execute(raw);
  await migrateTo(conn, header.schemaVersion, { inCallersTransaction: true });

  const present = new Set(await publicTables(raw));
  const missing = header.tables.filter((t) => !present.has(t.name)).map((t) => t.name);
  const sequences = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'S'`.execute(raw);
  const presentSequences = new Set(sequences.rows.map((r) => r.name));
  missing.push(...header.sequences.filter((q) => !presentSequences.has(q.name)).map((q) => `sequence ${q.name}`));
  // Pathway's schema is what its migrations make; something made by hand cannot be put back.
  if (missing.length > 0)
    throw new CliError(
      `The backup holds ${missing.join(', ')}, which the migrations up to ${header.schemaVersion} do not create ` +
        '(made by hand in the backed-up database?). Nothing was changed.',
    );

  // Rows arrive table by table in name order, not in foreign-key order: check the keys at the end.
  const foreignKeys = await sql<{ tbl: string; con: string }>`
    SELECT t.relname AS tbl, c.conname AS con FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = 'public' AND c.contype = 'f' AND NOT c.condeferrable`.execute(raw);
  for (const fk of foreignKeys.rows)
    await sql`ALTER TABLE ${sql.id('public', fk.tbl)} ALTER CONSTRAINT ${sql.id(fk.con)} DEFERRABLE INITIALLY DEFERRED`.execute(raw);

  // The statistics' counts (migration 0142) are kept by triggers as rows change: quiet while the
  // backup's rows arrive, since the backup holds the counts of its own rows (one snapshot). A backup
  // from before the counts existed is counted by that migration, which runs after the load.
  await sql`SET LOCAL pathway.statistics_quiet = 'on'`.execute(raw);
  // Migrations may have written rows (their own bookkeeping at least): the backup's rows replace them.
  for (const t of header.tables) await sql`DELETE FROM ${sql.id('public', t.name)}`.execute(raw);

  const columns = new Map<string, string>();
  for (const t of header.tables) {
    const cols = await sql<{ name: string }>`
      SELECT attname AS name FROM pg_attribute
      WHERE attrelid = ${`public.${quoteIdent(t.name)}`}::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
      ORDER BY attnum`.execute(raw);
    columns.set(t.name, cols.rows.map((c) => quoteIdent(c.name)).join(', '));
  }
  await readBackup(file, async ({ table, rows }) => {
    const name = sql.raw(`public.${quoteIdent(table)}`);
    const list = sql.raw(columns.get(table)!);
    // The row texts are PostgreSQL's own jsonb output, joined unparsed so no digit is lost.
    await sql`INSERT INTO ${name} (${list}) OVERRIDING SYSTEM VALUE
      SELECT ${list} FROM jsonb_populate_recordset(NULL::${name}, ${`[${rows.join(',')}]`}::jsonb)`.execute(raw);
  }, undefined, secret);

  await sql`SET CONSTRAINTS ALL IMMEDIATE`.execute(raw);
  for (const fk of foreignKeys.rows)
    await sql`ALTER TABLE ${sql.id('public', fk.tbl)} ALTER CONSTRAINT ${sql.id(fk.con)} NOT DEFERRABLE`.execute(raw);
  for (const s of header.sequences)
    await sql`SELECT setval(${`public.${quoteIdent(s.name)}`}::regclass, ${s.lastValue}::bigint, ${s.isCalled})`.execute(raw);

  await sql`SET LOCAL pathway.statistics_quiet = 'off'`.execute(raw);
  const migrated = await migrateTo(conn, latestSchemaVersion(), { inCallersTransaction: true });
  await ensureRoles(conn);
  const chain = await verifyAuditChain(conn);
  if (!chain.ok)
    throw new CliError(
      `The restored audit log does not verify: ${brokenAt(chain.firstBroken)}: ${chain.firstBroken.reason}. ` +
        'The backup was altered or made from a tampered database. Nothing was changed.',
    );
  // One connection inside our BEGIN: a transaction in all but its type.
  await appendAudit(conn as unknown as Tx, CLI_ACTOR, {
    action: 'backup.restored',
    changes: { file, createdAt: header.createdAt, schemaVersion: header.schemaVersion, migrated, rows: Object.fromEntries(header.tables.map((t) => [t.name, t.rows])) },
  });
  return { file, schemaVersion: header.schemaVersion, migratedTo: latestSchemaVersion(), tables: header.tables, auditEntries: chain.checked + 1 };
}
