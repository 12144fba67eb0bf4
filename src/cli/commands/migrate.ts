import { sql } from 'kysely';
import { latestSchemaVersion, migrateToLatest, type Db, type DbOrTx } from '../../server/db/database.ts';
import { ensureRoles } from '../../server/modules/roles/service.ts';
import type { Keys } from '../../server/crypto/keys.ts';
import { runDataSteps } from '../../server/db/data-steps.ts';

export type MigrateResult = { applied: string[]; schemaVersion: string };

/**
 * Runs every pending migration, then the data steps that need the master key (`keys`; the CLI passes
 * the server's, read only when a step is pending), and adds missing built-in roles; returns what ran.
 */
export async function migrateCommand(db: Db, keys?: () => Keys): Promise<MigrateResult> {
  const applied = await migrateToLatest(db);
  if (keys) applied.push(...(await runDataSteps(db, keys)).map((s) => `${s} (data step)`));
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
