import type { BenchSession, Scenario } from '../scenario.ts';

const LANGUAGES = ['az', 'ru', 'en'] as const;

/** Every request changes something, so every one appends to the hash-chained audit log (to the first of its 16 chains whose lock is free). */
const scenario: Scenario = {
  name: 'audited-write',
  description: 'PATCH /api/v1/me {language} with the CSRF token: one update and one audit entry per request',
  setup: async (ctx) => {
    ctx.state.session = await ctx.signIn(ctx.user);
  },
  request: (ctx, n) => {
    const session = ctx.state.session as BenchSession;
    return {
      method: 'PATCH',
      path: '/api/v1/me',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
      body: { language: LANGUAGES[n % LANGUAGES.length] },
    };
  },
};
export default scenario;
