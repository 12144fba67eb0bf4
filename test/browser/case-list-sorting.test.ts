import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import base from '../../src/web/i18n/en.json' with { type: 'json' };
import nrmEn from '../../src/web/i18n/modules/nrm/en.json' with { type: 'json' };
import handoffsEn from '../../src/web/i18n/modules/handoffs/en.json' with { type: 'json' };
import { makeAgency, makeUser, PASSWORD } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp } from '../helpers/browser.ts';

/**
 * The case list sorted by its headers (issue 15): a click on a header orders the list on the server and
 * says so with `aria-sort`, a second click turns it around, and the order is kept in the address, so a
 * reload keeps it; opening a case and going back too.
 */
const en = base;
const t = nrmEn.nrm;
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

const sortLabel = (column: string) => handoffsEn.handoffs.sort.replace('{{column}}', column);

describe('the case list', () => {
  it('sorts by a clicked header, shows it with aria-sort, and keeps the order through a reload and back', async () => {
    const agency = await makeAgency(web.db, { name: 'Sorting NGO', type: 'ngo' });
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: agency.id });
    // Entered in the order 3, 1, 2 (by number): the default order (newest entered first) is 2, 1, 3.
    const year = 1900 + Math.floor(Math.random() * 90);
    const num = (n: number) => `NRM-${year}-00000${n}`;
    for (const [i, n] of [3, 1, 2].entries()) {
      await web.db.insertInto('cases').values({
        caseNumber: num(n), ownerAgencyId: agency.id, createdBy: worker.id, region: 'Baku',
        createdAt: new Date(Date.UTC(2026, 0, 1 + i)), openedAt: new Date(Date.UTC(2025, 5, 10 - i)),
      }).execute();
    }
    const page = await web.newPage();
    await signIn(page, worker.email);
    await page.goto('/cases');
    await page.getByRole('heading', { name: t.cases.title, exact: true }).waitFor();
    const numbers = () => page.getByTestId('case-row').getByRole('link').allTextContents();
    const header = (column: string) => page.locator('th', { has: page.getByRole('button', { name: sortLabel(column) }) });
    const numberHeader = header(t.cases.number);
    const shown = async (expected: string[]) => {
      await expect.poll(numbers).toEqual(expected);
    };
    await shown([num(2), num(1), num(3)]);
    expect(await numberHeader.getAttribute('aria-sort')).toBe('none');
    await screenshot(page, 'case-list-default');

    await page.getByRole('button', { name: sortLabel(t.cases.number) }).click();
    await shown([num(1), num(2), num(3)]);
    expect(await numberHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('number');
    await screenshot(page, 'case-list-by-number');

    await page.getByRole('button', { name: sortLabel(t.cases.number) }).click();
    await shown([num(3), num(2), num(1)]);
    await expect.poll(() => numberHeader.getAttribute('aria-sort')).toBe('descending');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('-number');

    await page.reload();
    await shown([num(3), num(2), num(1)]);
    expect(await numberHeader.getAttribute('aria-sort')).toBe('descending');
    await screenshot(page, 'case-list-by-number-reloaded');

    // The opening time: opened in the reverse order of entry, so oldest opened first is 2, 1, 3.
    await page.getByRole('button', { name: sortLabel(t.cases.opened) }).click();
    await shown([num(2), num(1), num(3)]);
    expect(await header(t.cases.opened).getAttribute('aria-sort')).toBe('ascending');
    expect(await numberHeader.getAttribute('aria-sort')).toBe('none');

    // Into a case and back: the list comes back in the order it was left in.
    await page.getByRole('link', { name: num(1), exact: true }).click();
    await page.getByRole('heading', { name: `${t.case.title} ${num(1)}` }).waitFor();
    await screenshot(page, 'case-list-opened-case');
    await page.goBack();
    await shown([num(2), num(1), num(3)]);
    expect(await header(t.cases.opened).getAttribute('aria-sort')).toBe('ascending');
  });
});
