import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_JUSTICE_CASES, justiceUsers } from '../justice-data.ts';

/** Issue 12's target: the criminal case page p95 < 30 ms (the read audited). */
const scenario: Scenario = {
  name: 'justice-case-page',
  description: `GET /api/v1/justice/cases/:id (defendants, charges, verdicts, sentences, timeline; the read audited) for 500 cases of the investigator's agency, over ${BENCH_JUSTICE_CASES} criminal cases`,
  setup: async (ctx) => {
    const { investigator } = await justiceUsers(ctx);
    ctx.state.session = await ctx.signIn(investigator);
    const ids = await ctx.db.selectFrom('criminalCases').select('id').where('ownerAgencyId', '=', investigator.agencyId).orderBy('openedOn', 'desc').limit(500).execute();
    if (ids.length === 0) throw new Error('justice-case-page: the agency has no criminal cases');
    ctx.state.ids = ids.map((r) => r.id);
  },
  request: (ctx, n) => {
    const ids = ctx.state.ids as string[];
    return { method: 'GET', path: `/api/v1/justice/cases/${ids[(n * 7919) % ids.length]}`, headers: { cookie: (ctx.state.session as BenchSession).cookie }, expect: 200 };
  },
};
export default scenario;
