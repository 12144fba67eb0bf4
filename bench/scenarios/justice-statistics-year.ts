import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_JUSTICE_CASES, justiceUsers } from '../justice-data.ts';

/** Issue 12's target: the law-enforcement figures for one year p95 < 100 ms. */
const scenario: Scenario = {
  name: 'justice-statistics-year',
  description: `GET /api/v1/justice/statistics?year= (calendar and US years 2006 to 2025 in turn) as an analyst, over ${BENCH_JUSTICE_CASES} criminal cases`,
  setup: async (ctx) => {
    ctx.state.session = await ctx.signIn((await justiceUsers(ctx)).analyst);
  },
  request: (ctx, n) => ({
    method: 'GET',
    path: `/api/v1/justice/statistics?year=${2006 + (n % 20)}&yearKind=${n % 2 === 0 ? 'calendar' : 'us_tip'}`,
    headers: { cookie: (ctx.state.session as BenchSession).cookie },
    expect: 200,
  }),
};
export default scenario;
