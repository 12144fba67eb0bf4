/**
 * `node --import tsx bench/audit-verify.ts [entries] [--out file.json]`: verification of a large audit
 * log. A fresh database (embedded, or a new one at BENCH_DATABASE_URL; BENCH_DATABASE_NAME keeps it
 * for the next run) gets `entries` synthetic entries over the 16 chains (bench/audit-data.ts, hashed
 * by the writer's function), then `verifyAuditChain` walks them all, as `pathway audit verify` does,
 * and the time and entries/s are printed. Then the appends themselves: `appendAudit` from 1, 4 and 8
 * concurrent connections for a few seconds each, appends/s, to show they no longer queue behind one
 * lock.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { SYSTEM_ACTOR, anchorAuditChains, appendAudit, verifyAuditChain } from '../src/server/audit/audit.ts';
import { createDb, migrateToLatest } from '../src/server/db/database.ts';
import { summarize } from './load.ts';
import { generateAuditEntries } from './audit-data.ts';
import { freshDatabase } from './server.ts';

const { values, positionals } = parseArgs({ options: { out: { type: 'string' }, 'append-seconds': { type: 'string', default: '5' } }, allowPositionals: true });
const entries = Number(positionals[0] ?? 1_000_000);
const appendSeconds = Number(values['append-seconds']);
const say = (line: string) => process.stderr.write(`${line}\n`);
const database = await freshDatabase(say);
const db = createDb(database.url, 10);
try {
  await migrateToLatest(db);
  const have = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log`.execute(db)).rows[0]!.n);
  if (have === 0) await generateAuditEntries(db, entries, say);
  else say(`audit data: reusing the kept database's ${have} entries`);
  await anchorAuditChains(db);
  const load = os.loadavg();
  const started = performance.now();
  const report = await verifyAuditChain(db);
  const seconds = (performance.now() - started) / 1000;
  if (!report.ok) throw new Error(`the generated log does not verify: ${JSON.stringify(report.firstBroken)}`);
  const verify = { entries: report.checked, seconds: Number(seconds.toFixed(1)), entriesPerSecond: Math.round(report.checked / seconds), loadAverageBefore: load.map((l) => Number(l.toFixed(2))), loadAverageAfter: os.loadavg().map((l) => Number(l.toFixed(2))) };
  say(`verify: ${verify.entries} entries in ${verify.seconds} s, ${verify.entriesPerSecond} entries/s; 10,000,000 would take about ${Math.round(10_000_000 / verify.entriesPerSecond / 60)} min (load average ${verify.loadAverageBefore.join(', ')})`);

  const appends = [];
  for (const connections of [1, 4, 8]) {
    const pool = createDb(database.url, connections);
    try {
      const latencies: number[] = [];
      const deadline = performance.now() + appendSeconds * 1000;
      const start = performance.now();
      let n = 0;
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (performance.now() < deadline) {
            const t0 = performance.now();
            await pool.transaction().execute((tx) => appendAudit(tx, SYSTEM_ACTOR, { action: 'bench.append', recordType: 'case', recordId: String(n++), changes: { sections: ['summary'] } }));
            latencies.push(performance.now() - t0);
          }
        }),
      );
      const s = summarize(Float64Array.from(latencies), 0, null, (performance.now() - start) / 1000);
      appends.push({ connections, ...s, loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))) });
      say(`append: ${connections} connections: ${JSON.stringify(s)}`);
    } finally {
      await pool.destroy();
    }
  }
  const chains = await sql<{ chain: number; n: string }>`SELECT chain, count(*) AS n FROM audit_log WHERE action = 'bench.append' GROUP BY chain ORDER BY chain`.execute(db);
  const result = { at: new Date().toISOString(), cpus: os.cpus().length, verify, appends, appendChains: chains.rows.map((r) => ({ chain: r.chain, entries: Number(r.n) })) };
  if (values.out) fs.writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await db.destroy();
  await database.drop();
}
