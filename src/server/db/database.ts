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

/**
 * How a pool behaves when the database goes away. `connectTimeoutMs` bounds both a new connection
 * and the wait for a free one, so a request during an outage fails in seconds instead of hanging;
 * `statementTimeoutMs` (0: none) bounds each statement on the server and, a little later, on the
 * client (a database that vanished from the network without closing its connections).
 * `applicationName` names the pool's connections in pg_stat_activity (the read replica's pool).
 */
export type PoolOptions = { connectTimeoutMs?: number; statementTimeoutMs?: number; onError?: (err: Error) => void; applicationName?: string };

/** A new connection or a free slot: how long a request waits before it is answered 503. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

const pools = new WeakMap<object, pg.Pool>();
/** The pg pool behind a handle made by `createDb` (metrics read its counts). */
export const poolOf = (db: object): pg.Pool | undefined => pools.get(db);

export function createDb(connectionString: string, max = 10, options: PoolOptions = {}): Db {
  const statement = options.statementTimeoutMs ?? 0;
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
    ...(statement > 0 ? { statement_timeout: statement, query_timeout: statement + 5000 } : {}),
  });
  const report = options.onError ?? (() => undefined);
  // An idle client that loses its server is dropped by the pool; this is only told about it.
  pool.on('error', report);
  // A client checked out (inside a transaction, or between a batch's round trips) has no listener of
  // the pool's: a server shutting down (57P01) or dying would emit an unhandled 'error' and end the
  // process. The error reaches the caller through its next query instead, and the pool drops the
  // client when it is released (it is no longer queryable).
  pool.on('connect', (client) => client.on('error', report));
  // How long each checkout waited (a free connection, or a new one): emitted as 'pathway:wait' in
  // seconds for the metrics. Kysely and withClient take clients with connect() and no callback.
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  pool.connect = (async (...args: unknown[]) => {
    if (args.length > 0) return (connect as (...a: unknown[]) => unknown)(...args);
    const started = performance.now();
    try {
      return await connect();
    } finally {
      pool.emit('pathway:wait', (performance.now() - started) / 1000);
    }
  }) as typeof pool.connect;
  // Only column names are converted: keys inside jsonb values (audit changes, settings) come back as
  // stored, or an audit entry whose changes name a snake_case key would no longer match its hash.
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })] });
  registerPool(db, pool);
  pools.set(db, pool);
  return db;
}

const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting, recovering), 53300 too many connections, 57014 a statement timeout. */
const UNAVAILABLE_SQLSTATE = new Set(['57P01', '57P02', '57P03', '53300', '57014']);
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|not queryable|Query read timeout|Cannot use a pool after calling end|Client was closed/i;

/**
 * Why the database could not serve a query (it is down, restarting, unreachable or too slow), or
 * null when the error is of the query itself. Looks through `cause` and AggregateError (a host name
 * with several addresses) a few levels deep.
 */
export function databaseUnavailable(err: unknown, depth = 0): string | null {
  if (!err || typeof err !== 'object' || depth > 3) return null;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (UNAVAILABLE_ERRNO.has(code)) return `the database cannot be reached (${code})`;
  if (UNAVAILABLE_SQLSTATE.has(code) || code.startsWith('08')) return `the database refused the work (SQLSTATE ${code})`;
  if (UNAVAILABLE_MESSAGE.test(message)) return `the database connection failed (${message.slice(0, 80)})`;
  for (const inner of [e.cause, ...(Array.isArray(e.errors) ? (e.errors as unknown[]) : [])]) {
    const why = databaseUnavailable(inner, depth + 1);
    if (why) return why;
  }
  return null;
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
