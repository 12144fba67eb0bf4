import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import base from '../../src/web/i18n/en.json' with { type: 'json' };
import providersEn from '../../src/web/i18n/modules/nrm-providers/en.json' with { type: 'json' };
import handoffsEn from '../../src/web/i18n/modules/handoffs/en.json' with { type: 'json' };
import { makeAgency, makeUser } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';

/**
 * The staff lists that sort from their headers (issue 15) besides the case list: the users
 * administration list, the providers directory and the press incidents. A click orders the list on the server and sets
 * `aria-sort`, a second click turns it around, and a reload keeps the order (it is in the address).
 */
const p = providersEn.nrmProviders;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

const sortButton = (page: Page, column: string) => page.getByRole('button', { name: handoffsEn.handoffs.sort.replace('{{column}}', column) });
const header = (page: Page, column: string) => page.locator('th', { has: sortButton(page, column) });

describe('sortable staff lists', () => {
  it('the users list sorts by name and keeps the order through a reload', async () => {
    const agency = await makeAgency(web.db, { name: 'Sorting Ministry', type: 'government' });
    const admin = await makeUser(web.db, { roles: ['administrator'], agencyId: agency.id });
    await web.db.updateTable('users').set({ name: 'Sorting Admin Nigar' }).where('id', '=', admin.id).execute();
    for (const name of ['Sorting Zaur', 'Sorting Aysel', 'Sorting Murad']) {
      const u = await makeUser(web.db, { roles: ['case_worker'], agencyId: agency.id });
      await web.db.updateTable('users').set({ name }).where('id', '=', u.id).execute();
    }
    const page = await web.newPage();
    await signInInEnglish(page, admin.email);
    await page.goto('/admin/users');
    await page.getByRole('heading', { name: base.nav.users, level: 1 }).waitFor();
    const names = async () => (await page.getByTestId('user-row').locator('td:first-child p:first-child').allTextContents()).filter((n) => n.startsWith('Sorting '));
    await expect.poll(names).toHaveLength(4);
    expect(await header(page, base.field.name).getAttribute('aria-sort')).toBe('none');
    await screenshot(page, 'users-default-order');

    await sortButton(page, base.field.name).click();
    await expect.poll(names).toEqual(['Sorting Admin Nigar', 'Sorting Aysel', 'Sorting Murad', 'Sorting Zaur']);
    expect(await header(page, base.field.name).getAttribute('aria-sort')).toBe('ascending');
    await sortButton(page, base.field.name).click();
    await expect.poll(names).toEqual(['Sorting Zaur', 'Sorting Murad', 'Sorting Aysel', 'Sorting Admin Nigar']);
    expect(await header(page, base.field.name).getAttribute('aria-sort')).toBe('descending');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('-name');

    await page.reload();
    await expect.poll(names).toEqual(['Sorting Zaur', 'Sorting Murad', 'Sorting Aysel', 'Sorting Admin Nigar']);
    expect(await header(page, base.field.name).getAttribute('aria-sort')).toBe('descending');
    await screenshot(page, 'users-by-name');
  });

  it('the press incidents sort by date and by title and keep the order through a reload', async () => {
    const monitor = await makeUser(web.db, { roles: ['press_monitor'] });
    // Entered in the order below (the default order): Beta, Alpha, Gamma.
    for (const [i, [title, on]] of ([['Sorting Beta raid', '2019-06-01'], ['Sorting Alpha arrest', '2021-02-10'], ['Sorting Gamma threat', '2018-11-30']] as const).entries()) {
      await web.db.insertInto('pressIncidents').values({ title, occurredOn: on, occurredPrecision: 'day', ownerAgencyId: monitor.agencyId, createdBy: monitor.id, createdAt: new Date(Date.UTC(2025, 0, 1 + i)) }).execute();
    }
    const page = await web.newPage();
    await signInInEnglish(page, monitor.email);
    await page.goto('/press');
    await page.getByRole('heading', { name: base.press.title, level: 1 }).waitFor();
    const titles = async () => (await page.getByRole('cell').allTextContents()).map((c) => /^Sorting (Alpha|Beta|Gamma)/.exec(c)?.[0]).filter((n): n is string => !!n);
    await expect.poll(titles).toEqual(['Sorting Beta', 'Sorting Alpha', 'Sorting Gamma']);
    await screenshot(page, 'press-default-order');

    await sortButton(page, base.press.field.date).click();
    await expect.poll(titles).toEqual(['Sorting Gamma', 'Sorting Beta', 'Sorting Alpha']);
    expect(await header(page, base.press.field.date).getAttribute('aria-sort')).toBe('ascending');
    await sortButton(page, base.press.field.title).click();
    await expect.poll(titles).toEqual(['Sorting Alpha', 'Sorting Beta', 'Sorting Gamma']);
    await sortButton(page, base.press.field.title).click();
    await expect.poll(titles).toEqual(['Sorting Gamma', 'Sorting Beta', 'Sorting Alpha']);
    expect(await header(page, base.press.field.title).getAttribute('aria-sort')).toBe('descending');
    expect(await header(page, base.press.field.date).getAttribute('aria-sort')).toBe('none');

    await page.reload();
    await expect.poll(titles).toEqual(['Sorting Gamma', 'Sorting Beta', 'Sorting Alpha']);
    expect(await header(page, base.press.field.title).getAttribute('aria-sort')).toBe('descending');
    await screenshot(page, 'press-by-title');
  });

  it('the providers directory sorts by free places and by name and keeps the order through a reload', async () => {
    const agency = await makeAgency(web.db, { name: 'Sorting Shelters', type: 'shelter' });
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: agency.id });
    // Created in the order below: the default (newest first) is Delta, Beta, Gamma, Alpha.
    for (const [i, [name, free]] of ([['Sorting Alpha', 7], ['Sorting Gamma', 0], ['Sorting Beta', null], ['Sorting Delta', 2]] as const).entries()) {
      await web.db.insertInto('providers').values({ agencyId: agency.id, name, serviceTypes: ['shelter'], capacityTotal: free === null ? null : 10, capacityFree: free, createdAt: new Date(Date.UTC(2025, 0, 1 + i)) }).execute();
    }
    const page = await web.newPage();
    await signInInEnglish(page, worker.email);
    await page.goto('/providers');
    await page.getByRole('heading', { name: p.title, level: 1 }).waitFor();
    const names = async () => (await page.getByRole('cell').allTextContents()).map((c) => /^Sorting (Alpha|Beta|Gamma|Delta)/.exec(c)?.[0]).filter((n): n is string => !!n);
    await expect.poll(names).toEqual(['Sorting Delta', 'Sorting Beta', 'Sorting Gamma', 'Sorting Alpha']);
    await screenshot(page, 'providers-default-order');

    await sortButton(page, p.column.capacity).click();
    // Ascending: unknown capacity first, then 0, 2, 7 free.
    await expect.poll(names).toEqual(['Sorting Beta', 'Sorting Gamma', 'Sorting Delta', 'Sorting Alpha']);
    expect(await header(page, p.column.capacity).getAttribute('aria-sort')).toBe('ascending');
    await sortButton(page, p.column.capacity).click();
    await expect.poll(names).toEqual(['Sorting Alpha', 'Sorting Delta', 'Sorting Gamma', 'Sorting Beta']);
    expect(await header(page, p.column.capacity).getAttribute('aria-sort')).toBe('descending');

    await sortButton(page, p.column.provider).click();
    await expect.poll(names).toEqual(['Sorting Alpha', 'Sorting Beta', 'Sorting Delta', 'Sorting Gamma']);
    expect(await header(page, p.column.provider).getAttribute('aria-sort')).toBe('ascending');
    expect(await header(page, p.column.capacity).getAttribute('aria-sort')).toBe('none');

    await page.reload();
    await expect.poll(names).toEqual(['Sorting Alpha', 'Sorting Beta', 'Sorting Delta', 'Sorting Gamma']);
    expect(await header(page, p.column.provider).getAttribute('aria-sort')).toBe('ascending');
    await screenshot(page, 'providers-by-name');
  });
});
