import type { Scenario } from '../scenario.ts';
import { BENCH_CASES } from '../cases-data.ts';
import { approvedRelease } from '../statistics-data.ts';

/** Issue 13's target: a public release page p95 < 30 ms (an approved release never changes: cached per language). */
const scenario: Scenario = {
  name: 'statistics-public-release',
  description: `GET /api/public/statistics/{releaseId}?lang= (az, ru, en in turn), no sign-in, a release of the last twelve months over ${BENCH_CASES} NRM cases`,
  setup: async (ctx) => {
    ctx.state.id = await approvedRelease(ctx);
  },
  request: (ctx, n) => ({ method: 'GET', path: `/api/public/statistics/${ctx.state.id as string}?lang=${['az', 'ru', 'en'][n % 3]}`, expect: 200 }),
};
export default scenario;
