import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import { makeAgency, makeUser, PASSWORD } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp } from '../helpers/browser.ts';

let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

const textbox = (page: Page, name: string) => page.getByRole('textbox', { name, exact: true });

async function signIn(page: Page, email: string, password: string) {
  await page.evaluate(() => localStorage.setItem('pathway.language', 'en'));
  await page.goto('/login');
  await textbox(page, en.field.email).fill(email);
  await textbox(page, en.field.password).fill(password);
  await page.getByRole('button', { name: en.signIn.submit }).click();
}

describe('users administration', () => {
  it('an administrator creates a user who signs in with the temporary password and must change it', async () => {
    const agency = await makeAgency(web.db, { name: 'Bakı Sığınacağı', type: 'shelter' });
    const admin = await makeUser(web.db, { roles: ['administrator'] });
    const page = await web.newPage();
    await page.goto('/');
    await signIn(page, admin.email, PASSWORD);

    await page.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: en.nav.users }).click();
    await page.getByRole('heading', { name: en.nav.users, level: 1 }).waitFor();
    await page.getByTestId('user-row').first().waitFor();
    await screenshot(page, 'users');

    await page.getByRole('button', { name: en.users.create }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: en.field.email, exact: true }).fill('Leyla.Aliyeva@example.org');
    await dialog.getByRole('textbox', { name: en.field.name, exact: true }).fill('Leyla Aliyeva');
    await dialog.getByRole('combobox', { name: en.field.agency, exact: true }).click();
    await page.getByRole('option', { name: 'Bakı Sığınacağı' }).click();
    await dialog.getByRole('combobox', { name: en.field.roles, exact: true }).click();
    await page.getByRole('option', { name: en.role.case_worker }).click();
    await page.keyboard.press('Escape');
    // The new user works in English: their screens follow the account's language.
    await dialog.getByRole('combobox', { name: en.account.language, exact: true }).click();
    await page.getByRole('option', { name: 'English' }).click();
    await screenshot(page, 'user-create');
    await dialog.getByRole('button', { name: en.users.create }).click();

    const shown = page.getByTestId('temporary-password');
    await shown.waitFor();
    const temporary = (await shown.textContent())?.trim() ?? '';
    expect(temporary.length).toBeGreaterThanOrEqual(12);
    await screenshot(page, 'user-created');
    await dialog.getByRole('button', { name: en.common.done }).click();
    await page.getByTestId('user-row').filter({ hasText: 'leyla.aliyeva@example.org' }).getByText(en.role.case_worker).waitFor();

    const created = await web.db.selectFrom('users').select(['id', 'agencyId', 'mustChangePassword']).where('email', '=', 'leyla.aliyeva@example.org').executeTakeFirstOrThrow();
    expect(created.agencyId).toBe(agency.id);
    expect(created.mustChangePassword).toBe(true);

    // The new user, in a browser of their own.
    const newcomer = await web.newPage();
    await newcomer.goto('/');
    await signIn(newcomer, 'leyla.aliyeva@example.org', temporary);
    await newcomer.getByRole('heading', { name: en.forced.passwordTitle }).waitFor();
    await screenshot(newcomer, 'forced-password');
    await textbox(newcomer, en.field.currentPassword).fill(temporary);
    await textbox(newcomer, en.field.newPassword).fill('my own long passphrase');
    await textbox(newcomer, en.field.confirmPassword).fill('my own long passphrase');
    await newcomer.getByRole('button', { name: en.forced.passwordSubmit }).click();

    await newcomer.getByRole('heading', { name: en.home.welcome.replace('{{name}}', 'Leyla Aliyeva') }).waitFor();
    await newcomer.getByText('Bakı Sığınacağı').first().waitFor();
    await newcomer.getByText(en.role.case_worker).first().waitFor();
    // A case worker does not see the administration.
    expect(await newcomer.getByRole('link', { name: en.nav.users }).count()).toBe(0);
    const after = await web.db.selectFrom('users').select('mustChangePassword').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(after.mustChangePassword).toBe(false);
  });

  it('a password the administrator typed in must be changed at the first sign-in before anything else (issue 15)', async () => {
    await makeAgency(web.db, { name: 'Gəncə Mərkəzi', type: 'ngo' });
    const admin = await makeUser(web.db, { roles: ['administrator'] });
    const page = await web.newPage();
    await page.goto('/');
    await signIn(page, admin.email, PASSWORD);
    await page.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: en.nav.users }).click();
    await page.getByRole('button', { name: en.users.create }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: en.field.email, exact: true }).fill('rauf.said@example.org');
    await dialog.getByRole('textbox', { name: en.field.name, exact: true }).fill('Rauf Səid');
    await dialog.getByRole('combobox', { name: en.field.agency, exact: true }).click();
    await page.getByRole('option', { name: 'Gəncə Mərkəzi' }).click();
    await dialog.getByRole('combobox', { name: en.field.roles, exact: true }).click();
    await page.getByRole('option', { name: en.role.case_worker }).click();
    await page.keyboard.press('Escape');
    await dialog.getByRole('combobox', { name: en.account.language, exact: true }).click();
    await page.getByRole('option', { name: en.language.en }).click();
    await dialog.getByText(en.users.initialPasswordHelp).waitFor();
    await dialog.getByLabel(en.users.initialPassword, { exact: true }).fill('typed by the administrator');
    await dialog.getByRole('button', { name: en.users.create }).click();
    await page.getByTestId('user-row').filter({ hasText: 'rauf.said@example.org' }).waitFor();

    const newcomer = await web.newPage();
    await newcomer.goto('/');
    await signIn(newcomer, 'rauf.said@example.org', 'typed by the administrator');
    await newcomer.getByRole('heading', { name: en.forced.passwordTitle }).waitFor();
    // Another address of the app shows the same forced step: nothing else is reachable.
    await newcomer.goto('/cases');
    await newcomer.getByRole('heading', { name: en.forced.passwordTitle }).waitFor();
    expect(await newcomer.getByRole('navigation', { name: en.nav.main }).count()).toBe(0);
    await textbox(newcomer, en.field.currentPassword).fill('typed by the administrator');
    await textbox(newcomer, en.field.newPassword).fill('rauf chose this one');
    await textbox(newcomer, en.field.confirmPassword).fill('rauf chose this one');
    await newcomer.getByRole('button', { name: en.forced.passwordSubmit }).click();
    // In: the app itself, where the browser was.
    await newcomer.getByRole('navigation', { name: en.nav.main }).waitFor();
    const after = await web.db.selectFrom('users').select('mustChangePassword').where('email', '=', 'rauf.said@example.org').executeTakeFirstOrThrow();
    expect(after.mustChangePassword).toBe(false);
  });
});
