import type { Config } from '../config.ts';
import { createDb, migrateToLatest, type Db, type PoolOptions } from './database.ts';
import { runningEmbeddedUrl, startEmbeddedPostgres, type EmbeddedServer } from './embedded.ts';
import { ensureRoles } from '../modules/roles/service.ts';
import { deriveKeys, resolveSecretKey } from '../crypto/keys.ts';
import { runDataSteps } from './data-steps.ts';
import { ReadPool, type ReadReplicaOptions } from './read-replica.ts';

export type OpenDatabase = {
  db: Db;
  /** Lag-tolerant reads: on DATABASE_READ_URL's standby when set (server only), else on `db`. */
  reads: ReadPool;
  kind: 'embedded' | 'external';
  url: string;
  close: () => Promise<void>;
  /** The embedded PostgreSQL's supervision (null for an external one): told when it died and was started again. */
  embedded: EmbeddedServer | null;
};

/**
 * DATABASE_URL set: that server. Otherwise Pathway's own embedded PostgreSQL in the data folder.
 * Either way the schema is brought to the latest migration, the data steps that need the master key
 * have run (data-steps.ts) and the built-in roles exist, unless
 * `prepare: false` (the CLI's migrate, backup and restore look at the schema as it is). With
 * `attach`, a command-line tool uses the embedded server a running Pathway already has for the folder.
 * With `pool` (the server), the handle returned has those timeouts; the schema work before it runs
 * on a pool without them (a data step over a large table may take minutes). With `pool` and
 * DATABASE_READ_URL, `reads` also has a pool on the standby (read-replica.ts); otherwise `reads.db`
 * is `db`.
 */
export async function openDatabase(
  config: Config,
  log: (line: string) => void = () => {},
  options: { prepare?: boolean; attach?: boolean; pool?: PoolOptions; readReplica?: ReadReplicaOptions } = {},
): Promise<OpenDatabase> {
  const running = !config.databaseUrl && options.attach ? runningEmbeddedUrl(config.dataDir) : null;
  const embedded = config.databaseUrl || running ? null : await startEmbeddedPostgres(config.dataDir, log);
  const url = config.databaseUrl ?? running ?? embedded!.url;
  let db = createDb(url);
  let reads: ReadPool | undefined;
  try {
    if (options.prepare ?? true) {
      await migrateToLatest(db);
      await ensureRoles(db);
      await runDataSteps(db, () => deriveKeys(resolveSecretKey(config)));
    }
    if (options.pool) {
      const prepared = db;
      db = createDb(url, 10, options.pool);
      await prepared.destroy();
    }
    reads =
      options.pool && config.databaseReadUrl
        ? new ReadPool(db, config.databaseReadUrl, {
            ...(options.pool.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.pool.statementTimeoutMs } : {}),
            ...(options.pool.onError ? { onError: options.pool.onError } : {}),
            ...(options.readReplica ?? {}),
          })
        : new ReadPool(db);
  } catch (e) {
    await db.destroy();
    await embedded?.stop();
    throw e;
  }
  return {
    db,
    kind: embedded || running ? 'embedded' : 'external',
    url,
    embedded,
    reads,
    close: async () => {
      await reads.close();
      await db.destroy();
      await embedded?.stop();
    },
  };
}
