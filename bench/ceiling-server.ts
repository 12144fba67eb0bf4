/**
 * The bare ceiling (issue 16, "Per-request cost"): a Fastify + `pg` server with nothing of Pathway's
 * but the SQL. It runs the statements Pathway itself ran for a request, captured by
 * `bench/ceiling.ts` (same text, same parameters), and answers the rows as JSON: no session, no
 * access check in JavaScript, no validation, no audit. What Pathway serves beside it in the same run
 * shows what Pathway's own request path costs.
 *
 * Routes: `GET /read/:name?i=` runs the i-th captured read of that name (all its statements, in
 * order); `POST /create` runs the captured INSERT of a case in a transaction with a new id.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';

type Statement = { sql: string; parameters: unknown[] };
export type CeilingSpec = {
  reads: Record<string, Statement[][]>;
  /** The case INSERT and the index of its `id` parameter, replaced by a new UUID each time. */
  create?: { statement: Statement; idIndex: number };
};

/** JSON turned a Buffer parameter into {type:'Buffer',data}: back to a Buffer for pg. */
const revive = (v: unknown): unknown =>
  v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data) ? Buffer.from((v as { data: number[] }).data) : v;

const spec = JSON.parse(fs.readFileSync(process.env.CEILING_SPEC!, 'utf8')) as CeilingSpec;
for (const list of Object.values(spec.reads)) for (const stmts of list) for (const s of stmts) s.parameters = s.parameters.map(revive);
if (spec.create) spec.create.statement.parameters = spec.create.statement.parameters.map(revive);

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.CEILING_POOL ?? 10) });
const app = Fastify({ logger: false });

app.get<{ Params: { name: string }; Querystring: { i?: string } }>('/read/:name', async (req, reply) => {
  const list = spec.reads[req.params.name];
  if (!list) return reply.status(404).send({ error: 'no such read' });
  const stmts = list[Number(req.query.i ?? 0) % list.length]!;
  let rows: unknown[] = [];
  for (const s of stmts) rows = (await pool.query(s.sql, s.parameters)).rows;
  return { items: rows };
});

app.post('/create', async (_req, reply) => {
  if (!spec.create) return reply.status(404).send({ error: 'no create' });
  const { statement, idIndex } = spec.create;
  const params = [...statement.parameters];
  params[idIndex] = crypto.randomUUID();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const r = await client.query(statement.sql, params);
    await client.query('COMMIT');
    return reply.status(201).send(r.rows[0]);
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
});

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${address}\n`);
const stop = () => void app.close().then(() => pool.end()).then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
