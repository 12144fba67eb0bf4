import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import texts from '../../src/web/i18n/modules/statistics/en.json' with { type: 'json' };
import { makeAgency, makeUser } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';

const s = texts.statistics;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

const Y = new Date().getFullYear() - 1;

async function signOutAndIn(page: Page, email: string) {
  await page.context().clearCookies();
  await signInInEnglish(page, email);
}

describe('statistical releases, from the records to the public page', () => {
  it('an analyst prepares a release, a reviewer approves it, the public page shows it with hidden cells marked', { timeout: 240_000 }, async () => {
    const ngo = (await makeAgency(web.db, { type: 'ngo' })).id;
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: ngo });
    const office = (await makeAgency(web.db, { type: 'coordinator' })).id;
    const analyst = await makeUser(web.db, { roles: ['analyst'], agencyId: office });
    const coordinator = await makeUser(web.db, { roles: ['coordinator'], agencyId: office });
    // Last year: 12 women, 7 men and one boy (a cell under 5: hidden on the public page).
    const victims = async (count: number, sex: 'female' | 'male', birthYear: number, form: string) => {
      for (let i = 0; i < count; i++) {
        const c = await web.db.insertInto('cases').values({ caseNumber: `B-${sex}-${form}-${i}`, ownerAgencyId: ngo, createdBy: worker.id, openedAt: new Date(`${Y}-04-1${i % 9}T10:00:00+04:00`), exploitationForms: [form], country: 'AZ' }).returning('id').executeTakeFirstOrThrow();
        const p = await web.db.insertInto('people').values({ ownerAgencyId: ngo, sex, birthYear, citizenship: 'AZE' }).returning('id').executeTakeFirstOrThrow();
        await web.db.insertInto('casePeople').values({ caseId: c.id, personId: p.id, role: 'victim', addedBy: worker.id }).execute();
      }
    };
    await victims(12, 'female', 1991, 'sexual_exploitation');
    await victims(7, 'male', 1984, 'forced_labour');
    await victims(1, 'male', Y - 12, 'child_labour');

    const page = await web.newPage();
    await signInInEnglish(page, analyst.email);
    await page.goto('/statistics');
    await page.getByRole('textbox', { name: s.national.from, exact: true }).fill(`${Y}-01-01`);
    await page.getByRole('textbox', { name: s.national.to, exact: true }).fill(`${Y}-12-31`);
    await page.getByRole('button', { name: s.national.show }).click();
    await page.getByTestId('table-nrm-victims-status-sex-age').waitFor();
    await screenshot(page, 'statistics-national');

    await page.getByRole('navigation').getByRole('link', { name: s.releases.title }).click();
    await page.getByRole('textbox', { name: s.releases.name, exact: true }).fill(`Trafficking statistics ${Y}`);
    await page.getByRole('textbox', { name: s.national.from, exact: true }).fill(`${Y}-01-01`);
    await page.getByRole('textbox', { name: s.national.to, exact: true }).fill(`${Y}-12-31`);
    await page.getByRole('button', { name: s.releases.prepare }).last().click();
    await page.getByRole('heading', { name: `Trafficking statistics ${Y}`, level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('release-status').textContent()).toBe(s.releases.status.prepared);
    // The preparer sees no approve button.
    expect(await page.getByRole('button', { name: s.releases.approve }).count()).toBe(0);
    await screenshot(page, 'statistics-release-prepared');
    const releaseUrl = page.url();

    // Not public yet.
    await page.context().clearCookies();
    await page.goto('/public/statistics');
    await page.getByText(s.public.none).waitFor();

    await signOutAndIn(page, coordinator.email);
    await page.goto(releaseUrl);
    await page.getByRole('button', { name: s.releases.approve }).click();
    await expect.poll(() => page.getByTestId('release-status').textContent()).toBe(s.releases.status.approved);

    // The public page, on a 360 px phone, signed out.
    const context = await web.browser.newContext({ viewport: { width: 360, height: 740 }, baseURL: web.baseUrl });
    await context.addInitScript(() => localStorage.setItem('pathway.language', 'en'));
    const phone = await context.newPage();
    await phone.goto('/public/statistics');
    await phone.getByRole('heading', { name: `Trafficking statistics ${Y}`, level: 1 }).waitFor();
    const main = phone.getByTestId('table-nrm-victims-status-sex-age');
    await main.waitFor();
    expect(await main.locator('[data-suppressed="primary"]').count()).toBeGreaterThan(0);
    expect(await main.locator('[data-suppressed="secondary"]').count()).toBeGreaterThan(0);
    // The boy's figure is not on the page: his cell reads "–".
    expect(await main.locator('[data-suppressed="primary"]').first().textContent()).toContain('–');
    await screenshot(phone, 'statistics-public-phone');
    // Wide tables scroll inside their own region; the page itself never scrolls sideways.
    const sideways = (p: typeof phone) => p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await sideways(phone)).toBeLessThanOrEqual(0);
    // In Azerbaijani too.
    const azContext = await web.browser.newContext({ viewport: { width: 360, height: 740 }, baseURL: web.baseUrl });
    await azContext.addInitScript(() => localStorage.setItem('pathway.language', 'az'));
    const az = await azContext.newPage();
    await az.goto('/public/statistics');
    await az.getByRole('heading', { name: `Trafficking statistics ${Y}`, level: 1 }).waitFor();
    await az.getByText('Məlum deyil').first().waitFor();
    await screenshot(az, 'statistics-public-az');
    expect(await sideways(az)).toBeLessThanOrEqual(0);
    // And in Russian, whose labels are the longest.
    const ruContext = await web.browser.newContext({ viewport: { width: 360, height: 740 }, baseURL: web.baseUrl });
    await ruContext.addInitScript(() => localStorage.setItem('pathway.language', 'ru'));
    const ru = await ruContext.newPage();
    await ru.goto('/public/statistics');
    await ru.getByTestId('table-nrm-victims-status-sex-age').waitFor();
    await screenshot(ru, 'statistics-public-ru');
    expect(await sideways(ru)).toBeLessThanOrEqual(0);

    // The coordinator withdraws the release with a reason: the public page says so, neutrally.
    const publicUrl = `/public/statistics/${releaseUrl.split('/').pop()}`;
    await page.goto(releaseUrl);
    await page.getByRole('button', { name: s.releases.withdraw }).click();
    // A reason is required: the error shows at the field and nothing is withdrawn.
    await expect.poll(() => page.getByRole('textbox', { name: s.releases.withdrawalReason }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('release-status').textContent()).toBe(s.releases.status.approved);
    await page.getByRole('textbox', { name: s.releases.withdrawalReason }).fill('A case was counted twice');
    await page.getByRole('button', { name: s.releases.withdraw }).click();
    await expect.poll(() => page.getByTestId('release-status').textContent()).toBe(s.releases.status.withdrawn);
    await page.getByTestId('withdrawal-reason').getByText('A case was counted twice').waitFor();
    await screenshot(page, 'statistics-release-withdrawn');
    await page.goto('/statistics/releases');
    await page.getByText(s.releases.status.withdrawn).first().waitFor();
    await phone.goto(publicUrl);
    await phone.getByTestId('release-withdrawn').getByText(s.public.withdrawn).waitFor();
    expect(await phone.getByText('counted twice').count()).toBe(0);
    expect(await phone.getByTestId('table-nrm-victims-status-sex-age').count()).toBe(0);
    await screenshot(phone, 'statistics-public-withdrawn');
    await phone.goto('/public/statistics');
    await phone.getByText(s.public.none).waitFor();
  });
});
