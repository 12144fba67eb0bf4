import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_JUSTICE_CASES, justiceUsers } from '../justice-data.ts';

/** Issue 12's target: the figures for all years p95 < 300 ms. */
const scenario: Scenario = {
  name: 'justice-statistics-all',
  description: `GET /api/v1/justice/statistics?from=2005-01-01&to=<today> (one request in three for one form) as an analyst, over ${BENCH_JUSTICE_CASES} criminal cases`,
  setup: async (ctx) => {
    ctx.state.session = await ctx.signIn((await justiceUsers(ctx)).analyst);
    ctx.state.today = new Date().toISOString().slice(0, 10);
  },
  request: (ctx, n) => ({
    method: 'GET',
    path: `/api/v1/justice/statistics?from=2005-01-01&to=${ctx.state.today as string}${n % 3 === 2 ? '&form=labour' : ''}`,
    headers: { cookie: (ctx.state.session as BenchSession).cookie },
    expect: 200,
  }),
};
export default scenario;
