import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, makeUser, PASSWORD, sessionCookie, signIn, type TestApp } from '../../../../test/helpers/app.ts';
import { totpCode } from '../../auth/totp.ts';
import { unknownAccountKey } from './service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ loginMaxFailures: 3, lockoutMinutes: 15 });
});
afterAll(() => t.close());

const login = (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
const auditActions = async (userId: string) =>
  (await t.db.selectFrom('auditLog').select('action').where('recordId', '=', userId).orderBy('seq').execute()).map((r) => r.action);

describe('sign-in', () => {
  it('signs in with e-mail and password, sets an HttpOnly SameSite=Lax cookie and returns the CSRF token', async () => {
    const u = await makeUser(t.db, { roles: ['case_worker'] });
    const res = await login({ email: u.email.toUpperCase(), password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ email: u.email, roles: ['case_worker'], totpEnabled: false, totpSetupRequired: false });
    expect(body.user.permissions).toContain('case:read:agency');
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/pathway_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
    expect(await auditActions(u.id)).toContain('auth.login');
  });

  it('over plain HTTP names the cookie pathway_session and reads no __Host- cookie', async () => {
    const u = await makeUser(t.db);
    const res = await login({ email: u.email, password: PASSWORD });
    const c = res.cookies.find((c) => c.name.endsWith('pathway_session'))!;
    expect(c).toMatchObject({ name: 'pathway_session', path: '/', httpOnly: true });
    expect(c.secure).toBeFalsy();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `pathway_session=${c.value}` } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `__Host-pathway_session=${c.value}` } })).statusCode).toBe(401);
  });

  it('over HTTPS (a trusted proxy, or an https public address) names the cookie __Host-pathway_session: Secure, Path=/, no Domain, and reads only that name', async () => {
    const proxied = await createTestApp({ trustProxy: 1 });
    const public_ = await createTestApp({ publicUrl: 'https://pathway.example.org' });
    try {
      for (const [app, headers] of [[proxied, { 'x-forwarded-proto': 'https' }], [public_, {}]] as const) {
        const u = await makeUser(app.db);
        const res = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: u.email, password: PASSWORD }, headers });
        expect(res.statusCode).toBe(200);
        expect(res.cookies.map((c) => c.name)).toEqual(['__Host-pathway_session']);
        const c = res.cookies[0]!;
        expect(c).toMatchObject({ secure: true, path: '/', httpOnly: true, sameSite: 'Lax' });
        expect(c.domain).toBeUndefined();
        expect(String(res.headers['set-cookie'])).not.toMatch(/Domain=/i);
        const me = (cookie: string) => app.app.inject({ method: 'GET', url: '/api/v1/me', headers: { ...headers, cookie } });
        expect((await me(`__Host-pathway_session=${c.value}`)).statusCode).toBe(200);
        // A plain-named cookie (planted by a sibling subdomain or over plain HTTP) is not a session here.
        expect((await me(`pathway_session=${c.value}`)).statusCode).toBe(401);
        // The test helpers find it under the same name function.
        expect(sessionCookie(res)).toBe(`__Host-pathway_session=${c.value}`);
        const out = await app.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { ...headers, cookie: `__Host-pathway_session=${c.value}`, 'x-csrf-token': res.json().csrfToken } });
        expect(out.statusCode).toBe(200);
        expect(out.cookies.find((x) => x.name === '__Host-pathway_session')).toMatchObject({ value: '', path: '/', secure: true });
      }
    } finally {
      await proxied.close();
      await public_.close();
    }
  });

  it('answers the same for an unknown e-mail and a wrong password', async () => {
    const u = await makeUser(t.db);
    const wrong = await login({ email: u.email, password: 'not the password' });
    const unknown = await login({ email: 'nobody@example.org', password: 'not the password' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('invalid_credentials');
    expect(unknown.json().error).toMatchObject({ code: 'invalid_credentials', message: wrong.json().error.message });
  });

  const from = (remoteAddress: string) => (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload, remoteAddress });
  const errorOf = (r: { statusCode: number; json: () => { error: Record<string, unknown> } }) => {
    const { requestId: _ignored, ...error } = r.json().error;
    return { status: r.statusCode, error };
  };

  it('after repeated failures refuses that address, even the right password, exactly like a wrong one, and audits it', async () => {
    const u = await makeUser(t.db);
    const wrong = await login({ email: u.email, password: 'wrong password!' });
    for (let i = 0; i < 2; i++) expect((await login({ email: u.email, password: 'wrong password!' })).statusCode).toBe(401);
    const locked = await login({ email: u.email, password: PASSWORD });
    // No 423: a locked account must not be told apart from a wrong password.
    expect(errorOf(locked)).toEqual(errorOf(wrong));
    expect(await auditActions(u.id)).toEqual(['auth.login_failed', 'auth.login_failed', 'auth.locked_out', 'auth.login_failed']);
    // The lock ends on its own.
    await t.db.updateTable('signInAttempts').set({ lockedUntil: new Date(Date.now() - 1000) }).where('userId', '=', u.id).execute();
    expect((await login({ email: u.email, password: PASSWORD })).statusCode).toBe(200);
  });

  it('an unknown e-mail takes its tries and is locked exactly like an account (review: no try, no hash, faster answer)', async () => {
    const u = await makeUser(t.db);
    const ghost = 'Nobody.Here@example.org';
    const tries = async (remote: string, email: string) => {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(errorOf(await from(remote)({ email, password: 'wrong password!' })));
      return answers;
    };
    const known = await tries('198.51.100.31', u.email);
    const unknown = await tries('198.51.100.32', ghost);
    expect(unknown).toEqual(known);
    const row = (userId: string, addressKey: string) =>
      t.db.selectFrom('signInAttempts').select(['failures', sql<boolean>`locked_until > now()`.as('locked')]).where('userId', '=', userId).where('addressKey', '=', addressKey).executeTakeFirst();
    // Counted under a keyed pseudonym of the e-mail (any case), locked after the same number of tries.
    const key = unknownAccountKey(t.app.keys, ghost.toLowerCase());
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await row(key, '198.51.100.32')).toEqual({ failures: 4, locked: true });
    expect(await row(u.id, '198.51.100.31')).toEqual({ failures: 4, locked: true });
    const actions = async (where: 'known' | 'unknown') =>
      (
        await t.db
          .selectFrom('auditLog')
          .select('action')
          .where('action', 'in', ['auth.login_failed', 'auth.locked_out'])
          .where('ip', '=', where === 'known' ? '198.51.100.31' : '198.51.100.32')
          .orderBy('seq')
          .execute()
      ).map((r) => r.action);
    expect(await actions('unknown')).toEqual(await actions('known'));
    expect(await actions('unknown')).toEqual(['auth.login_failed', 'auth.login_failed', 'auth.locked_out', 'auth.login_failed']);
  });

  it('a stranger guessing locks out only their own address: the owner still signs in from theirs', async () => {
    const u = await makeUser(t.db);
    const stranger = from('198.51.100.7');
    for (let i = 0; i < 10; i++) expect((await stranger({ email: u.email, password: 'guess guess guess' })).statusCode).toBe(401);
    expect((await stranger({ email: u.email, password: PASSWORD })).statusCode).toBe(401);
    // A neighbour in the same IPv6 /64 counts as the same address.
    const v6 = from('2001:db8:1:2::5');
    for (let i = 0; i < 3; i++) await v6({ email: u.email, password: 'guess guess guess' });
    expect((await from('2001:db8:1:2:ffff::9')({ email: u.email, password: PASSWORD })).statusCode).toBe(401);
    expect((await from('2001:db8:1:3::5')({ email: u.email, password: PASSWORD })).statusCode).toBe(200);
    expect((await from('192.0.2.44')({ email: u.email, password: PASSWORD })).statusCode).toBe(200);
  });

  it('30 guesses sent at once get no more password checks than allowed (the try is taken atomically)', async () => {
    const u = await makeUser(t.db);
    const results = await Promise.all(Array.from({ length: 30 }, () => login({ email: u.email, password: 'parallel wrong guess' })));
    expect(results.every((r) => r.statusCode === 401 && r.json().error.code === 'invalid_credentials')).toBe(true);
    const judged = await t.db
      .selectFrom('auditLog')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('recordId', '=', u.id)
      .where(sql<boolean>`changes->>'failure' = 'wrong_password'`)
      .executeTakeFirstOrThrow();
    // Only the allowed three were checked against the password; the rest were refused unjudged.
    expect(judged.n).toBe(3);
    const row = await t.db.selectFrom('signInAttempts').select(['lockedUntil', 'failures']).where('userId', '=', u.id).executeTakeFirstOrThrow();
    expect(row.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
    expect((await login({ email: u.email, password: PASSWORD })).statusCode).toBe(401);
  });

  it('answers a disabled user\'s right password exactly like a wrong one', async () => {
    const u = await makeUser(t.db);
    const wrong = await login({ email: u.email, password: 'not the password' });
    await t.db.updateTable('users').set({ disabledAt: new Date() }).where('id', '=', u.id).execute();
    const res = await login({ email: u.email, password: PASSWORD });
    expect(errorOf(res)).toEqual(errorOf(wrong));
    expect(errorOf(res)).toEqual(errorOf(await login({ email: 'nobody-at-all@example.org', password: PASSWORD })));
  });

  it('keys per-address rate limits on the IPv6 /64, not the full address', async () => {
    const limited = await createTestApp({ loginRatePerMinute: 5 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 6; i++)
        codes.push((await limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'x@example.org', password: 'y' }, remoteAddress: `2001:db8:aa:bb::${i + 1}` })).statusCode);
      expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
      // Another /64 has its own allowance.
      expect((await limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'x@example.org', password: 'y' }, remoteAddress: '2001:db8:aa:bc::1' })).statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('rate-limits sign-in attempts per address', async () => {
    const limited = await createTestApp({ loginRatePerMinute: 30 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 32; i++) codes.push((await limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'x@example.org', password: 'y' } })).statusCode);
      expect(codes.slice(0, 30).every((c) => c === 401)).toBe(true);
      expect(codes.slice(30)).toEqual([429, 429]);
      const last = await limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'x@example.org', password: 'y' } });
      expect(last.json().error.code).toBe('rate_limited');
    } finally {
      await limited.close();
    }
  });

  it('a language chosen on the sign-in page becomes the account\'s language; without one the account keeps its own', async () => {
    const u = await makeUser(t.db, { roles: ['case_worker'] });
    const stored = async () => (await t.db.selectFrom('users').select('language').where('id', '=', u.id).executeTakeFirstOrThrow()).language;
    expect(await stored()).toBe('en');
    const bad = await login({ email: u.email, password: PASSWORD, language: 'fr' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toHaveProperty('language');
    const ru = await login({ email: u.email, password: PASSWORD, language: 'ru' });
    expect(ru.statusCode).toBe(200);
    expect(ru.json().user.language).toBe('ru');
    expect(await stored()).toBe('ru');
    const entry = await t.db.selectFrom('auditLog').select('changes').where('recordId', '=', u.id).where('action', '=', 'auth.login').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry.changes).toMatchObject({ language: { old: 'en', new: 'ru' } });
    const none = await login({ email: u.email, password: PASSWORD });
    expect(none.json().user.language).toBe('ru');
    expect(await stored()).toBe('ru');
    // A wrong password changes nothing.
    expect((await login({ email: u.email, password: 'wrong password', language: 'az' })).statusCode).toBe(401);
    expect(await stored()).toBe('ru');
  });
});

describe('session, CSRF and sign-out', () => {
  it('GET /me needs a session', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthorized');
  });

  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const u = await makeUser(t.db);
    const s = await signIn(t.app, u.email);
    const without = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: { cookie: s.cookie }, payload: { language: 'ru' } });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('csrf_failed');
    const wrong = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: { cookie: s.cookie, 'x-csrf-token': 'nope' }, payload: { language: 'ru' } });
    expect(wrong.statusCode).toBe(403);
    const ok = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: s.headers, payload: { language: 'ru' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.language).toBe('ru');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } });
    expect(me.json()).toMatchObject({ user: { language: 'ru' }, csrfToken: s.csrf });
  });

  it('logout ends this session only; logout-everywhere ends all', async () => {
    const u = await makeUser(t.db);
    const a = await signIn(t.app, u.email);
    const b = await signIn(t.app, u.email);
    const c = await signIn(t.app, u.email);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: a.headers })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: a.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: b.cookie } })).statusCode).toBe(200);
    const { token } = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: b.headers, payload: { name: 'x', expiresInDays: 5 } })).json();
    const all = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout-everywhere', headers: b.headers });
    expect(all.json()).toEqual({ sessionsEnded: 2, tokensRevoked: 1 });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    for (const s of [b, c]) expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('a session unused for longer than the idle limit ends', async () => {
    const u = await makeUser(t.db);
    const s = await signIn(t.app, u.email);
    await t.db.updateTable('sessions').set({ lastSeenAt: new Date(Date.now() - (t.config.sessionIdleMinutes + 1) * 60_000) }).where('userId', '=', u.id).execute();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('changes the password: needs the current one, ends the other sessions and every API token, and the new one works', async () => {
    const u = await makeUser(t.db);
    const a = await signIn(t.app, u.email);
    const b = await signIn(t.app, u.email);
    const { token } = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: a.headers, payload: { name: 'maybe an intruder\'s', expiresInDays: 30 } })).json();
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: a.headers, payload: { currentPassword: 'wrong', newPassword: 'a brand new password' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toEqual({ currentPassword: 'wrong password' });
    const short = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: a.headers, payload: { currentPassword: PASSWORD, newPassword: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(Object.keys(short.json().error.fields)).toEqual(['newPassword']);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: a.headers, payload: { currentPassword: PASSWORD, newPassword: 'a brand new password' } });
    expect(ok.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: a.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: b.cookie } })).statusCode).toBe(401);
    // API tokens end too: they may have been made by whoever knew the old password.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    expect((await login({ email: u.email, password: PASSWORD })).statusCode).toBe(401);
    expect((await login({ email: u.email, password: 'a brand new password' })).statusCode).toBe(200);
  });
});

describe('TOTP second factor', () => {
  async function enrol(email: string) {
    const s = await signIn(t.app, email);
    const setup = await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/setup', headers: s.headers, payload: { password: PASSWORD } });
    expect(setup.statusCode).toBe(200);
    const { secret, uri } = setup.json();
    expect(uri).toMatch(/^otpauth:\/\/totp\/Pathway:/);
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/enable', headers: s.headers, payload: { code: '000000' === totpCode(secret) ? '111111' : '000000' } });
    expect(wrong.statusCode).toBe(400);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/enable', headers: s.headers, payload: { code: totpCode(secret) } });
    expect(ok.statusCode).toBe(200);
    // Stored sealed with the key outside the database, never as the secret itself.
    const stored = await t.db.selectFrom('users').select('totpSecret').where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirstOrThrow();
    expect(stored.totpSecret).toMatch(/^v2:/);
    expect(stored.totpSecret).not.toContain(secret);
    return { secret, session: s };
  }

  it('asks for the code once set up, accepts a fresh code, and refuses reuse of the same code', async () => {
    const u = await makeUser(t.db);
    const { secret } = await enrol(u.email);
    const noCode = await login({ email: u.email, password: PASSWORD });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error).toMatchObject({ code: 'totp_required', fields: { totp: 'required' } });
    // The step used at enrolment is spent; a code from the next step works once.
    const next = totpCode(secret, Date.now() + 30_000);
    const ok = await login({ email: u.email, password: PASSWORD, totp: next });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.totpEnabled).toBe(true);
    const replay = await login({ email: u.email, password: PASSWORD, totp: next });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('invalid_totp');
  });

  it('when a role requires TOTP, a user without it can only set it up until they do', async () => {
    const admin = await makeUser(t.db, { roles: ['administrator'] });
    const adminSession = await signIn(t.app, admin.email);
    const u = await makeUser(t.db, { roles: ['investigator'] });
    const req = await t.app.inject({ method: 'PATCH', url: '/api/v1/roles/investigator', headers: adminSession.headers, payload: { requireTotp: true } });
    expect(req.statusCode).toBe(200);
    try {
      const s = await signIn(t.app, u.email);
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } });
      expect(me.json().user.totpSetupRequired).toBe(true);
      const blocked = await t.app.inject({ method: 'GET', url: '/api/v1/agencies', headers: { cookie: s.cookie } });
      expect(blocked.statusCode).toBe(403);
      expect(blocked.json().error.code).toBe('totp_setup_required');
      const setup = await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/setup', headers: s.headers, payload: { password: PASSWORD } });
      await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/enable', headers: s.headers, payload: { code: totpCode(setup.json().secret) } });
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/agencies', headers: { cookie: s.cookie } })).statusCode).toBe(200);
      const off = await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/disable', headers: s.headers, payload: { password: PASSWORD } });
      expect(off.statusCode).toBe(409);
      expect(off.json().error.code).toBe('totp_required_by_role');
    } finally {
      await t.app.inject({ method: 'PATCH', url: '/api/v1/roles/investigator', headers: adminSession.headers, payload: { requireTotp: false } });
    }
  });

  it('a code used by two sign-ins racing each other lets only one in', async () => {
    const u = await makeUser(t.db);
    const { secret } = await enrol(u.email);
    const next = totpCode(secret, Date.now() + 30_000);
    const results = await Promise.all(Array.from({ length: 6 }, () => login({ email: u.email, password: PASSWORD, totp: next })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    // The others are refused: a spent code, or (past the allowed tries in a row) like a wrong password.
    expect(results.filter((r) => r.statusCode === 401).every((r) => ['invalid_totp', 'invalid_credentials'].includes(r.json().error.code))).toBe(true);
  });

  it('setting up needs the current password: a session alone cannot enrol an intruder\'s factor', async () => {
    const u = await makeUser(t.db);
    const s = await signIn(t.app, u.email);
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/setup', headers: s.headers });
    expect(none.statusCode).toBe(400);
    const missing = await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/setup', headers: s.headers, payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(Object.keys(missing.json().error.fields)).toEqual(['password']);
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/setup', headers: s.headers, payload: { password: 'the intruder guesses' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ code: 'wrong_password', fields: { password: 'wrong password' } });
    const row = await t.db.selectFrom('users').select(['totpSecret', 'totpEnabledAt']).where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ totpSecret: null, totpEnabledAt: null });
    // Without a started setup, nothing can be enabled either.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/enable', headers: s.headers, payload: { code: '123456' } })).json().error.code).toBe('totp_not_started');
    expect(await auditActions(u.id)).toContain('auth.reauth_failed');
  });

  it('can be turned off with the password', async () => {
    const u = await makeUser(t.db);
    const { session } = await enrol(u.email);
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/disable', headers: session.headers, payload: { password: 'nope' } });
    expect(wrong.statusCode).toBe(400);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/disable', headers: session.headers, payload: { password: PASSWORD } });
    expect(ok.statusCode).toBe(200);
    expect((await login({ email: u.email, password: PASSWORD })).statusCode).toBe(200);
  });
});

describe('API tokens', () => {
  it('are created once-visible, authenticate without CSRF, carry the user\'s roles, are audited per use, and can be revoked', async () => {
    const u = await makeUser(t.db, { roles: ['analyst'] });
    const s = await signIn(t.app, u.email);
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: s.headers, payload: { name: 'nightly export', expiresInDays: 30 } });
    expect(created.statusCode).toBe(201);
    const { token, tokenInfo } = created.json();
    expect(token).toMatch(/^pw_[0-9a-f]{8}_[\w-]{40,}$/);
    expect(token.startsWith(`pw_${tokenInfo.prefix}_`)).toBe(true);
    const stored = await t.db.selectFrom('apiTokens').selectAll().where('id', '=', tokenInfo.id).executeTakeFirstOrThrow();
    expect(stored.tokenHash.toString('hex')).not.toContain(token);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/auth/tokens', headers: { cookie: s.cookie } });
    expect(JSON.stringify(list.json())).not.toContain(token);
    expect(list.json().items).toHaveLength(1);

    const bearer = { authorization: `Bearer ${token}` };
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.roles).toEqual(['analyst']);
    const write = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: bearer, payload: { language: 'en' } });
    expect(write.statusCode).toBe(200);
    const entry = await t.db.selectFrom('auditLog').selectAll().where('action', '=', 'user.profile_updated').where('actorUserId', '=', u.id).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ via: 'token', tokenId: tokenInfo.id });
    // Every use, reads included, is recorded with the token, the route and the outcome.
    await expect
      .poll(async () => (await t.db.selectFrom('auditLog').select(['changes', 'tokenId']).where('action', '=', 'token.used').where('recordId', '=', tokenInfo.id).orderBy('seq').execute()))
      .toEqual([
        { tokenId: tokenInfo.id, changes: { method: 'GET', route: '/api/v1/me', status: 200 } },
        { tokenId: tokenInfo.id, changes: { method: 'PATCH', route: '/api/v1/me', status: 200 } },
      ]);

    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/v1/auth/tokens/${tokenInfo.id}`, headers: s.headers });
    expect(revoked.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer })).statusCode).toBe(401);
  });

  it('cannot manage credentials: no new tokens, no second factor, no password or session changes', async () => {
    const u = await makeUser(t.db);
    const s = await signIn(t.app, u.email);
    const { token, tokenInfo } = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: s.headers, payload: { name: 'leaky', expiresInDays: 1 } })).json();
    const bearer = { authorization: `Bearer ${token}` };
    const attempts: Array<[string, string, object | undefined]> = [
      ['POST', '/api/v1/auth/tokens', { name: 'forever', expiresInDays: 366 }],
      ['DELETE', `/api/v1/auth/tokens/${tokenInfo.id}`, undefined],
      ['POST', '/api/v1/me/totp/setup', { password: PASSWORD }],
      ['POST', '/api/v1/me/totp/enable', { code: '123456' }],
      ['POST', '/api/v1/me/totp/disable', { password: PASSWORD }],
      ['POST', '/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'taken over account' }],
      ['POST', '/api/v1/auth/logout-everywhere', undefined],
    ];
    for (const [method, url, payload] of attempts) {
      const res = await t.app.inject({ method: method as 'POST', url, headers: bearer, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe('session_required');
    }
    expect(await t.db.selectFrom('apiTokens').select('id').where('userId', '=', u.id).execute()).toHaveLength(1);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
  });

  it('expire', async () => {
    const u = await makeUser(t.db);
    const s = await signIn(t.app, u.email);
    const { token, tokenInfo } = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: s.headers, payload: { name: 'short', expiresInDays: 1 } })).json();
    await t.db.updateTable('apiTokens').set({ expiresAt: new Date(Date.now() - 1000) }).where('id', '=', tokenInfo.id).execute();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(401);
  });

  it('refuse bad token requests with the field named', async () => {
    const u = await makeUser(t.db);
    const s = await signIn(t.app, u.email);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: s.headers, payload: { name: '', expiresInDays: 5000 } });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields).sort()).toEqual(['expiresInDays', 'name']);
    const malformed = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Basic abc' } });
    expect(malformed.statusCode).toBe(401);
  });

  it('a user cannot revoke someone else\'s token', async () => {
    const a = await makeUser(t.db);
    const b = await makeUser(t.db);
    const sa = await signIn(t.app, a.email);
    const sb = await signIn(t.app, b.email);
    const { tokenInfo } = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: sa.headers, payload: { name: 'mine', expiresInDays: 5 } })).json();
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/auth/tokens/${tokenInfo.id}`, headers: sb.headers });
    expect(res.statusCode).toBe(404);
  });
});

describe('limits per account, whatever the address (review: a botnet with a phished password)', () => {
  const from = (remoteAddress: string) => (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload, remoteAddress });
  const actions = async (userId: string) => (await t.db.selectFrom('auditLog').select('action').where('recordId', '=', userId).execute()).map((r) => r.action);
  async function withTotp() {
    const u = await makeUser(t.db);
    const s = await signIn(t.app, u.email);
    const { secret } = (await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/setup', headers: s.headers, payload: { password: PASSWORD } })).json();
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/enable', headers: s.headers, payload: { code: totpCode(secret) } })).statusCode).toBe(200);
    return { u, secret: secret as string };
  }

  it('after 10 wrong codes from any addresses, TOTP sign-in is refused for the account, the right code too, and it is audited', async () => {
    const { u, secret } = await withTotp();
    const good = totpCode(secret, Date.now() + 30_000);
    const wrongCode = good === '000000' ? '111111' : '000000';
    // Each address sends the right password and one wrong code: no address reaches its own limit.
    for (let i = 0; i < 10; i++) {
      const res = await from(`203.0.113.${i + 1}`)({ email: u.email, password: PASSWORD, totp: wrongCode });
      expect(res.json().error.code).toBe('invalid_totp');
    }
    const refused = await from('203.0.113.99')({ email: u.email, password: PASSWORD, totp: good });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: 'totp_locked', fields: { totp: 'too many wrong codes' } });
    expect(await actions(u.id)).toContain('auth.totp_locked');
    // The window over, the right code works again.
    await t.db.updateTable('accountFailures').set({ windowStartedAt: new Date(Date.now() - 61 * 60_000) }).where('userId', '=', u.id).execute();
    expect((await from('203.0.113.99')({ email: u.email, password: PASSWORD, totp: good })).statusCode).toBe(200);
  });

  it('wrong passwords from many addresses past the cap: only addresses the owner signed in from may still try', async () => {
    const u = await makeUser(t.db);
    // The owner signed in from home before.
    expect((await from('192.0.2.200')({ email: u.email, password: PASSWORD })).statusCode).toBe(200);
    // loginMaxFailures 3: the cap for the account is 30 wrong passwords; 11 addresses, 3 guesses each.
    for (let a = 0; a < 11; a++) for (let i = 0; i < 3; i++) await from(`198.18.${a}.1`)({ email: u.email, password: 'botnet guess' });
    expect(await actions(u.id)).toContain('auth.account_guarded');
    // A new address, even with the right password, is answered like a wrong password.
    const stranger = await from('198.19.0.1')({ email: u.email, password: PASSWORD });
    expect(stranger.statusCode).toBe(401);
    expect(stranger.json().error.code).toBe('invalid_credentials');
    // The owner at home still gets in: a stranger cannot lock them out entirely.
    expect((await from('192.0.2.200')({ email: u.email, password: PASSWORD })).statusCode).toBe(200);
  });

  it('a stolen session guessing the password again (change password, TOTP setup or disable) ends after 5 wrong guesses', async () => {
    const u = await makeUser(t.db);
    const s = await signIn(t.app, u.email);
    const tries = [
      { url: '/api/v1/auth/password', payload: { currentPassword: 'guess one', newPassword: 'a brand new password 1' } },
      { url: '/api/v1/me/totp/setup', payload: { password: 'guess two' } },
      { url: '/api/v1/me/totp/disable', payload: { password: 'guess three' } },
      { url: '/api/v1/auth/password', payload: { currentPassword: 'guess four', newPassword: 'a brand new password 1' } },
    ];
    for (const { url, payload } of tries) {
      const res = await t.app.inject({ method: 'POST', url, headers: s.headers, payload });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('wrong_password');
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: s.headers })).statusCode).toBe(200);
    const fifth = await t.app.inject({ method: 'POST', url: '/api/v1/me/totp/setup', headers: s.headers, payload: { password: 'guess five' } });
    expect(fifth.statusCode).toBe(401);
    expect(fifth.json().error.code).toBe('session_ended');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: s.headers })).statusCode).toBe(401);
    expect(await t.db.selectFrom('auditLog').select('action').where('action', '=', 'auth.session_ended').where('actorUserId', '=', u.id).execute()).toHaveLength(1);
  });

  it('"sign out everywhere" also forgets single sign-ons linked to a password user (a backdoor an intruder could have linked)', async () => {
    const u = await makeUser(t.db);
    const s = await signIn(t.app, u.email);
    const provider = await t.db
      .insertInto('identityProviders')
      .values({ name: 'Somewhere', issuer: 'https://idp.example.org', clientId: `c-${u.id}`, assignment: 'admin' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const identity = await t.db
      .insertInto('userIdentities')
      .values({ providerId: provider.id, issuer: 'https://idp.example.org', subject: `intruder-${u.id}`, userId: u.id, email: null, name: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout-everywhere', headers: s.headers });
    expect(res.statusCode).toBe(200);
    expect(await t.db.selectFrom('userIdentities').select('id').where('id', '=', identity.id).executeTakeFirst()).toBeUndefined();
    const audit = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'sso.identity_removed').where('recordId', '=', identity.id).executeTakeFirstOrThrow();
    expect(audit.changes).toMatchObject({ userId: u.id, cause: 'break_in_response' });
  });
});

