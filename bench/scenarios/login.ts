import type { Scenario } from '../scenario.ts';

/**
 * Sign-in with the right password: argon2 verification, a new session row and an audit entry.
 * The login route allows 30 attempts a minute per address, so every request comes "from" its own
 * address through X-Forwarded-For, which the bench server trusts (PATHWAY_TRUST_PROXY=1).
 */
const scenario: Scenario = {
  name: 'login',
  description: 'POST /api/v1/auth/login with the right password (argon2 verify, new session, audit entry)',
  request: (ctx, n) => ({
    method: 'POST',
    path: '/api/v1/auth/login',
    headers: { 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
    body: { email: ctx.user.email, password: ctx.user.password },
  }),
};
export default scenario;
