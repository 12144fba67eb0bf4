import type { Scenario } from '../scenario.ts';
import { BENCH_PRESS_INCIDENTS, generatePressIncidents, PUBLIC_LIST_QUERIES } from '../press-data.ts';

/** Issue 5's target: p95 under 30 ms over 100,000 published incidents, with filters. */
const scenario: Scenario = {
  name: 'press-public-list',
  description: `GET /api/public/press/incidents with filters (year, act, outcome, perpetrator, status), no sign-in, over ${BENCH_PRESS_INCIDENTS} published incidents`,
  setup: async (ctx) => {
    await generatePressIncidents(ctx.db);
  },
  request: (_ctx, n) => {
    const q = PUBLIC_LIST_QUERIES[n % PUBLIC_LIST_QUERIES.length]!;
    return { method: 'GET', path: `/api/public/press/incidents${q ? `?${q}` : ''}`, expect: 200 };
  },
};
export default scenario;
