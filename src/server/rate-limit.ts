import { sql } from 'kysely';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Db } from './db/database.ts';

type Result = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Result) => void;

/**
 * The `@fastify/rate-limit` store that counts in PostgreSQL (`rate_limit_counters`, migration 0135),
 * so that a limit holds in total whatever the number of Pathway processes (issue 16). Each limited
 * request is one atomic `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`: a fixed window per limit and
 * client key, as the plugin's own in-memory store counts, started again by the first hit after it
 * ends. Rows whose window has ended are deleted by the housekeeping round (`pruneExpired`).
 *
 * Each limit is its own bucket, as each had its own in-memory counters before: a route's limit is
 * named by its method and URL, a limit made with `app.rateLimit()` for a group of routes by the
 * `groupId` it is given (it must have one).
 *
 * The client key (an address, an IPv6 one by its /64) is stored only as a keyed hash (`hashKey`,
 * under the master key): the table, and a backup taken while it holds rows, never name an address
 * (public reporters' above all).
 *
 * When the database cannot be reached the count fails and so does the request: the error handler
 * answers 503 `database_unavailable` (the plugin's `skipOnError` stays off). A limit is never waived
 * while it cannot be counted, and every limited route needs the database for its own work anyway.
 */
export function postgresRateLimitStore(db: Db, hashKey: (key: string) => string): FastifyRateLimitStoreCtor {
  return class {
    constructor() {
      return new PostgresRateLimitStore(db, hashKey, null);
    }
  } as unknown as FastifyRateLimitStoreCtor;
}

type ChildOptions = { groupId?: unknown; routeInfo?: { method?: unknown; url?: unknown } };

class PostgresRateLimitStore implements FastifyRateLimitStore {
  constructor(
    private readonly db: Db,
    private readonly hashKey: (key: string) => string,
    private readonly bucket: string | null,
  ) {}

  incr(key: string, cb: Callback, timeWindow: number, _max: number): void {
    if (this.bucket === null) return cb(new Error('rate limit store used without a bucket'));
    incrementHits(this.db, this.bucket, this.hashKey(key), timeWindow).then(
      (r) => cb(null, r),
      (err: unknown) => cb(err as Error),
    );
  }

  /** The plugin's non-mutating peek (`{ increment: false }`). */
  read(key: string, cb: Callback): void {
    if (this.bucket === null) return cb(new Error('rate limit store used without a bucket'));
    readHits(this.db, this.bucket, this.hashKey(key)).then(
      (r) => cb(null, r),
      (err: unknown) => cb(err as Error),
    );
  }

  child(options: unknown): FastifyRateLimitStore {
    const o = options as ChildOptions;
    const method = o.routeInfo?.method;
    const url = o.routeInfo?.url;
    let bucket: string;
    if (typeof o.groupId === 'string' && o.groupId) bucket = `group:${o.groupId}`;
    else if (typeof url === 'string' && url) bucket = `route:${Array.isArray(method) ? method.join(',') : String(method)} ${url}`;
    // Fail at start-up: an unnamed limit would share its counters with every other unnamed one.
    else throw new Error('A rate limit made with app.rateLimit() needs a groupId to name its counters');
    return new PostgresRateLimitStore(this.db, this.hashKey, bucket);
  }
}

/** Counts one hit of `key` against `bucket` in a window of `timeWindowMs`: the hits so far in the window and the time left of it. */
export async function incrementHits(db: Db, bucket: string, key: string, timeWindowMs: number): Promise<Result> {
  // clock_timestamp(), not now(): a statement that waited for another's row lock must judge the
  // window at the time it counts, not when it began.
  const { rows } = await sql<{ hits: number; ttl: number }>`
    INSERT INTO rate_limit_counters AS c (bucket, key, hits, window_ends_at)
    VALUES (${bucket}, ${key}, 1, clock_timestamp() + make_interval(secs => ${timeWindowMs / 1000}))
    ON CONFLICT (bucket, key) DO UPDATE SET
      hits = CASE WHEN c.window_ends_at <= clock_timestamp() THEN 1 ELSE c.hits + 1 END,
      window_ends_at = CASE WHEN c.window_ends_at <= clock_timestamp() THEN clock_timestamp() + make_interval(secs => ${timeWindowMs / 1000}) ELSE c.window_ends_at END
    RETURNING hits, least(${timeWindowMs}::int, greatest(0, ceil(extract(epoch FROM window_ends_at - clock_timestamp()) * 1000)))::int AS ttl`.execute(db);
  const r = rows[0]!;
  return { current: r.hits, ttl: r.ttl };
}

async function readHits(db: Db, bucket: string, key: string): Promise<Result> {
  const r = await db
    .selectFrom('rateLimitCounters')
    .select(['hits', sql<number>`greatest(0, ceil(extract(epoch FROM window_ends_at - clock_timestamp()) * 1000))::int`.as('ttl')])
    .where('bucket', '=', bucket)
    .where('key', '=', key)
    .where('windowEndsAt', '>', sql<Date>`clock_timestamp()`)
    .executeTakeFirst();
  return r ? { current: r.hits, ttl: r.ttl } : { current: 0, ttl: 0 };
}
