import type { Config } from '../config.ts';
import { createDb, migrateToLatest, type Db } from './database.ts';
import { runningEmbeddedUrl, startEmbeddedPostgres } from './embedded.ts';
import { ensureRoles } from '../modules/roles/service.ts';
import { deriveKeys, resolveSecretKey } from '../crypto/keys.ts';
import { runDataSteps } from './data-steps.ts';

export type OpenDatabase = { db: Db; kind: 'embedded' | 'external'; url: string; close: () => Promise<void> };

/**
 * DATABASE_URL set: that server. Otherwise Pathway's own embedded PostgreSQL in the data folder.
 * Either way the schema is brought to the latest migration, the data steps that need the master key
 * have run (data-steps.ts) and the built-in roles exist, unless
 * `prepare: false` (the CLI's migrate, backup and restore look at the schema as it is). With
 * `attach`, a command-line tool uses the embedded server a running Pathway already has for the folder.
 */
export async function openDatabase(
  config: Config,
  log: (line: string) => void = () => {},
  options: { prepare?: boolean; attach?: boolean } = {},
): Promise<OpenDatabase> {
  const running = !config.databaseUrl && options.attach ? runningEmbeddedUrl(config.dataDir) : null;
  const embedded = config.databaseUrl || running ? null : await startEmbeddedPostgres(config.dataDir, log);
  const url = config.databaseUrl ?? running ?? embedded!.url;
  const db = createDb(url);
  try {
    if (options.prepare ?? true) {
      await migrateToLatest(db);
      await ensureRoles(db);
      await runDataSteps(db, () => deriveKeys(resolveSecretKey(config)));
    }
  } catch (e) {
    await db.destroy();
    await embedded?.stop();
    throw e;
  }
  return {
    db,
    kind: embedded || running ? 'embedded' : 'external',
    url,
    close: async () => {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
