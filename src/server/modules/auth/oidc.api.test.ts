import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestApp, makeAgency, makeUser, signIn, TEST_SECRET_KEY, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { newTotpSecret, sealTotpSecret, totpCode } from '../../auth/totp.ts';
import { sessionCookieName, ssoCookieName, SSO_STATE_COOKIE, SSO_TOTP_COOKIE } from '../../auth/cookies.ts';
import { decodeJwtPart, encodeJwtPart, listenTestIdp, type TestIdp } from '../../../../test/helpers/oidc-idp.ts';

/**
 * Single sign-on against a real OpenID Connect provider (`oidc-provider`, test/helpers/oidc-idp.ts)
 * listening on a local port: Pathway discovers it, sends the browser there, and the test walks the
 * browser's redirects by hand. The provider's ID token can be rewritten on its way back, to prove
 * that a tampered signature, a wrong audience, issuer or nonce are refused.
 */

const BASE = 'http://pathway.test';
/** Over plain HTTP the cookies keep their plain names (src/server/auth/cookies.ts). */
const SESSION_COOKIE = sessionCookieName(false);
const STATE_COOKIE = ssoCookieName(SSO_STATE_COOKIE, false);
const TOTP_COOKIE = ssoCookieName(SSO_TOTP_COOKIE, false);
let t: TestApp;
/** What the server logged (warnings and worse), one JSON object a line. */
const logLines: string[] = [];
let admin: Session;
/** The administrator's password, asked again before providers are saved and sign-ins given users. */
let adminPassword: string;
let idp: TestIdp;
let issuer: string;

/** The people the provider knows: claims by subject. */
const accounts: Record<string, Record<string, unknown>> = {
  alice: { email: 'alice@idp.example', email_verified: true, name: 'Alice Case', pathway_agency: 'ngo-a', pathway_roles: ['nrm-caseworkers', 'unmapped-group'] },
  bob: { email: 'bob@idp.example', name: 'Bob Waiting', pathway_roles: ['nobody-knows'] },
  carol: { email: 'carol@idp.example', email_verified: true, name: 'Carol', pathway_agency: 'ngo-a', pathway_roles: ['nrm-caseworkers'] },
  dave: { email: 'dave@idp.example', email_verified: true, name: 'Dave', pathway_agency: 'ngo-a', pathway_roles: ['nrm-caseworkers'] },
  // Placeable by the claims, but the provider has not verified the e-mail.
  erin: { email: 'erin@idp.example', email_verified: false, name: 'Erin', pathway_agency: 'ngo-a', pathway_roles: ['nrm-caseworkers'] },
  // Claim values that are names of Object.prototype's members.
  mallory: { email: 'mallory@idp.example', email_verified: true, name: 'Mallory', pathway_agency: 'toString', pathway_roles: ['nrm-caseworkers', 'constructor'] },
  grace: { email: 'grace@idp.example', email_verified: true, name: 'Grace', pathway_agency: 'ngo-a', pathway_roles: ['nrm-caseworkers'] },
  frank: { email: 'frank@idp.example', email_verified: true, name: 'Frank', pathway_agency: 'ngo-a', pathway_roles: ['nrm-caseworkers'] },
};

let agencyA: { id: string };
let claimsProvider: string;
let adminProvider: string;

beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString().split('\n').filter((l) => l !== ''));
      done();
    },
  });
  t = await createTestApp({ publicUrl: BASE }, { logger: { level: 'warn', stream } as never });
  const a = await makeUser(t.db, { roles: ['administrator'] });
  admin = await signIn(t.app, a.email);
  adminPassword = a.password;
  agencyA = await makeAgency(t.db);
  idp = await listenTestIdp(accounts);
  issuer = idp.issuer;

  const create = async (body: object) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/identity-providers', headers: admin.headers, payload: { ...body, currentPassword: adminPassword } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; redirectUri: string };
  };
  const byClaims = await create({
    name: 'Agency SSO',
    issuer,
    clientId: 'pathway',
    clientSecret: 'a-client-secret-of-some-length',
    scope: 'openid email profile pathway',
    assignment: 'claims',
    agencyClaim: 'pathway_agency',
    agencyMap: { 'ngo-a': agencyA.id },
    rolesClaim: 'pathway_roles',
    roleMap: { 'nrm-caseworkers': 'case_worker' },
  });
  const byAdmin = await create({ name: 'Ministry SSO', issuer, clientId: 'pathway-admin', clientSecret: 'another-client-secret', scope: 'openid email profile', assignment: 'admin' });
  claimsProvider = byClaims.id;
  adminProvider = byAdmin.id;
  idp.start([
    { clientId: 'pathway', clientSecret: 'a-client-secret-of-some-length', redirectUri: byClaims.redirectUri },
    { clientId: 'pathway-admin', clientSecret: 'another-client-secret', redirectUri: byAdmin.redirectUri },
  ]);
});
afterAll(async () => {
  await idp.close();
  await t.close();
});

type Flow = { callback: URL; stateCookie: string };

/** Start at Pathway, sign in at the provider as `account`, stop where the provider sends the browser back. */
async function throughProvider(providerId: string, account: string): Promise<Flow> {
  idp.signInAs(account);
  const start = await t.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${providerId}/start` });
  expect(start.statusCode, start.body).toBe(303);
  const state = start.cookies.find((c) => c.name === STATE_COOKIE);
  expect(state).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/v1/auth/sso' });
  let url = new URL(String(start.headers.location));
  expect(url.origin).toBe(issuer);
  expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  expect(url.searchParams.get('nonce')).toBeTruthy();
  expect(url.searchParams.get('state')).toBe(state!.value);
  const jar = new Map<string, string>();
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`the provider stopped at ${url.href}: ${res.status} ${await res.text()}`);
    url = new URL(location, url);
    if (url.origin === BASE) return { callback: url, stateCookie: state!.value };
  }
  throw new Error('too many redirects at the provider');
}

/**
 * Refused callbacks from one address are audited once per window (the rest only logged): each
 * callback of these tests comes from an address of its own, so that each refusal can be read back.
 */
let addresses = 0;
const nextAddress = () => `10.77.${Math.floor(++addresses / 250)}.${addresses % 250}`;
const callback = (flow: Flow, cookie = `${STATE_COOKIE}=${flow.stateCookie}`) =>
  t.app.inject({ method: 'GET', url: flow.callback.pathname + flow.callback.search, headers: cookie ? { cookie } : {}, remoteAddress: nextAddress() });

async function signInWith(providerId: string, account: string) {
  return callback(await throughProvider(providerId, account));
}

const sessionOf = (res: Awaited<ReturnType<typeof callback>>) => res.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
const me = (session: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `${SESSION_COOKIE}=${session}` } });
const refusals = async () => (await t.db.selectFrom('auditLog').select(['changes']).where('action', '=', 'auth.sso_refused').orderBy('seq', 'desc').executeTakeFirst())?.changes as Record<string, string> | undefined;

describe('single sign-on: the code flow', () => {
  it('signs a new person in with agency and roles mapped from claims, and links them by issuer and subject', async () => {
    const res = await signInWith(claimsProvider, 'alice');
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe('/');
    const session = sessionOf(res);
    expect(session).toBeTruthy();
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    const who = await me(session!);
    expect(who.statusCode).toBe(200);
    // TOTP is the identity provider's business: no setup is asked of a user without a Pathway password.
    expect(who.json().user).toMatchObject({ email: 'alice@idp.example', name: 'Alice Case', roles: ['case_worker'], agency: { id: agencyA.id }, totpSetupRequired: false, mustChangePassword: false });
    const userId = who.json().user.id as string;
    const identity = await t.db.selectFrom('userIdentities').selectAll().where('subject', '=', 'alice').executeTakeFirstOrThrow();
    expect(identity).toMatchObject({ issuer, userId, providerId: claimsProvider });
    const user = await t.db.selectFrom('users').select(['passwordHash']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.passwordHash).toBeNull();

    // An ordinary session: writes need its CSRF token.
    const csrf = who.json().csrfToken as string;
    const noCsrf = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: { cookie: `${SESSION_COOKIE}=${session}` }, payload: { language: 'en' } });
    expect(noCsrf.statusCode).toBe(403);
    const withCsrf = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: { cookie: `${SESSION_COOKIE}=${session}`, 'x-csrf-token': csrf }, payload: { language: 'en' } });
    expect(withCsrf.statusCode).toBe(200);

    const login = await t.db.selectFrom('auditLog').select(['changes', 'actorUserId']).where('action', '=', 'auth.login').where('recordId', '=', userId).executeTakeFirstOrThrow();
    expect(login).toMatchObject({ actorUserId: userId, changes: { method: 'sso', providerId: claimsProvider } });

    // The second time, the same user (no second account).
    const again = await signInWith(claimsProvider, 'alice');
    expect((await me(sessionOf(again)!)).json().user.id).toBe(userId);
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'alice@idp.example').execute()).toHaveLength(1);
  });

  it('never links by e-mail: a new subject with an existing user\'s e-mail waits for an administrator', async () => {
    await makeUser(t.db, { email: 'carol@idp.example', agencyId: agencyA.id, roles: ['supervisor'] });
    const res = await signInWith(claimsProvider, 'carol');
    expect(res.headers.location).toBe('/login?sso=pending');
    expect(sessionOf(res)).toBeUndefined();
    const identity = await t.db.selectFrom('userIdentities').selectAll().where('subject', '=', 'carol').executeTakeFirstOrThrow();
    expect(identity.userId).toBeNull();

    // An administrator links it to the existing user; the claims then do not touch the roles the administrator gave.
    const carol = await t.db.selectFrom('users').select('id').where('email', '=', 'carol@idp.example').executeTakeFirstOrThrow();
    const linked = await t.app.inject({ method: 'POST', url: `/api/v1/sso-identities/${identity.id}/link`, headers: admin.headers, payload: { userId: carol.id, currentPassword: adminPassword } });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().user).toMatchObject({ id: carol.id });
    const now = await signInWith(claimsProvider, 'carol');
    expect(now.headers.location).toBe('/');
    expect((await me(sessionOf(now)!)).json().user).toMatchObject({ id: carol.id, roles: ['supervisor'] });
  });

  it('keeps the roles of a user made from claims in step with the claims', async () => {
    accounts.alice!.pathway_roles = ['unmapped-group'];
    try {
      const res = await signInWith(claimsProvider, 'alice');
      expect((await me(sessionOf(res)!)).json().user.roles).toEqual([]);
      const change = await t.db.selectFrom('auditLog').select(['changes', 'recordId']).where('action', '=', 'user.updated').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(change.recordId).toBe((await t.db.selectFrom('users').select('id').where('email', '=', 'alice@idp.example').executeTakeFirstOrThrow()).id);
      expect(Object.keys(change.changes as object)).toContain('roles');
    } finally {
      accounts.alice!.pathway_roles = ['nrm-caseworkers', 'unmapped-group'];
    }
    expect((await me(sessionOf(await signInWith(claimsProvider, 'alice'))!)).json().user.roles).toEqual(['case_worker']);
  });

  it('puts a first sign-in without placement on hold until an administrator assigns agency and roles', async () => {
    const first = await signInWith(adminProvider, 'bob');
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/login?sso=pending');
    expect(sessionOf(first)).toBeUndefined();
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'bob@idp.example').execute()).toHaveLength(0);

    const pending = await t.app.inject({ method: 'GET', url: '/api/v1/sso-identities?status=pending', headers: admin.headers });
    expect(pending.statusCode).toBe(200);
    const item = (pending.json().items as { id: string; subject: string; email: string; provider: { id: string } }[]).find((i) => i.subject === 'bob')!;
    expect(item).toMatchObject({ email: 'bob@idp.example', provider: { id: adminProvider }, user: null });

    // Still waiting: a second try gets no further.
    expect((await signInWith(adminProvider, 'bob')).headers.location).toBe('/login?sso=pending');

    const bad = await t.app.inject({ method: 'POST', url: `/api/v1/sso-identities/${item.id}/assign`, headers: admin.headers, payload: { agencyId: agencyA.id, roles: ['wizard'], currentPassword: adminPassword } });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields)[0]).toMatch(/^roles/);
    const assigned = await t.app.inject({ method: 'POST', url: `/api/v1/sso-identities/${item.id}/assign`, headers: admin.headers, payload: { agencyId: agencyA.id, roles: ['operator'], currentPassword: adminPassword } });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().user).toMatchObject({ email: 'bob@idp.example' });
    const twice = await t.app.inject({ method: 'POST', url: `/api/v1/sso-identities/${item.id}/assign`, headers: admin.headers, payload: { agencyId: agencyA.id, roles: ['operator'], currentPassword: adminPassword } });
    expect(twice.statusCode).toBe(409);

    const now = await signInWith(adminProvider, 'bob');
    expect(now.headers.location).toBe('/');
    expect((await me(sessionOf(now)!)).json().user).toMatchObject({ roles: ['operator'], agency: { id: agencyA.id } });
    const audit = await t.db.selectFrom('auditLog').select('action').where('recordId', '=', item.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['auth.sso_pending', 'auth.sso_pending', 'sso.identity_assigned']);
  });

  it('leaves the second factor to the provider: a role that requires TOTP does not hold back a user without a password', async () => {
    await t.db.updateTable('roles').set({ requireTotp: true }).where('code', '=', 'case_worker').execute();
    try {
      const res = await signInWith(claimsProvider, 'alice');
      const session = sessionOf(res)!;
      expect((await me(session)).json().user).toMatchObject({ roles: ['case_worker'], totpSetupRequired: false });
      const tokens = await t.app.inject({ method: 'GET', url: '/api/v1/auth/tokens', headers: { cookie: `${SESSION_COOKIE}=${session}` } });
      expect(tokens.statusCode).toBe(200);
      // A case worker who signs in with a password still has to set TOTP up.
      const withPassword = await makeUser(t.db, { roles: ['case_worker'], agencyId: agencyA.id });
      const s = await signIn(t.app, withPassword.email);
      const blocked = await t.app.inject({ method: 'GET', url: '/api/v1/auth/tokens', headers: s.headers });
      expect(blocked.statusCode).toBe(403);
      expect(blocked.json().error.code).toBe('totp_setup_required');
    } finally {
      await t.db.updateTable('roles').set({ requireTotp: false }).where('code', '=', 'case_worker').execute();
    }
  });

  it('refuses a disabled user', async () => {
    const first = await signInWith(claimsProvider, 'dave');
    const session = sessionOf(first)!;
    const userId = (await me(session)).json().user.id as string;
    const disable = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${userId}`, headers: admin.headers, payload: { disabled: true } });
    expect(disable.statusCode).toBe(200);
    const res = await signInWith(claimsProvider, 'dave');
    expect(res.headers.location).toBe('/login?sso=disabled');
    expect(sessionOf(res)).toBeUndefined();
    expect(await refusals()).toMatchObject({ failure: 'account_disabled' });
  });
});

describe('single sign-on: what is refused', () => {
  const refusedWith = async (rewrite: (jwt: string) => string) => {
    const flow = await throughProvider(claimsProvider, 'alice');
    idp.rewriteIdToken(rewrite);
    try {
      return await callback(flow);
    } finally {
      idp.rewriteIdToken(null);
    }
  };

  it('refuses an ID token whose claims were changed after signing (bad signature)', async () => {
    const res = await refusedWith((jwt) => {
      const [h, p, s] = jwt.split('.') as [string, string, string];
      const claims = decodeJwtPart(p);
      claims.sub = 'bob';
      return `${h}.${encodeJwtPart(claims)}.${s}`;
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?sso=failed');
    expect(sessionOf(res)).toBeUndefined();
    expect(await refusals()).toMatchObject({ failure: 'token_rejected' });
  });

  it('refuses a validly signed ID token for another audience', async () => {
    const res = await refusedWith((jwt) => idp.resign(jwt, (c) => (c.aud = 'some-other-client')));
    expect(res.headers.location).toBe('/login?sso=failed');
    expect(sessionOf(res)).toBeUndefined();
    const why = await refusals();
    expect(why).toMatchObject({ failure: 'token_rejected' });
    expect(why?.rejectedClaim).toBe('aud');
  });

  it('refuses a validly signed ID token with another nonce', async () => {
    const res = await refusedWith((jwt) => idp.resign(jwt, (c) => (c.nonce = 'not-the-nonce')));
    expect(res.headers.location).toBe('/login?sso=failed');
    expect(sessionOf(res)).toBeUndefined();
    expect((await refusals())?.rejectedClaim).toBe('nonce');
  });

  it('refuses a validly signed ID token from another issuer', async () => {
    const res = await refusedWith((jwt) => idp.resign(jwt, (c) => (c.iss = 'https://evil.example')));
    expect(res.headers.location).toBe('/login?sso=failed');
    expect(sessionOf(res)).toBeUndefined();
  });

  it('refuses a callback whose state is not the one this browser started with, and uses each state once', async () => {
    const mine = await throughProvider(claimsProvider, 'alice');
    const theirs = await throughProvider(claimsProvider, 'alice');
    // Someone else's callback (their code and state) in my browser.
    const swapped = await callback(theirs, `${STATE_COOKIE}=${mine.stateCookie}`);
    expect(swapped.headers.location).toBe('/login?sso=refused');
    expect(sessionOf(swapped)).toBeUndefined();
    expect(await refusals()).toMatchObject({ failure: 'state_mismatch' });
    // Without the cookie at all.
    const noCookie = await callback(theirs, '');
    expect(noCookie.headers.location).toBe('/login?sso=expired');
    // The genuine callback still works once, and not twice.
    const ok = await callback(theirs);
    expect(ok.headers.location).toBe('/');
    const replay = await callback(theirs);
    expect(replay.headers.location).toBe('/login?sso=expired');
    expect(sessionOf(replay)).toBeUndefined();
    // The state I started with was spent by the refused attempt.
    expect((await callback(mine)).headers.location).toBe('/login?sso=expired');
  });
});

describe('identity provider administration', () => {
  const post = (payload: object, s: Session = admin) => t.app.inject({ method: 'POST', url: '/api/v1/identity-providers', headers: s.headers, payload: { ...payload, currentPassword: adminPassword } });
  const valid = { name: 'X', issuer: 'https://login.example.org/realms/x', clientId: 'x', clientSecret: 'super-secret-value', assignment: 'admin' };

  it('shows buttons to anyone, without secrets', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/sso/providers' });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((i: { name: string }) => i.name)).toEqual(expect.arrayContaining(['Agency SSO', 'Ministry SSO']));
    expect(res.body).not.toContain('client');
  });

  it('stores the client secret encrypted and never shows it', async () => {
    const res = await post({ ...valid, clientId: 'secret-check' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ hasClientSecret: true, redirectUri: `${BASE}/api/v1/auth/sso/${res.json().id}/callback` });
    expect(res.body).not.toContain('super-secret-value');
    const row = await t.db.selectFrom('identityProviders').select('clientSecret').where('id', '=', res.json().id).executeTakeFirstOrThrow();
    expect(row.clientSecret!.toString('latin1')).not.toContain('super-secret-value');
    const audit = await t.db.selectFrom('auditLog').select('changes').where('recordId', '=', res.json().id).executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.changes)).not.toContain('super-secret-value');
  });

  it('names the field of every refusal', async () => {
    const cases: [object, string][] = [
      [{ ...valid, issuer: 'not a url' }, 'issuer'],
      [{ ...valid, issuer: 'http://idp.example.org' }, 'issuer'],
      [{ ...valid, issuer: 'https://idp.example.org/?x=1' }, 'issuer'],
      [{ ...valid, clientId: '' }, 'clientId'],
      [{ ...valid, scope: 'email profile' }, 'scope'],
      [{ ...valid, assignment: 'magic' }, 'assignment'],
      [{ ...valid, agencyId: 'nope' }, 'agencyId'],
      [{ ...valid, agencyId: crypto.randomUUID() }, 'agencyId'],
      [{ ...valid, rolesClaim: 'bad claim name' }, 'rolesClaim'],
      [{ ...valid, roleMap: { staff: 'wizard' } }, 'roleMap.staff'],
      [{ ...valid, agencyMap: { x: crypto.randomUUID() } }, 'agencyMap.x'],
      [{ ...valid, assignment: 'claims' }, 'rolesClaim'],
      [{ ...valid, assignment: 'claims', rolesClaim: 'groups', roleMap: { g: 'operator' } }, 'agencyClaim'],
      [{ ...valid, surprise: true }, 'surprise'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(Object.keys(res.json().error.fields ?? {}), JSON.stringify(body)).toContain(field);
    }
    expect((await post({ ...valid, clientId: 'dup' })).statusCode).toBe(201);
    const dup = await post({ ...valid, clientId: 'dup', issuer: `${valid.issuer}/` });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.fields).toHaveProperty('clientId');
  });

  it('is for administrators only', async () => {
    const worker = await makeUser(t.db, { roles: ['case_worker'] });
    const s = await signIn(t.app, worker.email);
    expect((await post({ ...valid, clientId: 'nope' }, s)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/sso-identities', headers: s.headers })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/identity-providers' })).statusCode).toBe(401);
  });

  it('a disabled provider shows no button and starts no sign-in', async () => {
    const res = await post({ ...valid, clientId: 'to-disable' });
    const id = res.json().id as string;
    const patch = await t.app.inject({ method: 'PATCH', url: `/api/v1/identity-providers/${id}`, headers: admin.headers, payload: { enabled: false, currentPassword: adminPassword } });
    expect(patch.statusCode).toBe(200);
    const buttons = await t.app.inject({ method: 'GET', url: '/api/v1/auth/sso/providers' });
    expect(buttons.json().items.map((i: { id: string }) => i.id)).not.toContain(id);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${id}/start` })).statusCode).toBe(404);
  });

  it('answers malformed callbacks and starts with 4xx or a redirect, never 5xx', async () => {
    const urls = [
      `/api/v1/auth/sso/not-a-uuid/start`,
      `/api/v1/auth/sso/${crypto.randomUUID()}/start`,
      `/api/v1/auth/sso/${claimsProvider}/callback?state=a&state=b`,
      `/api/v1/auth/sso/${claimsProvider}/callback?code=${'x'.repeat(5000)}`,
      `/api/v1/auth/sso/${claimsProvider}/callback?error=access_denied&state=zz`,
      `/api/v1/auth/sso/${crypto.randomUUID()}/callback?code=1&state=2`,
      `/api/v1/auth/sso/${claimsProvider}/callback?code=%00&state=%00`,
    ];
    for (const url of urls) {
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie: `${STATE_COOKIE}=zz` } });
      expect(res.statusCode, url).toBeLessThan(500);
    }
    const bodies: unknown[] = [
      {},
      [],
      'text',
      { ...valid, clientId: 'odd-1', agencyMap: JSON.parse('{"__proto__": "00000000-0000-0000-0000-000000000000"}') },
      { ...valid, clientId: 'odd-2', roleMap: JSON.parse('{"__proto__": "operator", "constructor": "auditor"}') },
      { ...valid, clientId: 'odd-3', name: 'lone \ud800 surrogate', scope: 'openid \udfff' },
      { ...valid, clientId: 'x'.repeat(301) },
      { ...valid, clientId: 'odd-4', issuer: 'https://[::1]:99999/' },
      { ...valid, clientId: 'odd-5', issuer: 'https://exa mple.org' },
    ];
    // Changes go to a provider of this test's own, not to the ones the sign-in tests use.
    const spare = (await post({ ...valid, clientId: 'odd-spare' })).json().id as string;
    for (const payload of bodies) {
      const created = await t.app.inject({ method: 'POST', url: '/api/v1/identity-providers', headers: admin.headers, payload: payload as object });
      expect(created.statusCode, JSON.stringify(payload)).toBeLessThan(500);
      const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/identity-providers/${spare}`, headers: admin.headers, payload: payload as object });
      expect(patched.statusCode, JSON.stringify(payload)).toBeLessThan(500);
    }
    for (const payload of [{}, { agencyId: crypto.randomUUID(), roles: [] }, { userId: 'x' }]) {
      for (const action of ['assign', 'link']) {
        const res = await t.app.inject({ method: 'POST', url: `/api/v1/sso-identities/${crypto.randomUUID()}/${action}`, headers: admin.headers, payload });
        expect(res.statusCode).toBeLessThan(500);
      }
    }
  });
});

describe('single sign-on: after the security review', () => {
  const lastAudit = async (action: string) =>
    (await t.db.selectFrom('auditLog').select(['changes', 'recordId', 'actorUserId']).where('action', '=', action).orderBy('seq', 'desc').executeTakeFirst()) as
      | { changes: Record<string, unknown>; recordId: string; actorUserId: string }
      | undefined;
  const valid = { name: 'Y', issuer: 'https://login.example.org/realms/y', clientId: 'y', clientSecret: 'super-secret-value', assignment: 'admin' };

  it('asks the administrator\'s password again before a provider is created or changed, or a sign-in given to a user', async () => {
    const bare = await t.app.inject({ method: 'POST', url: '/api/v1/identity-providers', headers: admin.headers, payload: { ...valid, clientId: 'reauth-1' } });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.fields).toHaveProperty('currentPassword');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/identity-providers', headers: admin.headers, payload: { ...valid, clientId: 'reauth-1', currentPassword: 'not-it' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ code: 'wrong_password', fields: { currentPassword: 'wrong password' } });
    expect(await t.db.selectFrom('identityProviders').select('id').where('clientId', '=', 'reauth-1').executeTakeFirst()).toBeUndefined();
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/identity-providers', headers: admin.headers, payload: { ...valid, clientId: 'reauth-1', currentPassword: adminPassword } });
    expect(ok.statusCode, ok.body).toBe(201);
    const patch = await t.app.inject({ method: 'PATCH', url: `/api/v1/identity-providers/${ok.json().id}`, headers: admin.headers, payload: { enabled: false } });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.fields).toHaveProperty('currentPassword');

    // Linking a waiting sign-in to an existing user.
    const pending = await t.db
      .insertInto('userIdentities')
      .values({ providerId: adminProvider, issuer, subject: 'reauth-link', userId: null, email: null, name: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const target = await makeUser(t.db, { roles: ['administrator'] });
    const link = (body: object) => t.app.inject({ method: 'POST', url: `/api/v1/sso-identities/${pending.id}/link`, headers: admin.headers, payload: { userId: target.id, ...body } });
    expect((await link({})).statusCode).toBe(400);
    expect((await t.db.selectFrom('userIdentities').select('userId').where('id', '=', pending.id).executeTakeFirstOrThrow()).userId).toBeNull();
    const linked = await link({ currentPassword: adminPassword });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(await lastAudit('sso.identity_linked')).toMatchObject({ recordId: pending.id, changes: { userId: target.id } });
    const assign = await t.app.inject({ method: 'POST', url: `/api/v1/sso-identities/${pending.id}/assign`, headers: admin.headers, payload: { agencyId: agencyA.id, roles: ['administrator'] } });
    expect(assign.statusCode).toBe(400);
    expect(assign.json().error.fields).toHaveProperty('currentPassword');
  });

  it('an administrator without a password (single sign-on) needs a sign-in younger than ten minutes instead', async () => {
    const a = await makeUser(t.db, { roles: ['administrator'] });
    const s = await signIn(t.app, a.email);
    await t.db.updateTable('users').set({ passwordHash: null }).where('id', '=', a.id).execute();
    const session = await t.db.selectFrom('sessions').select('id').where('userId', '=', a.id).executeTakeFirstOrThrow();
    await t.db.updateTable('sessions').set({ createdAt: new Date(Date.now() - 11 * 60_000) }).where('id', '=', session.id).execute();
    const post = () => t.app.inject({ method: 'POST', url: '/api/v1/identity-providers', headers: s.headers, payload: { ...valid, clientId: 'reauth-sso-admin' } });
    const old = await post();
    expect(old.statusCode).toBe(403);
    expect(old.json().error.code).toBe('reauthentication_required');
    await t.db.updateTable('sessions').set({ createdAt: new Date() }).where('id', '=', session.id).execute();
    expect((await post()).statusCode).toBe(201);
  });

  it('a person is known only through the provider that first saw them', async () => {
    await signInWith(claimsProvider, 'alice');
    // Alice's subject at the same issuer, through the other client (another agency's, other rules).
    const res = await signInWith(adminProvider, 'alice');
    expect(res.headers.location).toBe('/login?sso=refused');
    expect(sessionOf(res)).toBeUndefined();
    expect(await refusals()).toMatchObject({ failure: 'other_provider', providerId: adminProvider });
  });

  it('places a user made from claims again at every sign-in: another agency in the claims sends the sign-in back to waiting', async () => {
    const first = await signInWith(claimsProvider, 'frank');
    expect(first.headers.location).toBe('/');
    accounts.frank!.pathway_agency = 'ngo-elsewhere';
    try {
      const moved = await signInWith(claimsProvider, 'frank');
      expect(moved.headers.location).toBe('/login?sso=pending');
      expect(sessionOf(moved)).toBeUndefined();
      expect((await lastAudit('auth.sso_pending'))?.changes).toMatchObject({ failure: 'agency_changed' });
    } finally {
      accounts.frank!.pathway_agency = 'ngo-a';
    }
    expect((await signInWith(claimsProvider, 'frank')).headers.location).toBe('/');
  });

  it('claim values named like Object.prototype\'s members place no one and answer no 500', async () => {
    const res = await signInWith(claimsProvider, 'mallory');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?sso=pending');
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'mallory@idp.example').execute()).toHaveLength(0);
  });

  it('makes no user from an e-mail the provider has not verified, and shows administrators the flag', async () => {
    const res = await signInWith(claimsProvider, 'erin');
    expect(res.headers.location).toBe('/login?sso=pending');
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'erin@idp.example').execute()).toHaveLength(0);
    const pending = await t.app.inject({ method: 'GET', url: '/api/v1/sso-identities?status=pending&limit=100', headers: admin.headers });
    const items = pending.json().items as { subject: string; emailVerified: boolean }[];
    expect(items.find((i) => i.subject === 'erin')).toMatchObject({ emailVerified: false });
    const linked = await t.app.inject({ method: 'GET', url: '/api/v1/sso-identities?status=linked&limit=100', headers: admin.headers });
    expect((linked.json().items as { subject: string; emailVerified: boolean }[]).find((i) => i.subject === 'alice')).toMatchObject({ emailVerified: true });
  });

  it('asks for the client secret again when the issuer or client id changes', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/identity-providers', headers: admin.headers, payload: { ...valid, clientId: 'moving', currentPassword: adminPassword } });
    const id = created.json().id as string;
    const patch = (body: object) => t.app.inject({ method: 'PATCH', url: `/api/v1/identity-providers/${id}`, headers: admin.headers, payload: { ...body, currentPassword: adminPassword } });
    for (const body of [{ issuer: 'https://evil.example.org' }, { clientId: 'moved' }]) {
      const res = await patch(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.fields).toHaveProperty('clientSecret');
    }
    expect((await t.db.selectFrom('identityProviders').select(['issuer', 'clientId']).where('id', '=', id).executeTakeFirstOrThrow())).toMatchObject({ clientId: 'moving', issuer: valid.issuer });
    expect((await patch({ clientId: 'moved', clientSecret: 'a-new-secret' })).statusCode).toBe(200);
    expect((await patch({ name: 'Renamed' })).statusCode).toBe(200);
  });

  it('a user with Pathway TOTP gives the code after the provider too, unless the provider\'s required acr is in the token', async () => {
    const first = await signInWith(claimsProvider, 'grace');
    const userId = (await me(sessionOf(first)!)).json().user.id as string;
    const secret = newTotpSecret();
    await t.db.updateTable('users').set({ totpSecret: sealTotpSecret(t.app.keys, secret, userId), totpEnabledAt: new Date() }).where('id', '=', userId).execute();

    const res = await signInWith(claimsProvider, 'grace');
    expect(res.headers.location).toBe('/login?sso=totp');
    expect(sessionOf(res)).toBeUndefined();
    const ticket = res.cookies.find((c) => c.name === TOTP_COOKIE);
    expect(ticket).toMatchObject({ httpOnly: true, path: '/api/v1/auth/sso' });
    const code = (c: string, cookie = `${TOTP_COOKIE}=${ticket!.value}`) => t.app.inject({ method: 'POST', url: '/api/v1/auth/sso/totp', headers: { cookie }, payload: { code: c } });
    const good = totpCode(secret);
    const wrong = await code(good === '000000' ? '111111' : '000000');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('invalid_totp');
    expect((await code(good, `${TOTP_COOKIE}=forged`)).json().error.code).toBe('sso_expired');
    const ok = await code(good);
    expect(ok.statusCode, ok.body).toBe(200);
    const session = ok.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    expect((await me(session)).json().user.id).toBe(userId);
    // The ticket and the code are spent.
    expect((await code(good)).statusCode).toBe(401);

    // A provider that requires an acr the token carries stands in for the code.
    await t.db.updateTable('identityProviders').set({ requiredAcr: 'urn:mfa' }).where('id', '=', claimsProvider).execute();
    try {
      const flow = await throughProvider(claimsProvider, 'grace');
      idp.rewriteIdToken((jwt) => idp.resign(jwt, (c) => (c.acr = 'urn:mfa')));
      let strong;
      try {
        strong = await callback(flow);
      } finally {
        idp.rewriteIdToken(null);
      }
      expect(strong.headers.location).toBe('/');
      expect(sessionOf(strong)).toBeTruthy();
      // Without it in the token, the code is asked.
      expect((await signInWith(claimsProvider, 'grace')).headers.location).toBe('/login?sso=totp');
    } finally {
      await t.db.updateTable('identityProviders').set({ requiredAcr: null }).where('id', '=', claimsProvider).execute();
    }
  });
});

describe('single sign-on: the redirect URI and its cookies (review: Host header, cookie prefixes)', () => {
  /** Another Pathway with its own settings, the same provider registered in it. */
  async function otherPathway(overrides: Parameters<typeof createTestApp>[0]) {
    const other = await createTestApp(overrides);
    const a = await makeUser(other.db, { roles: ['administrator'] });
    const s = await signIn(other.app, a.email);
    const res = await other.app.inject({
      method: 'POST',
      url: '/api/v1/identity-providers',
      headers: { ...s.headers, host: '127.0.0.1:3000' },
      payload: { name: 'Other', issuer, clientId: 'pathway', clientSecret: 'a-client-secret-of-some-length', assignment: 'admin', currentPassword: a.password },
    });
    expect(res.statusCode, res.body).toBe(201);
    return { other, session: s, providerId: (res.json() as { id: string }).id };
  }
  const redirectOf = (res: { headers: Record<string, unknown> }) => new URL(String(res.headers.location)).searchParams.get('redirect_uri');

  it('with PATHWAY_PUBLIC_URL the redirect URI is always built from it, whatever the Host header', async () => {
    const start = await t.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${claimsProvider}/start`, headers: { host: 'evil.example' } });
    expect(start.statusCode).toBe(303);
    expect(redirectOf(start)).toBe(`${BASE}/api/v1/auth/sso/${claimsProvider}/callback`);
    const view = await t.app.inject({ method: 'GET', url: `/api/v1/identity-providers/${claimsProvider}`, headers: { ...admin.headers, host: 'evil.example' } });
    expect(view.json().redirectUri).toBe(`${BASE}/api/v1/auth/sso/${claimsProvider}/callback`);
  });

  it('without PATHWAY_PUBLIC_URL a spoofed Host is refused with an error naming it; a loopback host (development) works', async () => {
    const { other, session, providerId } = await otherPathway({ host: '0.0.0.0' });
    try {
      const before = await other.db.selectFrom('ssoRequests').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      const spoofed = await other.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${providerId}/start`, headers: { host: 'evil.example' } });
      expect(spoofed.statusCode).toBe(503);
      expect(spoofed.json().error.code).toBe('public_url_required');
      expect(spoofed.json().error.message).toMatch(/PATHWAY_PUBLIC_URL/);
      expect(spoofed.headers.location).toBeUndefined();
      // Nothing was kept for the spoofed sign-in.
      expect(await other.db.selectFrom('ssoRequests').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).toEqual(before);
      // The administration shows no redirect URI to register for that address.
      const view = await other.app.inject({ method: 'GET', url: `/api/v1/identity-providers/${providerId}`, headers: { ...session.headers, host: 'evil.example' } });
      expect(view.json().redirectUri).toBeNull();
      const local = await other.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${providerId}/start`, headers: { host: '127.0.0.1:3000' } });
      expect(local.statusCode).toBe(303);
      expect(redirectOf(local)).toBe(`http://127.0.0.1:3000/api/v1/auth/sso/${providerId}/callback`);
      expect(local.cookies.map((c) => c.name)).toEqual([STATE_COOKIE]);
    } finally {
      await other.close();
    }
  });

  it('over HTTPS the state cookie is __Secure-pathway_sso, and a plain-named one is not read', async () => {
    const { other, providerId } = await otherPathway({ publicUrl: 'https://pathway.example.org' });
    try {
      const start = await other.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${providerId}/start` });
      expect(start.statusCode).toBe(303);
      expect(redirectOf(start)).toBe(`https://pathway.example.org/api/v1/auth/sso/${providerId}/callback`);
      const state = start.cookies.find((c) => c.name === ssoCookieName(SSO_STATE_COOKIE, true));
      expect(state).toMatchObject({ name: '__Secure-pathway_sso', secure: true, httpOnly: true, path: '/api/v1/auth/sso' });
      const plain = await other.app.inject({ method: 'GET', url: `/api/v1/auth/sso/${providerId}/callback?code=x&state=${state!.value}`, headers: { cookie: `pathway_sso=${state!.value}` } });
      expect(plain.headers.location).toBe('/login?sso=expired');
    } finally {
      await other.close();
    }
  });
});

describe('single sign-on: anonymous refusals do not fill the audit log (review: an anonymous flood)', () => {
  it('of the callbacks refused before anyone is identified, one address gets one audit entry a window; each is logged; successes stay audited', async () => {
    const flooder = '203.0.113.66';
    const audited = () =>
      t.db.selectFrom('auditLog').select(['changes']).where('action', '=', 'auth.sso_refused').where('ip', '=', flooder).orderBy('seq').execute();
    const logged = () => logLines.filter((l) => l.includes('single sign-on callback refused')).length;
    const loggedBefore = logged();
    const urls = [
      `/api/v1/auth/sso/${claimsProvider}/callback?code=x&state=y`,
      `/api/v1/auth/sso/${claimsProvider}/callback?error=access_denied&state=y`,
      `/api/v1/auth/sso/${adminProvider}/callback?code=x&state=z`,
    ];
    for (let i = 0; i < 30; i++) {
      const res = await t.app.inject({ method: 'GET', url: urls[i % urls.length]!, headers: i % 2 ? { cookie: `${STATE_COOKIE}=forged-${i}` } : {}, remoteAddress: flooder });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/login?sso=expired');
    }
    // One entry for the whole flood, saying it stands for its window; thirty log lines.
    expect((await audited()).map((r) => r.changes)).toEqual([{ failure: 'no_state_cookie', windowMinutes: 10 }]);
    expect(logged() - loggedBefore).toBe(30);
    const line = JSON.parse(logLines.findLast((l) => l.includes('single sign-on callback refused'))!) as { sso: { failure: string; providerId: string } };
    expect(line.sso).toMatchObject({ failure: 'unknown_state' });
    // A new window: the next refusal from that address is audited again.
    await t.db.updateTable('ssoRefusalWindows').set({ windowStartedAt: new Date(Date.now() - 11 * 60_000) }).where('addressKey', '=', flooder).execute();
    await t.app.inject({ method: 'GET', url: urls[0]!, remoteAddress: flooder });
    expect(await audited()).toHaveLength(2);
    // A sign-in that succeeds from the same address is audited as always.
    const flow = await throughProvider(claimsProvider, 'alice');
    const ok = await t.app.inject({ method: 'GET', url: flow.callback.pathname + flow.callback.search, headers: { cookie: `${STATE_COOKIE}=${flow.stateCookie}` }, remoteAddress: flooder });
    expect(ok.headers.location).toBe('/');
    const login = await t.db.selectFrom('auditLog').select(['action', 'changes']).where('ip', '=', flooder).where('action', '=', 'auth.login').executeTakeFirst();
    expect(login?.changes).toMatchObject({ method: 'sso' });
  });
});

describe('single sign-on: a provider defined by the environment (PATHWAY_OIDC_*)', () => {
  it('overrides the registered provider of the same issuer and client, cannot be changed in the administration, follows the variables at each start and is turned off when they go', async () => {
    const other = await createTestApp({ publicUrl: BASE });
    const started: FastifyInstance[] = [];
    /** Pathway started again on the same database with these variables. */
    const restart = async (env: Record<string, string>) => {
      const config = loadConfig({ LOG_LEVEL: 'silent', ...env }, { webDistDir: '/nonexistent', publicUrl: BASE, loginRatePerMinute: 10_000 });
      const app = await buildApp({ config, db: other.db, databaseKind: 'external', version: 'test', logger: false, secretKey: TEST_SECRET_KEY });
      started.push(app);
      await app.ready();
      return app;
    };
    const providerAudit = async (id: string) =>
      (await other.db.selectFrom('auditLog').select(['action', 'changes', 'via']).where('recordId', '=', id).orderBy('seq').execute()).map((r) => ({ action: r.action, via: r.via, changes: r.changes as Record<string, unknown> }));
    try {
      const a = await makeUser(other.db, { roles: ['administrator'] });
      const registered = await other.app.inject({
        method: 'POST',
        url: '/api/v1/identity-providers',
        headers: (await signIn(other.app, a.email)).headers,
        payload: { name: 'Registered by hand', issuer, clientId: 'pathway-env', clientSecret: 'hand-secret', assignment: 'admin', currentPassword: a.password },
      });
      expect(registered.statusCode).toBe(201);
      const id = (registered.json() as { id: string }).id;
      const env = { PATHWAY_OIDC_ISSUER: issuer, PATHWAY_OIDC_CLIENT_ID: 'pathway-env', PATHWAY_OIDC_CLIENT_SECRET: 'env-secret', PATHWAY_OIDC_NAME: 'Government ID' };

      const app = await restart(env);
      const s = await signIn(app, a.email);
      const view = await app.inject({ method: 'GET', url: `/api/v1/identity-providers/${id}`, headers: s.headers });
      expect(view.json()).toMatchObject({ name: 'Government ID', fromEnvironment: true, enabled: true, hasClientSecret: true });
      expect((await app.inject({ method: 'GET', url: '/api/v1/auth/sso/providers' })).json().items).toEqual([{ id, name: 'Government ID' }]);
      const start = await app.inject({ method: 'GET', url: `/api/v1/auth/sso/${id}/start` });
      expect(new URL(String(start.headers.location)).searchParams.get('client_id')).toBe('pathway-env');
      const patch = await app.inject({ method: 'PATCH', url: `/api/v1/identity-providers/${id}`, headers: s.headers, payload: { name: 'Changed by hand', currentPassword: a.password } });
      expect(patch.statusCode).toBe(409);
      expect(patch.json().error.code).toBe('provider_from_environment');
      const secret = await other.db.selectFrom('identityProviders').select('clientSecret').where('id', '=', id).executeTakeFirstOrThrow();
      expect(secret.clientSecret!.includes(Buffer.from('env-secret'))).toBe(false);

      // The same variables again: nothing to record. A new secret: recorded, never its value.
      await restart(env);
      await restart({ ...env, PATHWAY_OIDC_CLIENT_SECRET: 'rotated-secret' });
      // Without the variables the provider is turned off and given back to the administrators.
      await restart({});
      expect(await other.db.selectFrom('identityProviders').select(['enabled', 'fromEnvironment']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ enabled: false, fromEnvironment: false });
      expect((await providerAudit(id)).slice(1)).toEqual([
        { action: 'sso.provider_updated', via: 'system', changes: { name: { changed: true }, clientSecret: { changed: true }, cause: 'environment_override' } },
        { action: 'sso.provider_updated', via: 'system', changes: { clientSecret: { changed: true }, cause: 'environment' } },
        { action: 'sso.provider_updated', via: 'system', changes: { enabled: { old: true, new: false }, cause: 'environment_removed' } },
      ]);
      // An agency the database does not have stops the start, naming the variable.
      await expect(restart({ ...env, PATHWAY_OIDC_AGENCY_ID: crypto.randomUUID() })).rejects.toThrow(/PATHWAY_OIDC_AGENCY_ID: no agency has the id/);
    } finally {
      for (const app of started) await app.close();
      await other.close();
    }
  });
});
