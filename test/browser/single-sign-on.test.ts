import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import az from '../../src/web/i18n/az.json' with { type: 'json' };
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import ssoEn from '../../src/web/i18n/modules/sso/en.json' with { type: 'json' };
import { makeAgency, makeUser, signIn as apiSignIn } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';
import { listenTestIdp, type TestIdp } from '../helpers/oidc-idp.ts';
import { newTotpSecret, sealTotpSecret, totpCode } from '../../src/server/auth/totp.ts';

const sso = ssoEn.sso;
let web: WebApp;
let idp: TestIdp;
let agency: { id: string; name: string };
/** The provider whose first sign-ins an administrator assigns or links. */
let ministryProvider: string;

beforeAll(async () => {
  web = await startWebApp();
  agency = await makeAgency(web.db, { name: 'Sumqayıt Sığınacağı', type: 'shelter' });
  idp = await listenTestIdp({
    aysel: { email: 'aysel@idp.example', email_verified: true, name: 'Aysel Həsənova', locale: 'en-GB', pathway_agency: 'shelter', pathway_roles: ['caseworkers'] },
    murad: { email: 'murad@idp.example', name: 'Murad Quliyev' },
    leyla: { email: 'leyla@idp.example', email_verified: true, name: 'Leyla Nağıyeva' },
  });
  const admin = await makeUser(web.db, { roles: ['administrator'] });
  const s = await apiSignIn(web.app, admin.email);
  const create = async (body: object) => {
    const res = await web.app.inject({ method: 'POST', url: '/api/v1/identity-providers', headers: s.headers, payload: { issuer: idp.issuer, clientSecret: 'browser-test-secret', scope: 'openid email profile pathway', currentPassword: admin.password, ...body } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };
  const byClaims = await create({ name: 'Shelter ID', clientId: 'claims', assignment: 'claims', agencyClaim: 'pathway_agency', agencyMap: { shelter: agency.id }, rolesClaim: 'pathway_roles', roleMap: { caseworkers: 'case_worker' } });
  const byAdmin = await create({ name: 'Ministry ID', clientId: 'admin', assignment: 'admin' });
  ministryProvider = byAdmin.id;
  const redirectUri = (id: string) => `${web.baseUrl}/api/v1/auth/sso/${id}/callback`;
  idp.start([
    { clientId: 'claims', clientSecret: 'browser-test-secret', redirectUri: redirectUri(byClaims.id) },
    { clientId: 'admin', clientSecret: 'browser-test-secret', redirectUri: redirectUri(byAdmin.id) },
  ]);
});
afterAll(async () => {
  await idp?.close();
  await web?.close();
});

async function openSignIn(page: Page) {
  await page.goto('/login');
  await page.evaluate(() => localStorage.setItem('pathway.language', 'en'));
  await page.reload();
}
const welcome = (page: Page) => page.getByRole('heading', { name: en.home.welcome.replace('{{name}}', '') });

describe('single sign-on in the browser', () => {
  it('a case worker signs in with the shelter\'s identity provider and lands in Pathway', async () => {
    const page = await web.newPage();
    await openSignIn(page);
    idp.signInAs('aysel');
    await screenshot(page, 'sso-sign-in');
    await page.getByRole('link', { name: sso.signInWith.replace('{{name}}', 'Shelter ID') }).click();
    await welcome(page).waitFor();
    await page.getByText('Aysel Həsənova').first().waitFor();
  });

  it('a first sign-in waits for an administrator, who assigns agency and roles on the single sign-on screen', async () => {
    const page = await web.newPage();
    await openSignIn(page);
    idp.signInAs('murad');
    await page.getByRole('link', { name: sso.signInWith.replace('{{name}}', 'Ministry ID') }).click();
    await page.getByRole('alert').getByText(sso.outcome.pending).waitFor();
    expect(new URL(page.url()).search).toBe('?sso=pending');

    const admin = await makeUser(web.db, { roles: ['administrator'] });
    const adminPage = await web.newPage();
    await signInInEnglish(adminPage, admin.email);
    await adminPage.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: sso.nav }).click();
    await adminPage.getByRole('heading', { name: sso.admin.title, level: 1 }).waitFor();
    const row = adminPage.getByRole('row').filter({ hasText: 'Murad Quliyev' });
    await row.getByRole('button', { name: sso.admin.assign }).click();
    const dialog = adminPage.getByRole('dialog');
    await dialog.getByRole('combobox', { name: sso.field.agency, exact: true }).click();
    await adminPage.getByRole('option', { name: agency.name }).click();
    await dialog.getByRole('combobox', { name: en.field.roles, exact: true }).click();
    await adminPage.getByRole('option', { name: en.role.operator }).click();
    await adminPage.keyboard.press('Escape');
    // The administrator's password is asked again before a sign-in is given a user.
    await dialog.getByLabel(sso.field.currentPassword, { exact: true }).fill(admin.password);
    await screenshot(adminPage, 'sso-assign');
    await dialog.getByRole('button', { name: sso.admin.assign }).click();
    await dialog.waitFor({ state: 'detached' });
    await adminPage.getByText(sso.admin.noPending).waitFor();

    await page.getByRole('link', { name: sso.signInWith.replace('{{name}}', 'Ministry ID') }).click();
    // No locale claim: the new account speaks Azerbaijani, the default.
    await page.getByRole('heading', { name: az.home.welcome.replace('{{name}}', '') }).waitFor();
  });

  it('a password user with Pathway TOTP, linked to a single sign-on, gives the six-digit code after the provider before getting in', async () => {
    const u = await makeUser(web.db, { roles: ['case_worker'], agencyId: agency.id });
    const secret = newTotpSecret();
    await web.db.updateTable('users').set({ name: 'Leyla Nağıyeva', totpSecret: sealTotpSecret(web.app.keys, secret, u.id), totpEnabledAt: new Date() }).where('id', '=', u.id).execute();
    // An administrator linked her provider sign-in to her account.
    await web.db.insertInto('userIdentities').values({ providerId: ministryProvider, issuer: idp.issuer, subject: 'leyla', userId: u.id, placedBy: 'admin', email: 'leyla@idp.example', name: 'Leyla Nağıyeva' }).execute();

    const page = await web.newPage();
    await openSignIn(page);
    idp.signInAs('leyla');
    await page.getByRole('link', { name: sso.signInWith.replace('{{name}}', 'Ministry ID') }).click();
    // Back from the provider without a session: the sign-in page asks for the code only.
    await page.getByRole('alert').getByText(sso.outcome.totp).waitFor();
    expect(new URL(page.url()).search).toBe('?sso=totp');
    await page.getByRole('heading', { name: en.signIn.totpTitle }).waitFor();
    expect(await page.getByRole('textbox', { name: en.field.password, exact: true }).count()).toBe(0);
    expect((await page.request.get('/api/v1/me')).status()).toBe(401);
    await screenshot(page, 'sso-totp');
    await page.getByRole('textbox', { name: en.field.totpCode }).fill(totpCode(secret));
    await page.getByRole('button', { name: en.signIn.submit }).click();
    await welcome(page).waitFor();
    await page.getByText('Leyla Nağıyeva').first().waitFor();
    const login = await web.db.selectFrom('auditLog').select('changes').where('action', '=', 'auth.login').where('recordId', '=', u.id).executeTakeFirstOrThrow();
    expect(login.changes).toMatchObject({ method: 'sso', totp: true });
  });
});
