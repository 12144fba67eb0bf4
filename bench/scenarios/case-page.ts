import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_CASES, generateCases } from '../cases-data.ts';
import { peopleUsers } from '../people-users.ts';

/** Issue 4's target: opening a case page (all its sections in one request) p95 under 30 ms, with the access check. */
const scenario: Scenario = {
  name: 'case-page',
  description: `GET /api/v1/cases/:id (every section; the read audited) for cases of a mid-sized agency, over up to ${BENCH_CASES} cases`,
  setup: async (ctx) => {
    await generateCases(ctx.db, ctx.admin.id, undefined, (line) => process.stderr.write(`${line}\n`));
    const { agencyWorker } = await peopleUsers(ctx);
    ctx.state.session = await ctx.signIn(agencyWorker);
    const ids = await ctx.db.selectFrom('cases').select('id').where('ownerAgencyId', '=', agencyWorker.agencyId).orderBy('createdAt', 'desc').limit(500).execute();
    if (ids.length === 0) throw new Error('case-page: the agency has no cases');
    ctx.state.ids = ids.map((r) => r.id);
  },
  request: (ctx, n) => {
    const ids = ctx.state.ids as string[];
    return { method: 'GET', path: `/api/v1/cases/${ids[(n * 7919) % ids.length]}`, headers: { cookie: (ctx.state.session as BenchSession).cookie }, expect: 200 };
  },
};
export default scenario;
