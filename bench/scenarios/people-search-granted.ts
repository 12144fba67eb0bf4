import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_PEOPLE, PEOPLE_QUERIES } from '../people-data.ts';
import { BENCH_GRANTS, peopleUsers } from '../people-users.ts';

/** The same search as a case worker of a small agency who sees mostly people shared with it by grants. */
const scenario: Scenario = {
  name: 'people-search-granted',
  description: `GET /api/v1/people/search?q= as a case worker of the smallest agency with ${BENCH_GRANTS} people of other agencies shared with it, over ${BENCH_PEOPLE} people`,
  setup: async (ctx) => {
    const { grantedWorker } = await peopleUsers(ctx);
    ctx.state.session = await ctx.signIn(grantedWorker);
  },
  request: (ctx, n) => ({
    method: 'GET',
    path: `/api/v1/people/search?q=${encodeURIComponent(PEOPLE_QUERIES[n % PEOPLE_QUERIES.length]!)}`,
    headers: { cookie: (ctx.state.session as BenchSession).cookie },
    expect: 200,
  }),
};
export default scenario;
