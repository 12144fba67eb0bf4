import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_CASES, generateCases } from '../cases-data.ts';
import { peopleUsers } from '../people-users.ts';

/**
 * The filters of the case list: every combination the web app's list offers (status, form of
 * exploitation, case number prefix; each multi-select), and the API's other filters.
 */
export const CASE_LIST_FILTERS = [
  '',
  'status=active',
  'status=active,follow_up',
  'status=closed,closed_referred',
  'exploitation=sexual_exploitation',
  'exploitation=forced_begging,child_labour',
  'status=active&exploitation=forced_labour',
  'status=follow_up&exploitation=forced_marriage,servitude',
  'number=BENCH-00',
  'status=active&number=BENCH-001',
  'region=Baku',
  'victimStatus=identified',
  'status=active&victimStatus=presumed&region=Ganja',
  'mine=true',
];

/** Issue 4's target: a case worker's filtered, paginated case list p95 under 30 ms, with the access filter. */
const scenario: Scenario = {
  name: 'case-list',
  description: `GET /api/v1/cases?<filters>&limit=50 (the first page, ${CASE_LIST_FILTERS.length} filter combinations) as a case worker of a mid-sized agency that receives referrals, over up to ${BENCH_CASES} cases in many agencies`,
  setup: async (ctx) => {
    await generateCases(ctx.db, ctx.admin.id, undefined, (line) => process.stderr.write(`${line}\n`));
    const { agencyWorker } = await peopleUsers(ctx);
    ctx.state.session = await ctx.signIn(agencyWorker);
  },
  request: (ctx, n) => ({
    method: 'GET',
    path: `/api/v1/cases?limit=50&${CASE_LIST_FILTERS[n % CASE_LIST_FILTERS.length]}`,
    headers: { cookie: (ctx.state.session as BenchSession).cookie },
    expect: 200,
  }),
};
export default scenario;
