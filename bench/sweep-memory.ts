/**
 * Memory and time of one reminder sweep (`sweepReminders`) over many waiting identification
 * referrals, on a database of its own (docs/nrm.md, "Tasks and reminders"):
 *
 *   SWEEP_DB_URL=postgres://postgres@127.0.0.1:5432/sweep_mem node --import tsx bench/sweep-memory.ts setup [waiting]
 *   SWEEP_DB_URL=... /usr/bin/time -v node --import tsx bench/sweep-memory.ts sweep [--mail] [--days-later=N]
 *   SWEEP_DB_URL=... node --import tsx bench/sweep-memory.ts reset      (forget the sweep's reminders, their marks and e-mails)
 *   SWEEP_DB_URL=... node --import tsx bench/sweep-memory.ts drop
 *
 * `setup` creates the database, migrates it and writes `waiting` (default 100,000) identification
 * referrals, pending or accepted, with no decision, sent over the last three years (about 90 a
 * day, so about 1,100 distinct sent days; half pending with their answer time past), and twice as
 * many completed service referrals beside them. The authority has two identification officers, so
 * with `--mail` each reasonable-grounds reminder queues two e-mails. `sweep` runs one sweep in this
 * process and prints the resident set size before and after and its sampled peak (run it under
 * `/usr/bin/time -v` for the kernel's maximum); `--days-later=N` sweeps as if N days had passed.
 */
import pg from 'pg';
import { sql } from 'kysely';
import { createDb, migrateToLatest } from '../src/server/db/database.ts';
import { ensureRoles } from '../src/server/modules/roles/service.ts';
import { insertUser } from '../src/server/modules/users/service.ts';
import { sweepReminders } from '../src/server/jobs/reminders.ts';

const url = process.env.SWEEP_DB_URL;
if (!url) throw new Error('set SWEEP_DB_URL to the database to create and use (not a database of yours)');
const name = new URL(url).pathname.slice(1);
if (!/^sweep_[a-z0-9_]+$/.test(name)) throw new Error('the database name must start with sweep_: this script drops it');
const admin = () => {
  const u = new URL(url);
  u.pathname = '/postgres';
  return new pg.Client({ connectionString: u.toString() });
};
const mb = (n: number) => Math.round(n / 1048576);
const [command = 'sweep', arg] = process.argv.slice(2);

if (command === 'setup') {
  const waiting = Number(arg ?? 100_000);
  const c = admin();
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const db = createDb(url, 2);
  await migrateToLatest(db);
  await ensureRoles(db);
  const ngo = (await db.insertInto('agencies').values({ name: 'Sweep NGO', type: 'ngo' }).returning('id').executeTakeFirstOrThrow()).id;
  const authority = (await db.insertInto('agencies').values({ name: 'Sweep authority', type: 'police' }).returning('id').executeTakeFirstOrThrow()).id;
  const mk = (email: string, agencyId: string, roles: ('case_worker' | 'identification_officer')[]) =>
    db.transaction().execute((tx) => insertUser(tx, { email, name: email, language: 'az', agencyId, roles, isServiceAccount: false, password: 'sweep sweep sweep sweep' }));
  const worker = (await mk('worker@sweep.example', ngo, ['case_worker'])).id;
  await mk('officer1@sweep.example', authority, ['identification_officer']);
  await mk('officer2@sweep.example', authority, ['identification_officer']);
  await sql`
    INSERT INTO cases (case_number, owner_agency_id, created_by)
    SELECT 'SWEEP-' || i, ${ngo}, ${worker} FROM generate_series(1, ${waiting}) i`.execute(db);
  const summary = JSON.stringify({ sex: 'female', ageBand: 'adult', nationality: 'AZ', exploitationForms: ['forced_labour'], region: 'Baku', eventDate: '2024-05' });
  await sql`
    WITH c AS (SELECT id, row_number() OVER (ORDER BY id) AS i FROM cases WHERE case_number LIKE 'SWEEP-%')
    INSERT INTO referrals (case_id, from_agency_id, from_user_id, to_agency_id, purpose, sections_requested, sections_shared, consent_basis, summary, status, sent_at, answer_due_at)
    SELECT c.id, ${ngo}, ${worker}, ${authority}, 'identification', '{summary,people,events}', '{summary,people,events}', 'consent', ${summary}::jsonb,
           CASE WHEN i % 2 = 0 THEN 'pending' ELSE 'accepted' END, s.at, s.at + interval '5 days'
    FROM c, LATERAL (SELECT now() - (i % 1100) * interval '1 day' - ((i * 7919) % 86400) * interval '1 second' AS at) s`.execute(db);
  await sql`
    WITH c AS (SELECT id, row_number() OVER (ORDER BY id) AS i FROM cases WHERE case_number LIKE 'SWEEP-%')
    INSERT INTO referrals (case_id, from_agency_id, from_user_id, to_agency_id, purpose, service_type, sections_requested, sections_shared, consent_basis, summary, status, sent_at, answer_due_at, completed_at)
    SELECT c.id, ${ngo}, ${worker}, ${authority}, 'services', 'shelter', '{summary,people}', '{summary,people}', 'consent', ${summary}::jsonb,
           'completed', now() - (i % 1100) * interval '1 day', now() - (i % 1100) * interval '1 day' + interval '5 days', now()
    FROM c, generate_series(1, 2)`.execute(db);
  await sql`VACUUM ANALYZE`.execute(db);
  console.log(`set up ${name}: ${waiting} waiting identification referrals`);
  await db.destroy();
} else if (command === 'sweep') {
  const db = createDb(url, 2);
  const mail = process.argv.includes('--mail') ? { from: 'pathway@sweep.example', consoleUrl: null, appUrl: 'https://pathway.example' } : null;
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = Date.now();
  try {
    const later = Number(process.argv.find((a) => a.startsWith('--days-later='))?.slice(13) ?? 0);
    const result = await sweepReminders(db, new Date(Date.now() + later * 86_400_000), mail);
    const ms = Date.now() - started;
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(JSON.stringify({ ...result, ms, rssBeforeMb: mb(before), rssAfterMb: mb(process.memoryUsage().rss), rssPeakSampledMb: mb(peak) }));
  } catch (e) {
    console.log(JSON.stringify({ failed: String(e).slice(0, 300), ms: Date.now() - started, rssBeforeMb: mb(before), rssPeakSampledMb: mb(peak) }));
  } finally {
    clearInterval(sampler);
    await db.destroy();
  }
} else if (command === 'reset') {
  const db = createDb(url, 2);
  await sql`DELETE FROM mail_outbox`.execute(db);
  await sql`DELETE FROM reminders`.execute(db);
  // The referrals' marks of their reminders (migration 0144) go with them.
  await sql`UPDATE referrals SET answer_reminded_at = NULL, rg_reminded_at = NULL WHERE answer_reminded_at IS NOT NULL OR rg_reminded_at IS NOT NULL`.execute(db);
  await sql`VACUUM ANALYZE reminders`.execute(db);
  await sql`VACUUM ANALYZE referrals`.execute(db);
  await sql`VACUUM ANALYZE mail_outbox`.execute(db);
  await db.destroy();
} else if (command === 'drop') {
  const c = admin();
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.end();
} else {
  throw new Error(`unknown command ${command}: setup, sweep, reset or drop`);
}
