import type { BenchSession, Scenario } from '../scenario.ts';

const scenario: Scenario = {
  name: 'me',
  description: 'GET /api/v1/me with a session cookie (session lookup, user with roles and permissions)',
  setup: async (ctx) => {
    ctx.state.session = await ctx.signIn(ctx.user);
  },
  request: (ctx) => ({ method: 'GET', path: '/api/v1/me', headers: { cookie: (ctx.state.session as BenchSession).cookie } }),
};
export default scenario;
