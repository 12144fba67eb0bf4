import { sql } from 'kysely';
import { latestSchemaVersion, migrateToLatest, type Db, type DbOrTx } from '../../server/db/database.ts';
import { ensureRoles } from '../../server/modules/roles/service.ts';

export type MigrateResult = { applied: string[]; schemaVersion: string };

/** Runs every pending migration and adds missing built-in roles; returns what ran. */
export async function migrateCommand(db: Db): Promise<MigrateResult> {
  const applied = await migrateToLatest(db);
  await ensureRoles(db);
  return { applied, schemaVersion: (await appliedSchemaVersion(db)) ?? latestSchemaVersion() };
}

/** The newest migration recorded in the database, or null for a database Pathway never migrated. */
export async function appliedSchemaVersion(db: DbOrTx): Promise<string | null> {
  const exists = await sql<{ found: boolean }>`SELECT to_regclass('public.kysely_migration') IS NOT NULL AS found`.execute(db);
  if (!exists.rows[0]?.found) return null;
  const last = await sql<{ name: string }>`SELECT name FROM public.kysely_migration ORDER BY name DESC LIMIT 1`.execute(db);
  return last.rows[0]?.name ?? null;
}
