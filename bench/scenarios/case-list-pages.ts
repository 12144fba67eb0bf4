import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_CASES, generateCases } from '../cases-data.ts';
import { peopleUsers } from '../people-users.ts';
import { CASE_LIST_FILTERS } from './case-list.ts';

/** How deep the scenario pages: pages 2 to this one of each filter combination, as "load more" gets them. */
const DEEPEST = 20;

/** The case list's later pages (keyset cursors), for the same filters and user as `case-list`. */
const scenario: Scenario = {
  name: 'case-list-pages',
  description: `GET /api/v1/cases?<filters>&limit=50&cursor= (pages 2 to ${DEEPEST} of ${CASE_LIST_FILTERS.length} filter combinations) as the case worker of case-list, over up to ${BENCH_CASES} cases`,
  setup: async (ctx) => {
    await generateCases(ctx.db, ctx.admin.id, undefined, (line) => process.stderr.write(`${line}\n`));
    const { agencyWorker } = await peopleUsers(ctx);
    const session = await ctx.signIn(agencyWorker);
    ctx.state.session = session;
    // Follow each filter's pages as the web app's "load more" does, and keep the cursors.
    const pages: string[] = [];
    for (const filter of CASE_LIST_FILTERS) {
      let cursor: string | null = null;
      for (let page = 1; page < DEEPEST; page++) {
        const path: string = `/api/v1/cases?limit=50&${filter}${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await fetch(`${ctx.baseUrl}${path}`, { headers: { cookie: session.cookie } });
        if (res.status !== 200) throw new Error(`case-list-pages: ${path} answered ${res.status}`);
        cursor = ((await res.json()) as { nextCursor: string | null }).nextCursor;
        if (!cursor) break;
        pages.push(`limit=50&${filter}&cursor=${cursor}`);
      }
    }
    if (pages.length === 0) throw new Error('case-list-pages: no filter has a second page');
    ctx.state.pages = pages;
  },
  request: (ctx, n) => {
    const pages = ctx.state.pages as string[];
    return { method: 'GET', path: `/api/v1/cases?${pages[n % pages.length]}`, headers: { cookie: (ctx.state.session as BenchSession).cookie }, expect: 200 };
  },
};
export default scenario;
