import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_CASES, generateCases } from '../cases-data.ts';
import { peopleUsers } from '../people-users.ts';
import { CASE_LIST_FILTERS } from './case-list.ts';

/** The case list's orders other than the default (issue 15; docs/nrm.md, "Case list orders"). */
export const CASE_LIST_SORTS = ['opened', '-opened', 'number', '-number', 'created'];

/**
 * Issue 15: the case list in each of its other orders, through the same filter combinations as
 * `case-list` (issue 4's target, p95 under 30 ms), as the same case worker.
 */
const scenario: Scenario = {
  name: 'case-list-sorted',
  description: `GET /api/v1/cases?sort=<order>&<filters>&limit=50 (the first page; ${CASE_LIST_SORTS.length} orders by ${CASE_LIST_FILTERS.length} filter combinations) as a case worker of a mid-sized agency that receives referrals, over up to ${BENCH_CASES} cases in many agencies`,
  setup: async (ctx) => {
    await generateCases(ctx.db, ctx.admin.id, undefined, (line) => process.stderr.write(`${line}\n`));
    const { agencyWorker } = await peopleUsers(ctx);
    ctx.state.session = await ctx.signIn(agencyWorker);
  },
  request: (ctx, n) => {
    const sort = CASE_LIST_SORTS[n % CASE_LIST_SORTS.length];
    const filters = CASE_LIST_FILTERS[Math.floor(n / CASE_LIST_SORTS.length) % CASE_LIST_FILTERS.length];
    return {
      method: 'GET',
      path: `/api/v1/cases?limit=50&sort=${sort}&${filters}`,
      headers: { cookie: (ctx.state.session as BenchSession).cookie },
      expect: 200,
    };
  },
};
export default scenario;
