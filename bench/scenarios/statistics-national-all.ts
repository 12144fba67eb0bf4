import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_CASES } from '../cases-data.ts';
import { BENCH_CONTACTS } from '../contacts-data.ts';
import { statisticsUsers } from '../statistics-data.ts';

/** Issue 13's target: the national tables over all years (the longest period the API takes, 20 years to the end of this one, holding everything generated) in under 1 s. */
const scenario: Scenario = {
  name: 'statistics-national-all',
  description: `GET /api/v1/statistics/national?from=<20 years back>&to=<end of this year> (labels in az, ru, en in turn) as an analyst, over ${BENCH_CASES} NRM cases and ${BENCH_CONTACTS} hotline contacts`,
  setup: async (ctx) => {
    ctx.state.session = await ctx.signIn((await statisticsUsers(ctx)).analyst);
  },
  request: (ctx, n) => ({
    method: 'GET',
    path: `/api/v1/statistics/national?from=${new Date().getFullYear() - 19}-01-01&to=${new Date().getFullYear()}-12-31&lang=${['az', 'ru', 'en'][n % 3]}`,
    headers: { cookie: (ctx.state.session as BenchSession).cookie },
    expect: 200,
  }),
};
export default scenario;
