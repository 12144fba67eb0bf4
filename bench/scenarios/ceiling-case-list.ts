import { toPrincipal } from '../../src/server/auth/authenticate.ts';
import { loadUserWithAccess } from '../../src/server/auth/principal-repository.ts';
import { listCaseRows } from '../../src/server/modules/cases/repository.ts';
import { CaseListQuery } from '../../src/shared/schemas/cases.ts';
import { captureStatements, readStatements, startCeiling, type Ceiling } from '../ceiling.ts';
import { runLoad } from '../load.ts';
import { peopleUsers } from '../people-users.ts';
import type { Scenario } from '../scenario.ts';
import { generateCases } from '../cases-data.ts';
import { CASE_LIST_FILTERS } from './case-list.ts';

/**
 * The bare ceiling of `case-list` (issue 16): a Fastify + pg server running the very statements
 * Pathway runs for each of the case list's filters (captured from Pathway's own query code for the
 * same case worker), with no session, access code, validation or serialisation of Pathway's. Run it
 * beside `case-list` in the same run: the ratio of their requests/s is what Pathway's request path costs.
 */
const scenario: Scenario = {
  name: 'ceiling-case-list',
  description: `The bare ceiling beside case-list: Fastify + pg running the SQL Pathway runs for each of its ${CASE_LIST_FILTERS.length} filters (no session, access code, validation or audit)`,
  setup: async (ctx) => {
    await generateCases(ctx.db, ctx.admin.id, undefined, (line) => process.stderr.write(`${line}\n`));
    const { agencyWorker } = await peopleUsers(ctx);
    const user = (await loadUserWithAccess(ctx.db, agencyWorker.id))!;
    const p = toPrincipal(user, 'session', null, null);
    const reads = [];
    for (const filter of CASE_LIST_FILTERS) {
      const q = CaseListQuery.parse({ limit: '50', ...Object.fromEntries(new URLSearchParams(filter)) });
      const { limit, cursor: _cursor, name: _name, ...filters } = q as typeof q & { cursor?: string; name?: string };
      reads.push(readStatements(await captureStatements(ctx.databaseUrl, (db) => listCaseRows(db, p, { ...filters, limit }))));
    }
    ctx.state.ceiling = await startCeiling(ctx.databaseUrl, { reads: { list: reads } }, (line) => process.stderr.write(`${line}\n`));
  },
  request: (_ctx, n) => ({ method: 'GET', path: `/read/list?i=${n}`, expect: 200 }),
  measure: (ctx, opts) => runLoad({ baseUrl: (ctx.state.ceiling as Ceiling).baseUrl, connections: opts.connections, durationS: opts.durationS, maxRequests: opts.maxRequests }, (n) => scenario.request(ctx, n + opts.offset)),
  teardown: async (ctx) => (ctx.state.ceiling as Ceiling | undefined)?.stop(),
};
export default scenario;
