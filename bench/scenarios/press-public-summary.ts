import type { Scenario } from '../scenario.ts';
import { BENCH_PRESS_INCIDENTS, generatePressIncidents } from '../press-data.ts';

/** Issue 5's target: p95 under 50 ms for the charts' data (cached per process, invalidated on publish). */
const scenario: Scenario = {
  name: 'press-public-summary',
  description: `GET /api/public/press/summary, no sign-in, over ${BENCH_PRESS_INCIDENTS} published incidents (cached; version checked in the database)`,
  setup: async (ctx) => {
    await generatePressIncidents(ctx.db);
  },
  request: () => ({ method: 'GET', path: '/api/public/press/summary', expect: 200 }),
};
export default scenario;
