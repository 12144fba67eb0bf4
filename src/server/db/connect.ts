import type { Config } from '../config.ts';
import { createDb, migrateToLatest, type Db } from './database.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { ensureRoles } from '../modules/roles/service.ts';

export type OpenDatabase = { db: Db; kind: 'embedded' | 'external'; url: string; close: () => Promise<void> };

/**
 * DATABASE_URL set: that server. Otherwise Pathway's own embedded PostgreSQL in the data folder.
 * Either way the schema is brought to the latest migration and the built-in roles exist, unless
 * `prepare: false` (the CLI's migrate, backup and restore look at the schema as it is).
 */
export async function openDatabase(
  config: Config,
  log: (line: string) => void = () => {},
  options: { prepare?: boolean } = {},
): Promise<OpenDatabase> {
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.dataDir, log);
  const url = config.databaseUrl ?? embedded!.url;
  const db = createDb(url);
  try {
    if (options.prepare ?? true) {
      await migrateToLatest(db);
      await ensureRoles(db);
    }
  } catch (e) {
    await db.destroy();
    await embedded?.stop();
    throw e;
  }
  return {
    db,
    kind: embedded ? 'embedded' : 'external',
    url,
    close: async () => {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
