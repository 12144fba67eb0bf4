import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_CASES, generateCases } from '../cases-data.ts';
import { peopleUsers } from '../people-users.ts';

const FILTERS = ['status=active', 'status=active&exploitation=forced_labour', 'exploitation=sexual_exploitation', 'region=Baku', 'victimStatus=presumed', ''];

/** Issue 4's target: a case worker's filtered, paginated case list p95 under 30 ms, with the access filter. */
const scenario: Scenario = {
  name: 'case-list',
  description: `GET /api/v1/cases?<filters>&limit=50 as a case worker of a mid-sized agency, over up to ${BENCH_CASES} cases in many agencies`,
  setup: async (ctx) => {
    await generateCases(ctx.db, ctx.admin.id, undefined, (line) => process.stderr.write(`${line}\n`));
    const { agencyWorker } = await peopleUsers(ctx);
    ctx.state.session = await ctx.signIn(agencyWorker);
  },
  request: (ctx, n) => ({
    method: 'GET',
    path: `/api/v1/cases?limit=50&${FILTERS[n % FILTERS.length]}`,
    headers: { cookie: (ctx.state.session as BenchSession).cookie },
    expect: 200,
  }),
};
export default scenario;
