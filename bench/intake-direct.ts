/**
 * `node --import tsx bench/intake-direct.ts [senders] [seconds]`: the intake's write path alone,
 * without HTTP: `intakeBatched` (and, for comparison, `intake`) called by concurrent senders in this
 * process against a fresh database (embedded, or a new one at BENCH_DATABASE_URL). Shows how many
 * contacts a second the database side takes, apart from the web server and the load generator.
 */
import crypto from 'node:crypto';
import { SYSTEM_ACTOR } from '../src/server/audit/audit.ts';
import { deriveKeys } from '../src/server/crypto/keys.ts';
import { createDb, migrateToLatest } from '../src/server/db/database.ts';
import { intake } from '../src/server/modules/telephony/intake.ts';
import { intakeBatched } from '../src/server/modules/telephony/intake-batch.ts';
import { summarize } from './load.ts';
import { freshDatabase } from './server.ts';

const senders = Number(process.argv[2] ?? 32);
const seconds = Number(process.argv[3] ?? 5);
const say = (line: string) => process.stderr.write(`${line}\n`);
const database = await freshDatabase(say);
const db = createDb(database.url, 10);
try {
  await migrateToLatest(db);
  const agency = (await db.insertInto('agencies').values({ name: 'Hotline', type: 'ngo' }).returning('id').executeTakeFirstOrThrow()).id;
  const keys = deriveKeys(crypto.randomBytes(32));
  for (const [name, write] of [['intake (one transaction each)', intake], ['intakeBatched', intakeBatched]] as const) {
    let n = 0;
    const latencies: number[] = [];
    const start = performance.now();
    const deadline = start + seconds * 1000;
    await Promise.all(
      Array.from({ length: senders }, async () => {
        while (performance.now() < deadline) {
          const i = n++;
          const t0 = performance.now();
          await write(db, keys, agency, SYSTEM_ACTOR, { source: 'twilio_message', eventId: `SM${name.length}${crypto.randomBytes(15).toString('hex')}`, channel: 'sms', kind: 'message', contactor: { kind: 'phone', value: `+99450${String(i).padStart(7, '0')}` }, body: 'x' });
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const r = summarize(Float64Array.from(latencies), 0, null, (performance.now() - start) / 1000);
    say(`${name}: ${r.opsPerSec} contacts/s  p50 ${r.p50Ms} ms  p95 ${r.p95Ms} ms  p99 ${r.p99Ms} ms  (${senders} senders, ${r.durationS} s)`);
  }
} finally {
  await db.destroy();
  await database.drop();
}
