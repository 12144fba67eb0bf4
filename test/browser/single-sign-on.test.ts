import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import az from '../../src/web/i18n/az.json' with { type: 'json' };
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import ssoEn from '../../src/web/i18n/modules/sso/en.json' with { type: 'json' };
import { makeAgency, makeUser, signIn as apiSignIn } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';
import { listenTestIdp, type TestIdp } from '../helpers/oidc-idp.ts';

const sso = ssoEn.sso;
let web: WebApp;
let idp: TestIdp;
let agency: { id: string; name: string };

beforeAll(async () => {
  web = await startWebApp();
  agency = await makeAgency(web.db, { name: 'Sumqayıt Sığınacağı', type: 'shelter' });
  idp = await listenTestIdp({
    aysel: { email: 'aysel@idp.example', email_verified: true, name: 'Aysel Həsənova', locale: 'en-GB', pathway_agency: 'shelter', pathway_roles: ['caseworkers'] },
    murad: { email: 'murad@idp.example', name: 'Murad Quliyev' },
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
});
