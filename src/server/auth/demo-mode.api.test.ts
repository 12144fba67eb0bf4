import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createTestApp, makeAgency, makeUser, signIn, TEST_SECRET_KEY, type TestApp } from '../../../test/helpers/app.ts';

// A demo database started for real: the demo password is public, so nothing made in demo mode with a
// demo account may keep working once PATHWAY_DEMO is off.
let demo: TestApp;
let real: Awaited<ReturnType<typeof buildApp>>;
beforeAll(async () => {
  demo = await createTestApp({ demo: true });
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { webDistDir: '/nonexistent', loginRatePerMinute: 10_000, publicRatePerMinute: 100_000, demo: false });
  real = await buildApp({ config, db: demo.db, databaseKind: 'external', version: 'test', logger: false, secretKey: TEST_SECRET_KEY, databaseUrl: demo.url });
  await real.ready();
});
afterAll(async () => {
  await real.close();
  await demo.close();
});

const me = (app: typeof real, headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/v1/me', headers });

describe('demo accounts outside demo mode', () => {
  it('a demo user\'s session and API token, made in demo mode, are refused once the server runs without it', async () => {
    const u = await makeUser(demo.db, { roles: ['case_worker'] });
    await demo.db.updateTable('users').set({ isDemo: true }).where('id', '=', u.id).execute();
    const s = await signIn(demo.app, u.email);
    const { token } = (await demo.app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: s.headers, payload: { name: 'demo', expiresInDays: 30 } })).json();
    // In demo mode both work.
    expect((await me(demo.app, { cookie: s.cookie })).statusCode).toBe(200);
    expect((await me(demo.app, { authorization: `Bearer ${token}` })).statusCode).toBe(200);
    // The same database without demo mode: both refused.
    expect((await me(real, { cookie: s.cookie })).statusCode).toBe(401);
    const bearer = await me(real, { authorization: `Bearer ${token}` });
    expect(bearer.statusCode).toBe(401);
    expect(bearer.json().error.code).toBe('unauthorized');
  });

  it('a demo administrator\'s cookie cannot create a real administrator outside demo mode', async () => {
    const admin = await makeUser(demo.db, { roles: ['administrator'] });
    await demo.db.updateTable('users').set({ isDemo: true }).where('id', '=', admin.id).execute();
    const s = await signIn(demo.app, admin.email);
    const payload = { email: 'taken-over@example.org', name: 'Intruder', language: 'en', agencyId: admin.agencyId, roles: ['administrator'], isServiceAccount: false };
    const res = await real.inject({ method: 'POST', url: '/api/v1/users', headers: s.headers, payload });
    expect(res.statusCode).toBe(401);
    expect(await demo.db.selectFrom('users').select('id').where('email', '=', 'taken-over@example.org').executeTakeFirst()).toBeUndefined();
  });

  it('what a demo administrator creates in demo mode is demo too, and ends with it', async () => {
    const admin = await makeUser(demo.db, { roles: ['administrator'] });
    await demo.db.updateTable('users').set({ isDemo: true }).where('id', '=', admin.id).execute();
    const s = await signIn(demo.app, admin.email);
    const payload = { email: 'made-in-demo@example.org', name: 'Made in demo', language: 'en', agencyId: admin.agencyId, roles: ['administrator'], isServiceAccount: false };
    const created = await demo.app.inject({ method: 'POST', url: '/api/v1/users', headers: s.headers, payload });
    expect(created.statusCode).toBe(201);
    expect(created.json().user.isDemo).toBe(true);
  });

  it('a user of a demo agency counts as a demo user', async () => {
    const agency = await makeAgency(demo.db);
    await demo.db.updateTable('agencies').set({ isDemo: true }).where('id', '=', agency.id).execute();
    const u = await makeUser(demo.db, { agencyId: agency.id });
    const s = await signIn(demo.app, u.email);
    expect((await me(demo.app, { cookie: s.cookie })).json().user.isDemo).toBe(true);
    expect((await me(real, { cookie: s.cookie })).statusCode).toBe(401);
    const login = await real.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: u.email, password: u.password } });
    expect(login.statusCode).toBe(403);
  });

  it('a real user\'s session works in both', async () => {
    const u = await makeUser(demo.db);
    const s = await signIn(demo.app, u.email);
    expect((await me(real, { cookie: s.cookie })).statusCode).toBe(200);
  });
});

describe('what is made in demo mode stays demo (review: an SSO administrator left behind)', () => {
  const provider = { name: 'Demo SSO', issuer: 'https://login.example.org/realms/demo', clientSecret: 'demo-client-secret', assignment: 'admin' };

  it('an agency made in demo mode is demo, and its users are refused outside it', async () => {
    // A real administrator, in demo mode: what they make there is demo all the same.
    const admin = await makeUser(demo.db, { roles: ['administrator'] });
    const s = await signIn(demo.app, admin.email);
    const agency = await demo.app.inject({ method: 'POST', url: '/api/v1/agencies', headers: s.headers, payload: { name: 'Agency made in demo', type: 'ngo' } });
    expect(agency.statusCode, agency.body).toBe(201);
    expect(agency.json().isDemo).toBe(true);
    const user = await demo.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: s.headers,
      payload: { email: 'in-demo-agency@example.org', name: 'In demo agency', language: 'en', agencyId: agency.json().id, roles: ['administrator'], isServiceAccount: false },
    });
    expect(user.statusCode, user.body).toBe(201);
    expect(user.json().user.isDemo).toBe(true);
  });

  it('an identity provider made in demo mode is demo: no button, no sign-in and no administration of its sign-ins outside demo mode', async () => {
    const admin = await makeUser(demo.db, { roles: ['administrator'] });
    const s = await signIn(demo.app, admin.email);
    const created = await demo.app.inject({ method: 'POST', url: '/api/v1/identity-providers', headers: s.headers, payload: { ...provider, clientId: 'demo-1', currentPassword: admin.password } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().isDemo).toBe(true);
    const id = created.json().id as string;
    const buttons = (app: typeof real) => app.inject({ method: 'GET', url: '/api/v1/auth/sso/providers' });
    expect((await buttons(demo.app)).json().items.map((i: { id: string }) => i.id)).toContain(id);
    expect((await buttons(real)).json().items.map((i: { id: string }) => i.id)).not.toContain(id);
    expect((await real.inject({ method: 'GET', url: `/api/v1/auth/sso/${id}/start` })).statusCode).toBe(404);

    // A sign-in through it waits for an administrator (as the provider would leave it).
    const pending = async (subject: string) =>
      (await demo.db.insertInto('userIdentities').values({ providerId: id, issuer: provider.issuer, subject, userId: null, email: `${subject}@idp.example`, name: subject }).returning('id').executeTakeFirstOrThrow()).id;
    const first = await pending('demo-person');
    // In demo mode a demo administrator's cookie (the password is public) cannot give it a real account.
    const realAdmin = await makeUser(demo.db, { roles: ['administrator'] });
    const link = await demo.app.inject({ method: 'POST', url: `/api/v1/sso-identities/${first}/link`, headers: s.headers, payload: { userId: realAdmin.id, currentPassword: admin.password } });
    expect(link.statusCode).toBe(400);
    expect(link.json().error.fields).toHaveProperty('userId');
    // Assigning makes a demo user.
    const assigned = await demo.app.inject({ method: 'POST', url: `/api/v1/sso-identities/${first}/assign`, headers: s.headers, payload: { agencyId: admin.agencyId, roles: ['administrator'], currentPassword: admin.password } });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const made = await demo.db.selectFrom('users').select(['isDemo']).where('id', '=', assigned.json().user.id).executeTakeFirstOrThrow();
    expect(made.isDemo).toBe(true);

    // Outside demo mode even a real administrator cannot give its sign-ins users.
    const second = await pending('demo-person-2');
    const realSession = await signIn(real, realAdmin.email);
    const late = await real.inject({ method: 'POST', url: `/api/v1/sso-identities/${second}/assign`, headers: realSession.headers, payload: { agencyId: realAdmin.agencyId, roles: ['administrator'], currentPassword: realAdmin.password } });
    expect(late.statusCode).toBe(404);
  });
});
