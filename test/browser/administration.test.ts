import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookieName } from '../../src/server/auth/cookies.ts';
import type { Page } from 'playwright-core';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import auditLog from '../../src/web/i18n/modules/audit-log/en.json' with { type: 'json' };
import { makeUser, PASSWORD } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp } from '../helpers/browser.ts';

let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.evaluate(() => localStorage.setItem('pathway.language', 'en'));
  await page.reload();
  await page.getByRole('textbox', { name: en.field.email, exact: true }).fill(email);
  await page.getByRole('textbox', { name: en.field.password, exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: en.signIn.submit }).click();
  await page.getByRole('heading', { name: en.home.welcome.replace('{{name}}', '') }).waitFor();
}

describe('agencies, roles and the audit log', () => {
  it('an administrator adds an agency and makes a role require two-factor; an auditor finds it in the log and verifies the chain', async () => {
    const admin = await makeUser(web.db, { roles: ['administrator'] });
    const page = await web.newPage();
    await signIn(page, admin.email);
    const nav = page.getByRole('navigation', { name: en.nav.main });

    await nav.getByRole('link', { name: en.nav.agencies }).click();
    await page.getByRole('button', { name: en.agencies.create }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: en.field.name, exact: true }).fill('Gəncə Polis İdarəsi');
    await dialog.getByRole('combobox', { name: en.field.agencyType, exact: true }).click();
    await page.getByRole('option', { name: en.agencyType.police }).click();
    await dialog.getByRole('textbox', { name: en.field.region, exact: true }).fill('Gəncə');
    await dialog.getByRole('button', { name: en.common.save }).click();
    await page.getByRole('row').filter({ hasText: 'Gəncə Polis İdarəsi' }).getByText(en.agencyType.police).waitFor();
    await screenshot(page, 'agencies');

    await nav.getByRole('link', { name: en.nav.roles }).click();
    await page.getByRole('button', { name: new RegExp(en.role.investigator) }).click();
    await page.getByRole('switch', { name: new RegExp(en.roles.requireTotp) }).check();
    await page.getByRole('button', { name: en.common.save }).click();
    await page.getByText(en.roles.saved.replace('{{role}}', en.role.investigator)).waitFor();
    await screenshot(page, 'roles');
    const role = await web.db.selectFrom('roles').select('requireTotp').where('code', '=', 'investigator').executeTakeFirstOrThrow();
    expect(role.requireTotp).toBe(true);

    const auditor = await makeUser(web.db, { roles: ['auditor'] });
    const other = await web.newPage();
    await signIn(other, auditor.email);
    await other.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: en.nav.audit }).click();
    await other.getByRole('textbox', { name: new RegExp(`^${en.audit.action}`) }).fill('role.');
    await other.getByRole('button', { name: en.common.search }).click();
    const entry = other.getByRole('button', { name: en.audit.openEntry.replace('{{seq}}', '') }).filter({ hasText: auditLog.auditLog.action.role.updated });
    await entry.first().click();
    await other.getByRole('dialog').getByText('"requireTotp"').first().waitFor();
    await screenshot(other, 'audit-entry');
    await other.keyboard.press('Escape');

    // Who searched for this person? A case worker searches in Latin; the auditor types the name in Cyrillic.
    const worker = await makeUser(web.db, { roles: ['case_worker'] });
    const login = await web.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: worker.email, password: PASSWORD } });
    const cookie = login.cookies.find((c) => c.name === sessionCookieName(false))!;
    const searched = await web.app.inject({ method: 'GET', url: `/api/v1/people/search?q=${encodeURIComponent('Aynur Rzayeva')}`, headers: { cookie: `${cookie.name}=${cookie.value}` } });
    expect(searched.statusCode).toBe(200);
    await other.getByRole('textbox', { name: new RegExp(`^${en.audit.action}`) }).fill('');
    await other.getByRole('textbox', { name: new RegExp(`^${en.audit.searchedName}`) }).fill('Айнур Рзаева');
    await other.getByRole('button', { name: en.common.search }).click();
    const search = other.getByRole('button', { name: en.audit.openEntry.replace('{{seq}}', '') }).filter({ hasText: auditLog.auditLog.action.person.searched });
    await search.first().click();
    const entryDialog = other.getByRole('dialog');
    await entryDialog.getByTestId('audit-fields').getByText('nameKeyHashes').waitFor();
    expect(await entryDialog.textContent()).not.toMatch(/Aynur|Rzayeva/);
    await screenshot(other, 'audit-searched-name');
    await other.keyboard.press('Escape');

    await other.getByRole('button', { name: en.audit.verify }).click();
    const result = other.getByTestId('chain-result');
    await result.getByText(en.audit.chainOk).waitFor();
    expect(await result.textContent()).toMatch(/\d+/);
    await screenshot(other, 'audit');
  });
});
