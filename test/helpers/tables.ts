import { sql } from 'kysely';
import type { Db } from '../../src/server/db/database.ts';

/** Every row of every public table as PostgreSQL's own jsonb text, sorted: two databases with equal dumps hold the same data. */
export async function dumpAllTables(db: Db): Promise<Record<string, string[]>> {
  const raw = db.withoutPlugins();
  const tables = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`.execute(raw);
  const out: Record<string, string[]> = {};
  for (const { name } of tables.rows) {
    const rows = await sql<{ row: string }>`SELECT to_jsonb(t)::text AS row FROM ${sql.id('public', name)} t ORDER BY 1`.execute(raw);
    out[name] = rows.rows.map((r) => r.row);
  }
  return out;
}

/** Changes one audit entry behind the append-only triggers' back, as a tamperer with superuser rights would. */
export async function tamperAuditEntry(db: Db, seq: number, action: string): Promise<void> {
  await db.connection().execute(async (c) => {
    await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(c);
    try {
      await sql`UPDATE audit_log SET action = ${action} WHERE seq = ${seq}`.execute(c);
    } finally {
      await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(c);
    }
  });
}
