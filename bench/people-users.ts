import { sql } from 'kysely';
import { SYSTEM_ACTOR } from '../src/server/audit/audit.ts';
import type { Db } from '../src/server/db/database.ts';
import { createUser } from '../src/server/modules/users/service.ts';
import { generatePeople } from './people-data.ts';
import type { BenchContext, BenchUser } from './scenario.ts';

const PASSWORD = 'benchmark password 1';

async function caseWorker(db: Db, email: string, agencyId: string): Promise<BenchUser> {
  const existing = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (existing) return { id: existing.id, email, password: PASSWORD, agencyId };
  const { user } = await createUser(db, SYSTEM_ACTOR, { email, name: email, language: 'en', agencyId, roles: ['case_worker'], isServiceAccount: false, password: PASSWORD });
  return { id: user.id, email, password: PASSWORD, agencyId };
}

/** How many people of other agencies are shared with the small agency's case worker. */
export const BENCH_GRANTS = 2000;

/**
 * The people dataset and the two case workers the people scenarios search as: one of a mid-sized
 * agency (the tenth largest), and one of the smallest agency, to whom `BENCH_GRANTS` people of other
 * agencies have been shared (referral grants), as an agency receiving referrals would have.
 */
export async function peopleUsers(ctx: BenchContext): Promise<{ agencyWorker: BenchUser; grantedWorker: BenchUser }> {
  const agencies = await generatePeople(ctx.db, undefined, (line) => process.stderr.write(`${line}\n`));
  const mid = agencies[Math.min(9, agencies.length - 1)]!;
  const small = agencies.at(-1)!;
  const agencyWorker = await caseWorker(ctx.db, 'people-agency@bench.pathway.local', mid);
  const grantedWorker = await caseWorker(ctx.db, 'people-granted@bench.pathway.local', small);
  const granted = await ctx.db.selectFrom('accessGrants').select((eb) => eb.fn.countAll<string>().as('n')).where('recordType', '=', 'person').where('granteeAgencyId', '=', small).executeTakeFirstOrThrow();
  if (Number(granted.n) < BENCH_GRANTS) await sql`INSERT INTO access_grants (record_type, record_id, grantee_agency_id, sections, kind, granted_by)
    SELECT 'person', p.id, ${small}, ARRAY['identity','details'], 'referral', NULL
    FROM people p
    WHERE p.owner_agency_id <> ${small}
      AND NOT EXISTS (SELECT 1 FROM access_grants g WHERE g.record_type = 'person' AND g.record_id = p.id AND g.grantee_agency_id = ${small})
    ORDER BY p.id
    LIMIT ${BENCH_GRANTS - Number(granted.n)}`.execute(ctx.db);
  await sql`ANALYZE access_grants`.execute(ctx.db);
  return { agencyWorker, grantedWorker };
}
