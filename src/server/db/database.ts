import { CamelCasePlugin, Kysely, Migrator, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import type { Database } from './types.ts';
import { registerPool } from './batch.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** A function that works in or out of a transaction takes either. */
export type DbOrTx = Db | Tx;

// bigint columns (audit seq) stay strings; timestamps are Dates; calendar dates stay "YYYY-MM-DD"
// strings, never shifted by the server's time zone.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export function createDb(connectionString: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', () => {
    /* an idle client lost its server; the next query reconnects */
  });
  // Only column names are converted: keys inside jsonb values (audit changes, settings) come back as
  // stored, or an audit entry whose changes name a snake_case key would no longer match its hash.
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })] });
  registerPool(db, pool);
  return db;
}

function migrator(db: Db, options: { disableTransactions?: boolean } = {}): Migrator {
  return new Migrator({
    db,
    disableTransactions: options.disableTransactions ?? false,
    provider: {
      getMigrations: async () =>
        Object.fromEntries(
          Object.entries(migrations).map(([name, m]) => [
            name,
            {
              up: async (trx: Kysely<unknown>) => {
                // No parameters: pg sends it as one simple query, so a file may hold many statements.
                await sql.raw(m.up).execute(trx);
              },
            },
          ]),
        ),
    },
  });
}

/** Runs every pending migration; several processes may call this at once (Kysely takes a lock). */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Brings the schema exactly to `name` (restore rebuilds a backup's schema this way). Pass
 * `inCallersTransaction` when `db` is one connection on which the caller has opened a transaction:
 * the migrations then run in it and commit or roll back with the caller's work.
 */
export async function migrateTo(db: Db, name: string, options: { inCallersTransaction?: boolean } = {}): Promise<string[]> {
  const { error, results } = await migrator(db, { disableTransactions: options.inCallersTransaction ?? false }).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Every migration this code knows, oldest first. */
export const knownSchemaVersions = (): string[] => Object.keys(migrations).sort();

/** The newest migration this code knows: the schema version written into backups. */
export const latestSchemaVersion = (): string => Object.keys(migrations).sort().at(-1) ?? '';
