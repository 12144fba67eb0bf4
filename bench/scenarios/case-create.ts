import type { BenchSession, Scenario } from '../scenario.ts';
import { peopleUsers } from '../people-users.ts';

/** Issue 16's per-request cost: opening a case (the case row, its access index row, the audit entry). */
export const CASE_CREATE_BODY = { region: 'Baku', exploitationForms: ['forced_labour'] };

const scenario: Scenario = {
  name: 'case-create',
  description: 'POST /api/v1/cases {region, exploitationForms} as a case worker with the CSRF token: the case, its access index row and the audit entry',
  setup: async (ctx) => {
    const { agencyWorker } = await peopleUsers(ctx);
    ctx.state.session = await ctx.signIn(agencyWorker);
  },
  request: (ctx) => {
    const session = ctx.state.session as BenchSession;
    return { method: 'POST', path: '/api/v1/cases', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, body: CASE_CREATE_BODY, expect: 201 };
  },
};
export default scenario;
