import { CompiledQuery, Kysely, PostgresDialect, PostgresDriver, sql, CamelCasePlugin, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from 'kysely';
import { createDb, databaseUnavailable, poolOf, type Db, type PoolOptions } from './database.ts';
import type { Database } from './types.ts';

/**
 * Reads that tolerate a little lag (national statistics, dashboards, public pages, aggregate exports)
 * on a streaming standby (`DATABASE_READ_URL`), everything else on the primary.
 *
 * `reads.db` is a Kysely handle like any other. Without a read URL it *is* the primary's handle.
 * With one, each connection it hands out comes from the standby's pool while the standby is believed
 * up, else from the primary's:
 * - a new standby connection that cannot be made (refused, or no answer within `connectTimeoutMs`)
 *   marks the standby down and the query is served by the primary;
 * - a query outside a transaction that fails on the standby because it went away (or was cancelled by
 *   a conflict with recovery, SQLSTATE 40001) is run again on the primary;
 * - while down, no request tries the standby: a probe (`SELECT 1`) every `retryMs` in the background
 *   brings it back into use when it answers.
 * A query inside a transaction on the standby is not moved (its snapshot cannot be); its error reaches
 * the caller as any database error does (503 when the database is unavailable), and the standby is
 * marked down for the next requests.
 *
 * Never use `reads.db` for a read that must see the caller's own write, nor for a read whose audit
 * entry (written on the primary) must describe exactly what was read from victims' records: such
 * reads stay on `app.deps.db` (docs/ARCHITECTURE.md, "Read replica").
 */
export type ReadReplicaOptions = {
  /** Connections in the standby's pool. */
  max?: number;
  /** A new standby connection, or a free one in its pool, is waited for this long before the primary serves the read. */
  connectTimeoutMs?: number;
  /** How often a standby marked down is probed. */
  retryMs?: number;
  statementTimeoutMs?: number;
  /**
   * The most a standby may lag: every half of it the primary's WAL position is noted, and a standby
   * that has not replayed the position noted the time before (so it is at least half this behind,
   * at most all of it) is marked down, reads going to the primary until it catches up. This bounds
   * how long a withdrawn release or an unpublished incident can still be read from a stuck standby.
   */
  maxLagMs?: number;
  /** Told about a standby connection lost while idle, and about the standby going down or coming back. */
  onError?: (err: Error) => void;
  onStateChange?: (up: boolean, why: string | null) => void;
};

/** A standby connection waits at most this long by default: reads fall back to the primary quickly. */
export const DEFAULT_READ_CONNECT_TIMEOUT_MS = 2000;
/** A standby marked down is probed this often. */
export const DEFAULT_READ_RETRY_MS = 10_000;
/** A standby further behind than this is not read (`maxLagMs`). */
export const DEFAULT_READ_MAX_LAG_MS = 30_000;
/** The standby pool's application_name, seen in pg_stat_activity on the standby. */
export const READ_APPLICATION_NAME = 'pathway-read';

export type ReplicaState = {
  /** A read URL is set. */
  configured: boolean;
  /** Reads go to the standby (false: to the primary until a probe succeeds). */
  up: boolean;
  /** Why it was last marked down (no host names or addresses), null while up. */
  reason: string | null;
  /** Reads served by the standby, and reads the primary served in its place, since the start. */
  servedByReplica: number;
  servedByPrimary: number;
};

export type ReplicaHealth = { status: 'ok' | 'down'; standby: boolean | null; lagSeconds: number | null };

export class ReadPool {
  /** The handle for lag-tolerant reads (the primary's own when no replica is configured). */
  readonly db: Db;
  /** The standby's own handle (health, tests); null without a read URL. */
  readonly replica: Db | null;
  private up = true;
  private reason: string | null = null;
  private servedByReplica = 0;
  private servedByPrimary = 0;
  private probe: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly retryMs: number;
  private lagTimer: NodeJS.Timeout | null = null;
  /** The primary's WAL position at the last lag check. */
  private noted: string | null = null;
  /** Down for lag: the WAL position the standby must replay before it is read again. */
  private catchUpTo: string | null = null;

  constructor(
    readonly primary: Db,
    readUrl?: string,
    private readonly options: ReadReplicaOptions = {},
  ) {
    this.retryMs = options.retryMs ?? DEFAULT_READ_RETRY_MS;
    if (!readUrl) {
      this.db = primary;
      this.replica = null;
      return;
    }
    const poolOptions: PoolOptions = {
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_READ_CONNECT_TIMEOUT_MS,
      ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
      applicationName: READ_APPLICATION_NAME,
    };
    this.replica = createDb(readUrl, options.max ?? 10, poolOptions);
    const primaryPool = poolOf(primary);
    const replicaPool = poolOf(this.replica);
    if (!primaryPool || !replicaPool) throw new Error('the primary handle was not made by createDb');
    const router = new RoutingDriver(new PostgresDriver({ pool: replicaPool }), new PostgresDriver({ pool: primaryPool }), this);
    const lagEvery = (options.maxLagMs ?? DEFAULT_READ_MAX_LAG_MS) / 2;
    this.lagTimer = setInterval(() => void this.checkLag(), lagEvery);
    this.lagTimer.unref();
    this.db = new Kysely<Database>({
      dialect: new (class extends PostgresDialect {
        override createDriver(): Driver {
          return router;
        }
      })({ pool: primaryPool }),
      plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
    });
  }

  state(): ReplicaState {
    return { configured: this.replica !== null, up: this.replica !== null && this.up, reason: this.reason, servedByReplica: this.servedByReplica, servedByPrimary: this.servedByPrimary };
  }

  /** @internal Whether the next connection should come from the standby. */
  useReplica(): boolean {
    return this.replica !== null && this.up && !this.closed;
  }

  /** @internal Counts which side served a read. */
  served(side: 'replica' | 'primary'): void {
    if (side === 'replica') this.servedByReplica += 1;
    else this.servedByPrimary += 1;
  }

  /** @internal The standby failed to serve: reads go to the primary until a probe succeeds. */
  markDown(err: unknown): void {
    const why = databaseUnavailable(err) ?? 'the standby failed';
    if (!this.up) return;
    this.up = false;
    this.reason = why;
    this.options.onStateChange?.(false, why);
    this.scheduleProbe();
  }

  /**
   * Notes the primary's WAL position and marks the standby down when it has not replayed the position
   * noted the time before. A read URL that is no standby (no replay position) is not judged.
   */
  private async checkLag(): Promise<void> {
    if (this.closed || !this.up || !this.replica) return;
    let now: string;
    try {
      now = (await sql<{ lsn: string }>`SELECT pg_current_wal_lsn()::text AS lsn`.execute(this.primary)).rows[0]!.lsn;
    } catch {
      return; // the primary's outage is the primary's handling; nothing to judge the standby by
    }
    const before = this.noted;
    this.noted = now;
    if (before === null) return;
    try {
      const r = await sql<{ behind: boolean | null }>`SELECT pg_last_wal_replay_lsn() < ${before}::pg_lsn AS behind`.execute(this.replica);
      if (r.rows[0]?.behind === true && this.up) {
        this.catchUpTo = now;
        this.up = false;
        this.reason = 'the standby lags behind the primary';
        this.options.onStateChange?.(false, this.reason);
        this.scheduleProbe();
      }
    } catch (e) {
      if (databaseUnavailable(e)) this.markDown(e);
    }
  }

  private markUp(): void {
    if (this.up) return;
    this.up = true;
    this.catchUpTo = null;
    this.noted = null;
    this.reason = null;
    this.options.onStateChange?.(true, null);
  }

  private scheduleProbe(): void {
    if (this.closed || this.probe) return;
    this.probe = setTimeout(() => {
      this.probe = null;
      // Down for lag: back only once it has replayed what the primary had written then.
      const target = this.catchUpTo;
      const probe = target
        ? sql<{ ok: boolean | null }>`SELECT pg_last_wal_replay_lsn() IS NULL OR pg_last_wal_replay_lsn() >= ${target}::pg_lsn AS ok`.execute(this.replica!)
        : sql<{ ok: boolean }>`SELECT true AS ok`.execute(this.replica!);
      void probe.then(
        (r) => (r.rows[0]?.ok === false ? this.scheduleProbe() : this.markUp()),
        () => this.scheduleProbe(),
      );
    }, this.retryMs);
    this.probe.unref();
  }

  /**
   * Runs `work` on one server: the standby while it is believed up, else the primary. When the standby
   * fails (gone, or a query cancelled by recovery) the whole `work` runs again on the primary. Several
   * queries that must agree with each other (a cache's version and the page cached under it) use this:
   * through `db` each query could be served by a different server.
   */
  async pinned<T>(work: (db: Db) => Promise<T>): Promise<T> {
    if (!this.useReplica()) {
      this.served('primary');
      return work(this.primary);
    }
    try {
      const out = await work(this.replica!);
      this.served('replica');
      return out;
    } catch (e) {
      const why = fallsBack(e);
      if (!why) throw e;
      if (why === 'down') this.markDown(e);
      this.served('primary');
      return work(this.primary);
    }
  }

  /**
   * For the health check: asks the standby directly (whether it is in recovery, and the time since the
   * last transaction it replayed) and updates the state with the answer. Null without a read URL.
   */
  async check(timeoutMs: number): Promise<ReplicaHealth | null> {
    if (!this.replica) return null;
    let timer: NodeJS.Timeout | undefined;
    try {
      const r = await Promise.race([
        sql<{ standby: boolean; lag: number | null }>`SELECT pg_is_in_recovery() AS standby, extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS lag`.execute(this.replica),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout exceeded when trying to connect')), timeoutMs))),
      ]);
      // Answering is not enough for a standby marked down for lag: the probe decides when it caught up.
      if (!this.catchUpTo) this.markUp();
      const row = r.rows[0]!;
      return { status: 'ok', standby: row.standby, lagSeconds: row.lag === null ? null : Math.max(0, Math.round(row.lag * 10) / 10) };
    } catch (e) {
      if (databaseUnavailable(e)) this.markDown(e);
      return { status: 'down', standby: null, lagSeconds: null };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the standby's pool and its probe (the primary's handle is closed by its owner). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.lagTimer) clearInterval(this.lagTimer);
    this.lagTimer = null;
    if (this.probe) clearTimeout(this.probe);
    this.probe = null;
    await this.replica?.destroy();
  }
}

/** `pinned` of a read pool; a plain handle runs the work on itself (tests, the CLI). */
export function onOneServer(source: Db | ReadPool): <T>(work: (db: Db) => Promise<T>) => Promise<T> {
  return source instanceof ReadPool ? (work) => source.pinned(work) : (work) => work(source);
}

/** 57014 (a statement timeout) is a slow read, not a standby that went away: it is not run again on the primary. */
const fallsBack = (err: unknown): 'down' | 'conflict' | null => {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === '40001') return 'conflict';
  if (code === '57014') return null;
  return databaseUnavailable(err) ? 'down' : null;
};

class RoutedConnection implements DatabaseConnection {
  inTransaction = false;
  constructor(
    readonly inner: DatabaseConnection,
    readonly side: 'replica' | 'primary',
    private readonly driver: RoutingDriver,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(query);
    } catch (e) {
      if (this.side !== 'replica') throw e;
      const why = fallsBack(e);
      if (why === 'down') this.driver.pool.markDown(e);
      if (!why || this.inTransaction) throw e;
      return this.driver.onPrimary<R>(query);
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class RoutingDriver implements Driver {
  constructor(
    private readonly replica: PostgresDriver,
    private readonly primary: PostgresDriver,
    readonly pool: ReadPool,
  ) {}

  async init(): Promise<void> {
    await this.replica.init();
    await this.primary.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.pool.useReplica()) {
      try {
        const c = await this.replica.acquireConnection();
        this.pool.served('replica');
        return new RoutedConnection(c, 'replica', this);
      } catch (e) {
        if (!databaseUnavailable(e)) throw e;
        this.pool.markDown(e);
      }
    }
    const c = await this.primary.acquireConnection();
    this.pool.served('primary');
    return new RoutedConnection(c, 'primary', this);
  }

  /** One query on a primary connection of its own (a standby query that failed outside a transaction). */
  async onPrimary<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const c = await this.primary.acquireConnection();
    this.pool.served('primary');
    try {
      return await c.executeQuery<R>(query);
    } finally {
      await this.primary.releaseConnection(c as never);
    }
  }

  private driverOf(c: DatabaseConnection): PostgresDriver {
    return (c as RoutedConnection).side === 'replica' ? this.replica : this.primary;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = connection as RoutedConnection;
    c.inTransaction = true;
    await this.driverOf(c).beginTransaction(c.inner, settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as RoutedConnection;
    try {
      await this.driverOf(c).commitTransaction(c.inner);
    } finally {
      c.inTransaction = false;
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as RoutedConnection;
    try {
      await this.driverOf(c).rollbackTransaction(c.inner as never);
    } finally {
      c.inTransaction = false;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as RoutedConnection;
    await this.driverOf(c).releaseConnection(c.inner as never);
  }

  /** The pools belong to the primary's handle and to `ReadPool.close`. */
  async destroy(): Promise<void> {}
}
