import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { totpCode } from '../../src/server/auth/totp.ts';
import az from '../../src/web/i18n/az.json' with { type: 'json' };
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import { makeUser, PASSWORD } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp } from '../helpers/browser.ts';

let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

const textbox = (page: Page, name: string) => page.getByRole('textbox', { name, exact: true });

async function fillSignIn(page: Page, email: string, password: string) {
  await page.goto('/');
  await page.getByRole('heading', { name: az.signIn.title }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/login');
  await textbox(page, az.field.email).fill(email);
  await textbox(page, az.field.password).fill(password);
  await page.getByRole('button', { name: az.signIn.submit }).click();
}

describe('sign-in', () => {
  it('signs in with e-mail and password, and says so when the password is wrong', async () => {
    const user = await makeUser(web.db, { roles: ['case_worker'] });
    const page = await web.newPage();

    await fillSignIn(page, user.email, 'not the password');
    await page.getByRole('alert').getByText(az.error.invalid_credentials).waitFor();
    await screenshot(page, 'sign-in-error');

    await textbox(page, az.field.password).fill(PASSWORD);
    await page.getByRole('button', { name: az.signIn.submit }).click();
    // makeUser's users speak English: the shell switches to it at once.
    await page.getByRole('heading', { name: en.home.welcome.replace('{{name}}', '') }).waitFor();
    await page.getByText(en.role.case_worker).first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/');

    // Signing out returns to the sign-in page and the session is gone on the server too.
    await page.getByRole('button', { name: en.account.menu }).click();
    await page.getByRole('menuitem', { name: en.account.signOut, exact: true }).click();
    await page.getByRole('heading', { name: en.signIn.title }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: en.signIn.title }).waitFor();
  });

  it('sets up two-factor in the security screen, then asks for the code at the next sign-in', async () => {
    const user = await makeUser(web.db);
    const page = await web.newPage();
    await fillSignIn(page, user.email, PASSWORD);
    await page.getByRole('heading', { name: en.home.welcome.replace('{{name}}', '') }).waitFor();

    await page.getByRole('button', { name: en.account.menu }).click();
    await page.getByRole('menuitem', { name: en.account.twoFactor }).click();
    await page.getByRole('button', { name: en.totp.setUp }).click();
    // The current password first: a session alone does not enrol a factor.
    await textbox(page, en.field.password).fill('not my password');
    await page.getByRole('button', { name: en.totp.continue }).click();
    await page.getByRole('alert').waitFor();
    await textbox(page, en.field.password).fill(PASSWORD);
    await page.getByRole('button', { name: en.totp.continue }).click();
    await page.getByRole('img', { name: en.totp.qrAlt }).waitFor();
    const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await screenshot(page, 'totp-setup');

    await textbox(page, en.totp.step2).fill('000000');
    await page.getByRole('button', { name: en.totp.enable }).click();
    await page.getByRole('alert').waitFor();
    await textbox(page, en.totp.step2).fill(totpCode(secret));
    await page.getByRole('button', { name: en.totp.enable }).click();
    await page.getByText(en.totp.on).waitFor();
    const row = await web.db.selectFrom('users').select('totpEnabledAt').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.totpEnabledAt).not.toBeNull();

    await page.getByRole('button', { name: en.account.menu }).click();
    await page.getByRole('menuitem', { name: en.account.signOut, exact: true }).click();
    await page.getByRole('heading', { name: en.signIn.title }).waitFor();

    // The sign-in page remembers English from the last user of this browser.
    await textbox(page, en.field.email).fill(user.email);
    await textbox(page, en.field.password).fill(PASSWORD);
    await page.getByRole('button', { name: en.signIn.submit }).click();
    await page.getByRole('heading', { name: en.signIn.totpTitle }).waitFor();
    // The code used to enable TOTP cannot be replayed: use the next time step's code.
    await textbox(page, en.field.totpCode).fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: en.signIn.submit }).click();
    await page.getByRole('heading', { name: en.home.welcome.replace('{{name}}', '') }).waitFor();
    await page.getByText(en.home.totpOn).waitFor();
  });
});
