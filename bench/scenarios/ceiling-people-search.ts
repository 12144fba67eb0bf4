import { toPrincipal } from '../../src/server/auth/authenticate.ts';
import { loadUserWithAccess } from '../../src/server/auth/principal-repository.ts';
import { bindRecordKeys } from '../../src/server/crypto/record-keys.ts';
import { deriveKeys } from '../../src/server/crypto/keys.ts';
import { BENCH_SECRET_KEY } from '../server.ts';
import { rankPeople } from '../../src/server/modules/people/service.ts';
import { captureStatements, readStatements, startCeiling, type Ceiling } from '../ceiling.ts';
import { runLoad } from '../load.ts';
import { PEOPLE_QUERIES } from '../people-data.ts';
import { peopleUsers } from '../people-users.ts';
import type { Scenario } from '../scenario.ts';

/**
 * The bare ceiling of `people-search` (issue 16): Fastify + pg running the reads Pathway runs for
 * each of its names (the candidates by blind-index keys, and the looser keys when few are found),
 * captured from Pathway's own search code for the same case worker; no session, ranking, audit entry.
 */
const scenario: Scenario = {
  name: 'ceiling-people-search',
  description: `The bare ceiling beside people-search: Fastify + pg running the SQL Pathway runs for each of its ${PEOPLE_QUERIES.length} names (no session, ranking, access code or audit)`,
  setup: async (ctx) => {
    const { agencyWorker } = await peopleUsers(ctx);
    const user = (await loadUserWithAccess(ctx.db, agencyWorker.id))!;
    const p = toPrincipal(user, 'session', null, null);
    // The name keys are keyed hashes under the server's key (the bench's fixed one).
    bindRecordKeys(deriveKeys(BENCH_SECRET_KEY));
    const reads = [];
    for (const q of PEOPLE_QUERIES) reads.push(readStatements(await captureStatements(ctx.databaseUrl, (db) => rankPeople(db, p, q, 20))));
    ctx.state.ceiling = await startCeiling(ctx.databaseUrl, { reads: { search: reads } }, (line) => process.stderr.write(`${line}\n`));
  },
  request: (_ctx, n) => ({ method: 'GET', path: `/read/search?i=${n}`, expect: 200 }),
  measure: (ctx, opts) => runLoad({ baseUrl: (ctx.state.ceiling as Ceiling).baseUrl, connections: opts.connections, durationS: opts.durationS, maxRequests: opts.maxRequests }, (n) => scenario.request(ctx, n + opts.offset)),
  teardown: async (ctx) => (ctx.state.ceiling as Ceiling | undefined)?.stop(),
};
export default scenario;
