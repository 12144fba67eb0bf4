import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_CASES } from '../cases-data.ts';
import { BENCH_CONTACTS } from '../contacts-data.ts';
import { statisticsUsers } from '../statistics-data.ts';

/** Issue 13's target: any national table for a year p95 < 300 ms (every table of the year in one answer). */
const scenario: Scenario = {
  name: 'statistics-national-year',
  description: `GET /api/v1/statistics/national?from=&to= (the last three calendar years in turn, labels in az, ru, en) as an analyst, over ${BENCH_CASES} NRM cases and ${BENCH_CONTACTS} hotline contacts`,
  setup: async (ctx) => {
    ctx.state.session = await ctx.signIn((await statisticsUsers(ctx)).analyst);
  },
  request: (ctx, n) => {
    const year = new Date().getFullYear() - (n % 3);
    return {
      method: 'GET',
      path: `/api/v1/statistics/national?from=${year}-01-01&to=${year}-12-31&lang=${['az', 'ru', 'en'][n % 3]}`,
      headers: { cookie: (ctx.state.session as BenchSession).cookie },
      expect: 200,
    };
  },
};
export default scenario;
