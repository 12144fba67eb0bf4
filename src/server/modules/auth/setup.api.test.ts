import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { ensureFirstAdministrator } from './first-run.ts';
import { seedDemo, demoEmail, DEMO_PASSWORD, DEMO_AGENCIES } from '../../demo/seed.ts';
import { ROLES } from '../../../shared/roles.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const setup = (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/setup', payload });

describe('first run', () => {
  it('with no users, issues a one-time setup token that creates the administrator and signs them in', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({ needsSetup: true });
    const first = await ensureFirstAdministrator(t.db, t.config);
    if (first.kind !== 'setup_link') throw new Error(`expected a setup link, got ${first.kind}`);
    const wrong = await setup({ token: 'x'.repeat(43), email: 'admin@example.org', name: 'Admin', password: 'a long admin password' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('invalid_setup_token');
    const ok = await setup({ token: first.token, email: 'admin@example.org', name: 'Admin', password: 'a long admin password' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().user).toMatchObject({ email: 'admin@example.org', roles: ['administrator'] });
    expect(String(ok.headers['set-cookie'])).toMatch(/pathway_session=/);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({ needsSetup: false });
    const again = await setup({ token: first.token, email: 'other@example.org', name: 'Other', password: 'a long admin password' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('setup_done');
    expect((await ensureFirstAdministrator(t.db, t.config)).kind).toBe('has_users');
  });

  it('keeps the language the setup page was filled in as the administrator\'s language; refuses an unknown one', async () => {
    const first = await ensureFirstAdministrator(t.db, t.config);
    if (first.kind !== 'setup_link') throw new Error(`expected a setup link, got ${first.kind}`);
    const bad = await setup({ token: first.token, email: 'admin@example.org', name: 'Admin', password: 'a long admin password', language: 'de' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toHaveProperty('language');
    const ok = await setup({ token: first.token, email: 'admin@example.org', name: 'Admin', password: 'a long admin password', language: 'ru' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().user.language).toBe('ru');
    expect((await t.db.selectFrom('users').select('language').executeTakeFirstOrThrow()).language).toBe('ru');
  });

  it('an older setup token stops working when a new one is issued', async () => {
    const a = await ensureFirstAdministrator(t.db, t.config);
    const b = await ensureFirstAdministrator(t.db, t.config);
    if (a.kind !== 'setup_link' || b.kind !== 'setup_link') throw new Error('expected setup links');
    expect((await setup({ token: a.token, email: 'a@example.org', name: 'A', password: 'a long admin password' })).statusCode).toBe(403);
    expect((await setup({ token: b.token, email: 'a@example.org', name: 'A', password: 'a long admin password' })).statusCode).toBe(201);
  });

  it('creates the administrator from the environment when both variables are set', async () => {
    const first = await ensureFirstAdministrator(t.db, { ...t.config, adminEmail: 'boss@example.org', adminPassword: 'environment password' });
    expect(first).toEqual({ kind: 'admin_created', email: 'boss@example.org' });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'boss@example.org', password: 'environment password' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.roles).toEqual(['administrator']);
  });
});

describe('demo data', () => {
  it('loads the agencies of a national mechanism and one demo user per role, idempotently', async () => {
    await t.close();
    t = await createTestApp({ demo: true });
    await seedDemo(t.db);
    await seedDemo(t.db);
    const agencies = await t.db.selectFrom('agencies').select(['name', 'isDemo']).execute();
    expect(agencies).toHaveLength(DEMO_AGENCIES.length);
    expect(agencies.every((a) => a.isDemo)).toBe(true);
    for (const role of ROLES) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: demoEmail(role), password: DEMO_PASSWORD } });
      expect(res.statusCode, role).toBe(200);
      expect(res.json().user).toMatchObject({ roles: [role], isDemo: true });
    }
    const demoRuns = await t.db.selectFrom('auditLog').select('action').where('action', '=', 'demo.seeded').execute();
    expect(demoRuns).toHaveLength(1);
  }, 150_000);
});

describe('demo accounts outside demo mode', () => {
  it('cannot sign in, since their password is published', async () => {
    await seedDemo(t.db);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: demoEmail('administrator'), password: DEMO_PASSWORD } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('demo_account');
  });
});
