import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstAdministrator } from '../../src/server/modules/auth/first-run.ts';
import az from '../../src/web/i18n/az.json' with { type: 'json' };
import { screenshot, startWebApp, type WebApp } from '../helpers/browser.ts';

let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

describe('first-run setup', () => {
  it('creates the first administrator from the one-time link and lands signed in', async () => {
    const first = await ensureFirstAdministrator(web.db, web.config);
    if (first.kind !== 'setup_link') throw new Error(`expected a setup link, got ${first.kind}`);
    const page = await web.newPage();

    const response = await page.goto(`/setup#token=${first.token}`);
    // The page runs under a content security policy that allows nothing from elsewhere.
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await expect.poll(() => page.getByRole('heading', { name: az.setup.title }).isVisible()).toBe(true);
    await page.getByRole('textbox', { name: az.field.name, exact: true }).fill('Aysel Məmmədova');
    await page.getByRole('textbox', { name: az.field.email, exact: true }).fill('Admin@Example.org');
    await page.getByRole('textbox', { name: az.setup.agencyName, exact: true }).fill('Nazirlik');
    // Too short first: the shared schema's rule shows in Azerbaijani, nothing is sent.
    await page.getByRole('textbox', { name: az.field.newPassword, exact: true }).fill('short');
    await page.getByRole('textbox', { name: az.field.confirmPassword, exact: true }).fill('short');
    await page.getByRole('button', { name: az.setup.submit }).click();
    await page.getByText(az.validation.minLength_other.replace('{{count}}', '12')).first().waitFor();
    await screenshot(page, 'setup');

    await page.getByRole('textbox', { name: az.field.newPassword, exact: true }).fill('a long enough passphrase');
    await page.getByRole('textbox', { name: az.field.confirmPassword, exact: true }).fill('a long enough passphrase');
    await page.getByRole('button', { name: az.setup.submit }).click();

    await page.getByRole('heading', { name: az.home.welcome.replace('{{name}}', 'Aysel Məmmədova') }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(new URL(page.url()).hash).toBe('');
    // The administrator's screens are in the navigation.
    const nav = page.getByRole('navigation', { name: az.nav.main });
    await expect.poll(() => nav.getByRole('link', { name: az.nav.users }).isVisible()).toBe(true);
    await screenshot(page, 'home');

    const user = await web.db.selectFrom('users').select(['email', 'name']).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'admin@example.org', name: 'Aysel Məmmədova' });

    // The link works once: after a reload the session persists and /setup says it is done.
    await page.reload();
    await page.getByRole('heading', { name: az.home.welcome.replace('{{name}}', 'Aysel Məmmədova') }).waitFor();
    await page.goto(`/setup#token=${first.token}`);
    await page.getByText(az.setup.alreadyDone).waitFor();
  });
});
