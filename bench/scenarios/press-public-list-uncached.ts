import type { Scenario } from '../scenario.ts';
import { BENCH_PRESS_INCIDENTS, generatePressIncidents, PUBLIC_LIST_QUERIES } from '../press-data.ts';

/**
 * The public list as `press-public-list`, but every request asks for another page (a cursor at a
 * date that moves with the request number), so that no two requests share a cached page: the cost
 * of the query and the response without the per-process page cache.
 */
const cursorAt = (n: number) => {
  const day = new Date(Date.UTC(2000, 0, 1) + ((n * 97) % 9125) * 86_400_000).toISOString().slice(0, 10);
  return Buffer.from(JSON.stringify([day, 'ffffffff-ffff-4fff-bfff-ffffffffffff'])).toString('base64url');
};

const scenario: Scenario = {
  name: 'press-public-list-uncached',
  description: `GET /api/public/press/incidents with filters and a different page each time (no page-cache hits), no sign-in, over ${BENCH_PRESS_INCIDENTS} published incidents`,
  setup: async (ctx) => {
    await generatePressIncidents(ctx.db);
  },
  request: (_ctx, n) => {
    const q = PUBLIC_LIST_QUERIES[n % PUBLIC_LIST_QUERIES.length]!;
    return { method: 'GET', path: `/api/public/press/incidents?${q ? `${q}&` : ''}cursor=${cursorAt(n)}`, expect: 200 };
  },
};
export default scenario;
