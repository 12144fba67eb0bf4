import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_JUSTICE_CASES, justiceUsers } from '../justice-data.ts';

const FILTERS = ['', 'status=final', 'form=labour', 'form=sexual', 'article=144-1', 'complicity=true', 'sort=openedOn', 'status=investigation', 'number=BJ-0001', 'openedFrom=2020-01-01&openedTo=2020-12-31'];

/** Issue 12's target: the criminal-case list p95 < 30 ms, with the access rule in its SQL. */
const scenario: Scenario = {
  name: 'justice-case-list',
  description: `GET /api/v1/justice/cases?<filter>&limit=50 cycling through ${FILTERS.length} filters, as an investigator of one of 20 agencies, over ${BENCH_JUSTICE_CASES} criminal cases`,
  setup: async (ctx) => {
    ctx.state.session = await ctx.signIn((await justiceUsers(ctx)).investigator);
  },
  request: (ctx, n) => ({
    method: 'GET',
    path: `/api/v1/justice/cases?limit=50${FILTERS[n % FILTERS.length] ? `&${FILTERS[n % FILTERS.length]}` : ''}`,
    headers: { cookie: (ctx.state.session as BenchSession).cookie },
    expect: 200,
  }),
};
export default scenario;
