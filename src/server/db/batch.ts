import { CamelCasePlugin, createQueryId, type Compilable } from 'kysely';
import pg from 'pg';
import pgUtils from 'pg/lib/utils.js';
import type { Db } from './database.ts';

/**
 * Several reads in one round trip to PostgreSQL, as of one snapshot.
 *
 * node-postgres sends one query per round trip, and a page made of a dozen small queries pays a
 * dozen round trips (each slow on a busy machine). PostgreSQL's simple query protocol takes many
 * statements in one message and returns each one's rows, so the queries, built with Kysely as
 * everywhere else, are compiled, their parameters written as quoted literals (pg's own
 * `prepareValue` and `escapeLiteral`: the same text the driver would send as a parameter, so an
 * untyped literal takes its type from the context exactly as a parameter does), and sent together
 * between `BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY` and `COMMIT`. Rows are parsed by the
 * same type parsers and their column names converted as Kysely's CamelCasePlugin does.
 */

const pools = new WeakMap<object, pg.Pool>();
/** Called by `createDb` so that the batch can borrow a client of the same pool. */
export const registerPool = (db: object, pool: pg.Pool) => pools.set(db, pool);

const camel = new CamelCasePlugin({ maintainNestedObjectKeys: true });

/** One parameter as a SQL literal: what pg would send for it, quoted. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('a query parameter is not a finite number');
    return String(value);
  }
  const text = pgUtils.prepareValue(value);
  if (text === null) return 'NULL';
  if (typeof text !== 'string') throw new Error('a query parameter cannot be written as a literal');
  return pg.escapeLiteral(text);
}

/** The compiled query with `$n` replaced by literals (never inside quoted text or identifiers: Kysely writes `$n` only for parameters). */
export function inline(sqlText: string, parameters: readonly unknown[]): string {
  // Walk the text so that `$1` inside a string literal or a quoted identifier is left alone.
  let out = '';
  for (let i = 0; i < sqlText.length; ) {
    const ch = sqlText[i]!;
    if (ch === "'" || ch === '"') {
      const end = sqlText.indexOf(ch, i + 1);
      if (end < 0) throw new Error('unterminated quote in a compiled query');
      out += sqlText.slice(i, end + 1);
      i = end + 1;
      // A doubled quote inside is the next iteration's opening quote and is copied the same way.
      continue;
    }
    if (ch === '$') {
      const m = /^\$(\d+)/.exec(sqlText.slice(i));
      if (m) {
        const n = Number(m[1]);
        if (n < 1 || n > parameters.length) throw new Error(`query parameter $${n} is missing`);
        out += literal(parameters[n - 1]);
        i += m[0].length;
        continue;
      }
    }
    out += ch;
    i += 1;
  }
  return out;
}

type RowsOf<Q> = Q extends Compilable<infer R> ? R[] : never;
type RowsOfAll<T extends readonly Compilable<unknown>[]> = { -readonly [K in keyof T]: RowsOf<T[K]> };

/** A client of the database's pool for `work`; after an error its transaction is rolled back, and a client that cannot roll back is discarded. */
export async function withClient<T>(db: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const pool = pools.get(db);
  if (!pool) throw new Error('this database handle was not made by createDb');
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await work(client);
  } catch (err) {
    // A refusal thrown mid-transaction (a 404) leaves a healthy client once rolled back.
    await client.query('ROLLBACK').catch((e: unknown) => (broken = e as Error));
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * Runs the queries in one round trip and returns each one's rows, in order. `begin` opens the
 * read-only snapshot first and `commit` ends it after, so one snapshot may span two calls (a first
 * read that decides what the second reads).
 */
export async function readBatch<const T extends readonly Compilable<unknown>[]>(
  client: pg.PoolClient,
  queries: T,
  options: { begin: boolean; commit: boolean },
): Promise<RowsOfAll<T>> {
  const statements = queries.map((q) => {
    const c = q.compile();
    return inline(c.sql, c.parameters);
  });
  const first = options.begin ? 1 : 0;
  const text = [...(options.begin ? ['BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY'] : []), ...statements, ...(options.commit ? ['COMMIT'] : [])].join(';\n');
  if (text === '') return [] as unknown as RowsOfAll<T>;
  const raw = (await client.query(text)) as unknown as pg.QueryResult<Record<string, unknown>> | pg.QueryResult<Record<string, unknown>>[];
  const results = Array.isArray(raw) ? raw : [raw];
  const out: unknown[] = [];
  for (let i = 0; i < queries.length; i += 1) {
    const r = await camel.transformResult({ result: { rows: results[first + i]!.rows }, queryId: createQueryId() });
    out.push(r.rows);
  }
  return out as RowsOfAll<T>;
}
