import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import az from '../../src/web/i18n/az.json' with { type: 'json' };
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import ru from '../../src/web/i18n/ru.json' with { type: 'json' };
import { makeUser, PASSWORD } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp } from '../helpers/browser.ts';

let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

describe('language', () => {
  it('switches to Russian and to Azerbaijani at once, and keeps the choice after a reload', async () => {
    const user = await makeUser(web.db, { roles: ['administrator'] });
    const page = await web.newPage();
    await page.goto('/login');
    await page.getByRole('textbox', { name: az.field.email, exact: true }).fill(user.email);
    await page.getByRole('textbox', { name: az.field.password, exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: az.signIn.submit }).click();
    const nav = page.getByRole('navigation', { name: en.nav.main });
    await nav.getByRole('link', { name: en.nav.users }).waitFor();

    const language = async () => (await web.db.selectFrom('users').select('language').where('id', '=', user.id).executeTakeFirstOrThrow()).language;

    await page.getByRole('button', { name: en.account.menu }).click();
    await page.getByRole('menuitem', { name: 'Русский' }).click();
    const navRu = page.getByRole('navigation', { name: ru.nav.main });
    await navRu.getByRole('link', { name: ru.nav.users }).waitFor();
    await page.getByRole('heading', { name: ru.home.welcome.replace('{{name}}', '') }).waitFor();
    expect(await nav.count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');
    expect(await language()).toBe('ru');
    await screenshot(page, 'home-ru');

    await page.reload();
    await navRu.getByRole('link', { name: ru.nav.agencies }).waitFor();
    await page.getByText(ru.role.administrator).first().waitFor();

    await page.getByRole('button', { name: ru.account.menu }).click();
    await page.getByRole('menuitem', { name: 'Azərbaycanca' }).click();
    const navAz = page.getByRole('navigation', { name: az.nav.main });
    await navAz.getByRole('link', { name: az.nav.users }).waitFor();
    await page.getByText(az.role.administrator).first().waitFor();
    expect(await language()).toBe('az');

    // A fresh browser (no local storage) still gets Azerbaijani from the account after sign-in.
    const other = await web.newPage();
    await other.goto('/login');
    await other.getByRole('textbox', { name: az.field.email, exact: true }).fill(user.email);
    await other.getByRole('textbox', { name: az.field.password, exact: true }).fill(PASSWORD);
    await other.getByRole('button', { name: az.signIn.submit }).click();
    await other.getByRole('navigation', { name: az.nav.main }).getByRole('link', { name: az.nav.roles }).waitFor();

    await page.reload();
    await navAz.getByRole('link', { name: az.nav.roles }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('az');
  });

  it('a language chosen on the sign-in page is kept: it becomes the account\'s language; the pick does not carry over to the next person', async () => {
    const user = await makeUser(web.db, { roles: ['administrator'] });
    const stored = async (id: string) => (await web.db.selectFrom('users').select('language').where('id', '=', id).executeTakeFirstOrThrow()).language;
    expect(await stored(user.id)).toBe('en');
    const page = await web.newPage();
    await page.goto('/login');
    await page.getByText('Русский', { exact: true }).click();
    await page.getByRole('textbox', { name: ru.field.email, exact: true }).fill(user.email);
    await page.getByRole('textbox', { name: ru.field.password, exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: ru.signIn.submit }).click();
    await page.getByRole('navigation', { name: ru.nav.main }).getByRole('link', { name: ru.nav.users }).waitFor();
    expect(await stored(user.id)).toBe('ru');
    // Signed out, the same tab: the next person signs in without picking and keeps their own language.
    const other = await makeUser(web.db, { roles: ['administrator'] });
    await page.getByRole('button', { name: ru.account.menu }).click();
    await page.getByRole('menuitem', { name: ru.account.signOut, exact: true }).click();
    await page.getByRole('textbox', { name: ru.field.email, exact: true }).fill(other.email);
    await page.getByRole('textbox', { name: ru.field.password, exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: ru.signIn.submit }).click();
    await page.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: en.nav.users }).waitFor();
    expect(await stored(other.id)).toBe('en');
  });
});
