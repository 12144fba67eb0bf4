import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_PEOPLE, PEOPLE_QUERIES } from '../people-data.ts';
import { peopleUsers } from '../people-users.ts';

/** Issue 4's target: people search by name across scripts p95 under 50 ms, with the access filter. */
const scenario: Scenario = {
  name: 'people-search',
  description: `GET /api/v1/people/search?q= (16 names in Latin, Cyrillic and English spellings) as a case worker of a mid-sized agency, over ${BENCH_PEOPLE} people in many agencies`,
  setup: async (ctx) => {
    const { agencyWorker } = await peopleUsers(ctx);
    ctx.state.session = await ctx.signIn(agencyWorker);
  },
  request: (ctx, n) => ({
    method: 'GET',
    path: `/api/v1/people/search?q=${encodeURIComponent(PEOPLE_QUERIES[n % PEOPLE_QUERIES.length]!)}`,
    headers: { cookie: (ctx.state.session as BenchSession).cookie },
    expect: 200,
  }),
};
export default scenario;
