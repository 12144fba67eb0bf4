import { insertCase } from '../../src/server/modules/cases/repository.ts';
import { captureStatements, startCeiling, type Ceiling } from '../ceiling.ts';
import { runLoad } from '../load.ts';
import { peopleUsers } from '../people-users.ts';
import type { Scenario } from '../scenario.ts';
import { CASE_CREATE_BODY } from './case-create.ts';

/**
 * The bare ceiling of `case-create` (issue 16): Fastify + pg running Pathway's own INSERT of the case
 * row (captured from its code, a new id each time) in a transaction; the table's triggers (the access
 * index) fire as for Pathway, but there is no session, validation, audit entry or victim.
 */
const scenario: Scenario = {
  name: 'ceiling-case-create',
  description: 'The bare ceiling beside case-create: Fastify + pg running the INSERT of the case row Pathway runs, in a transaction (no session, validation or audit entry)',
  setup: async (ctx) => {
    const { agencyWorker } = await peopleUsers(ctx);
    let id = '';
    const all = await captureStatements(ctx.databaseUrl, async (db) => {
      const created = await insertCase(db as never, {
        ownerAgencyId: agencyWorker.agencyId,
        ownerUserId: agencyWorker.id,
        createdBy: agencyWorker.id,
        region: CASE_CREATE_BODY.region,
        country: null,
        exploitationForms: CASE_CREATE_BODY.exploitationForms,
        sexExploitationTypes: [],
        controlMethods: [],
        recruitmentMethods: [],
        recruitmentApps: [],
        industry: null,
        narrative: null,
        sourceContactId: null,
      });
      id = created.id;
    });
    const statement = all.find((s) => /^\s*insert into "cases"/i.test(s.sql));
    if (!statement) throw new Error('no INSERT INTO cases captured');
    const idIndex = statement.parameters.indexOf(id);
    if (idIndex < 0) throw new Error('the case id is not a parameter of the captured INSERT');
    ctx.state.ceiling = await startCeiling(ctx.databaseUrl, { reads: {}, create: { statement, idIndex } }, (line) => process.stderr.write(`${line}\n`));
  },
  request: () => ({ method: 'POST', path: '/create', body: {}, expect: 201 }),
  measure: (ctx, opts) => runLoad({ baseUrl: (ctx.state.ceiling as Ceiling).baseUrl, connections: opts.connections, durationS: opts.durationS, maxRequests: opts.maxRequests }, (n) => scenario.request(ctx, n + opts.offset)),
  teardown: async (ctx) => (ctx.state.ceiling as Ceiling | undefined)?.stop(),
};
export default scenario;
