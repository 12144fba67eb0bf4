import { CamelCasePlugin, createQueryId, type Compilable } from 'kysely';
import crypto from 'node:crypto';
import pg from 'pg';
import pgUtils from 'pg/lib/utils.js';
import type { Db } from './database.ts';

/**
 * Several statements in one round trip to PostgreSQL.
 *
 * node-postgres sends one query per round trip, and a page made of a dozen small queries pays a
 * dozen round trips (each slow on a busy machine). PostgreSQL's simple query protocol takes many
 * statements in one message and returns each one's rows. `runStatements` sends compiled statements
 * so: one whose text does not vary (`prepare`) becomes a statement prepared on the connection once
 * (`PREPARE pw_<hash of its text> AS ...`, parameter types inferred from the text as for a bound
 * parameter) and is run with `EXECUTE name(...)`; the others go with their parameters written in
 * (`inline`). Parameters are written as quoted literals (pg's own `prepareValue`, and its
 * `escapeLiteral`'s rules: the text the driver would send, untyped, so it takes the parameter's
 * type). Prepared statements spare the planning, which costs more than running small queries, but
 * keep a generic plan: a statement that reads a table that grows is better planned each time. After
 * an error the connection's prepared statements are forgotten (`DEALLOCATE ALL` on its next round
 * trip). Values written into the text show in `pg_stat_activity` and in PostgreSQL's log of a failed
 * statement, where bound parameters would not. `readBatch` sends reads between `BEGIN ISOLATION
 * LEVEL REPEATABLE READ, READ ONLY` and `COMMIT`. Rows are parsed by the same type parsers and their
 * column names converted as Kysely's CamelCasePlugin does.
 */

const pools = new WeakMap<object, pg.Pool>();
/** Called by `createDb` so that the batch can borrow a client of the same pool. */
export const registerPool = (db: object, pool: pg.Pool) => pools.set(db, pool);

/** The statements prepared on each connection of the pool, by name. */
const prepared = new WeakMap<pg.PoolClient, Set<string>>();

const camel = new CamelCasePlugin({ maintainNestedObjectKeys: true });

/**
 * pg's `escapeLiteral`, the same text (quotes doubled; with a backslash, ` E'...'` and backslashes
 * doubled) made with native replaces rather than one string append per character, which costs
 * more than the rest of a batch's work when its values are kilobytes of sealed data.
 */
function escapeText(text: string): string {
  const quoted = text.includes("'") ? text.replace(/'/g, "''") : text;
  return text.includes('\\') ? ` E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/** One parameter as a SQL literal: what pg would send for it, quoted; NULL for null. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  // Numbers and booleans are quoted too, as the untyped text a bound parameter is: `'-1'`, never
  // `-1` (which could make `--` with a minus before it, or bind wrongly in `-1::text`).
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('a query parameter is not a finite number');
  const text = pgUtils.prepareValue(value);
  if (text === null) return 'NULL';
  if (typeof text !== 'string') throw new Error('a query parameter cannot be written as a literal');
  return escapeText(text);
}

/** Where `inline` has to look: a quote, a parameter, or the start of a comment. */
const NOTABLE = /['"$]|--|\/\*/g;
const PARAMETER = /\$(\d+)/y;
const WORD_CHAR = /[A-Za-z0-9_]/;

/**
 * The compiled query with `$n` replaced by literals. Only for SQL that Kysely compiled from builders:
 * it knows `'...'` and `"..."` and refuses anything else that could hide a `$n` (comments, dollar
 * quotes, `E'...'` strings, a `$` inside a word), so a parameter never lands inside other text.
 */
export function inline(sqlText: string, parameters: readonly unknown[]): string {
  const parts: string[] = [];
  // The last character written so far (a word character before a quote or a `$` is refused).
  let last = '';
  const put = (piece: string) => {
    if (piece.length === 0) return;
    parts.push(piece);
    last = piece[piece.length - 1]!;
  };
  let i = 0;
  for (;;) {
    NOTABLE.lastIndex = i;
    const m = NOTABLE.exec(sqlText);
    if (!m) {
      put(sqlText.slice(i));
      break;
    }
    put(sqlText.slice(i, m.index));
    i = m.index;
    const token = m[0];
    if (token === '--' || token === '/*') throw new Error('a compiled query to inline has a comment');
    if (token === "'" || token === '"') {
      if (token === "'" && WORD_CHAR.test(last)) throw new Error('a compiled query to inline has a prefixed string (E\'...\')');
      const end = sqlText.indexOf(token, i + 1);
      if (end < 0) throw new Error('unterminated quote in a compiled query');
      // A doubled quote inside is the next round's opening quote and is copied the same way.
      put(sqlText.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    PARAMETER.lastIndex = i;
    const p = PARAMETER.exec(sqlText);
    if (!p || WORD_CHAR.test(last)) throw new Error('a compiled query to inline has a $ that is not a parameter');
    const n = Number(p[1]);
    if (n < 1 || n > parameters.length) throw new Error(`query parameter $${n} is missing`);
    put(literal(parameters[n - 1]));
    i += p[0].length;
  }
  return parts.join('');
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
 * One statement of a round trip: compiled SQL and its parameters. `prepare`: its text does not vary
 * from call to call (arrays, not lists of values), so it is prepared on the connection once and run
 * with `EXECUTE` from then on; otherwise it is sent with its parameters written in (`inline`).
 */
export type Statement = { sql: string; parameters: readonly unknown[]; prepare?: boolean };

/** A statement that Kysely compiled (a builder, or `sql` with the database it runs on). */
export function statement(q: Compilable<unknown>, prepare = true): Statement {
  const c = q.compile();
  return { sql: c.sql, parameters: c.parameters, prepare };
}

/**
 * The statements in one round trip (PostgreSQL's simple query protocol runs them in order and answers
 * each one's rows), rows converted as Kysely's CamelCasePlugin does; one array of rows per statement,
 * in order. A statement that fails ends the message there: the error is thrown, and an open
 * transaction is then aborted (`withClient` rolls it back).
 */
export async function runStatements(client: pg.PoolClient, list: readonly Statement[]): Promise<Record<string, unknown>[][]> {
  if (list.length === 0) return [];
  let known = prepared.get(client);
  if (!known) prepared.set(client, (known = new Set()));
  const reset = known.has('*stale*');
  if (reset) known.clear();
  const preparing: string[] = [];
  const parts: string[] = [];
  // Which results are the callers' statements' (not PREPARE or DEALLOCATE).
  const theirs: boolean[] = [];
  // After a leading BEGIN, which must be the message's first statement to set an isolation level.
  const dealloc = reset ? (/^BEGIN\b/i.test(list[0]!.sql) ? 1 : 0) : -1;
  for (const [i, s] of list.entries()) {
    if (i === dealloc) {
      parts.push('DEALLOCATE ALL');
      theirs.push(false);
    }
    if (s.prepare) {
      const name = `pw_${crypto.createHash('sha256').update(s.sql).digest('hex').slice(0, 32)}`;
      if (!known.has(name) && !preparing.includes(name)) {
        parts.push(`PREPARE ${name} AS ${s.sql}`);
        theirs.push(false);
        preparing.push(name);
      }
      parts.push(s.parameters.length === 0 ? `EXECUTE ${name}` : `EXECUTE ${name}(${s.parameters.map(literal).join(', ')})`);
    } else {
      parts.push(s.parameters.length === 0 ? s.sql : inline(s.sql, s.parameters));
    }
    theirs.push(true);
  }
  if (dealloc === list.length) {
    parts.push('DEALLOCATE ALL');
    theirs.push(false);
  }
  let raw;
  try {
    raw = (await client.query(parts.join(';\n'))) as unknown as pg.QueryResult<Record<string, unknown>> | pg.QueryResult<Record<string, unknown>>[];
  } catch (err) {
    // Which of the new statements were prepared before the error is not known: forget them all on
    // this connection (`DEALLOCATE ALL` on its next round trip).
    prepared.set(client, new Set(['*stale*']));
    throw err;
  }
  for (const name of preparing) known.add(name);
  const results = Array.isArray(raw) ? raw : [raw];
  const out: Record<string, unknown>[][] = [];
  for (let i = 0; i < results.length; i += 1) {
    if (!theirs[i]) continue;
    const r = await camel.transformResult({ result: { rows: results[i]!.rows }, queryId: createQueryId() });
    out.push(r.rows as Record<string, unknown>[]);
  }
  return out;
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
  const plain = (text: string): Statement => ({ sql: text, parameters: [] });
  const rows = await runStatements(client, [
    ...(options.begin ? [plain('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY')] : []),
    ...queries.map((q) => statement(q)),
    ...(options.commit ? [plain('COMMIT')] : []),
  ]);
  const first = options.begin ? 1 : 0;
  return rows.slice(first, first + queries.length) as RowsOfAll<T>;
}
