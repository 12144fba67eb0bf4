import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import az from '../../src/web/i18n/az.json' with { type: 'json' };
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import ru from '../../src/web/i18n/ru.json' with { type: 'json' };
import nrmAz from '../../src/web/i18n/modules/nrm/az.json' with { type: 'json' };
import nrmEn from '../../src/web/i18n/modules/nrm/en.json' with { type: 'json' };
import nrmRu from '../../src/web/i18n/modules/nrm/ru.json' with { type: 'json' };
import { makeAgency, makeUser, PASSWORD, signIn } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';

const p = nrmEn.nrm.profile;
const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

describe('the country profile screen', () => {
  it('an administrator changes a deadline and records the government\'s working-day swaps; a wrong swap is refused by field', async () => {
    const gov = (await makeAgency(web.db, { type: 'government' })).id;
    const admin = await makeUser(web.db, { roles: ['administrator'], agencyId: gov });
    const page = await web.newPage();
    await signInInEnglish(page, admin.email);
    await page.getByRole('link', { name: p.nav }).click();
    const form = page.getByRole('form', { name: p.title });
    await form.getByRole('textbox', { name: p.referralAnswerHours }).fill('48');
    await form.getByRole('button', { name: p.addChange }).click();
    // A Wednesday cannot be "made" a working day.
    await form.getByLabel(`${p.day} 1`).fill('2027-01-06');
    await form.getByRole('combobox', { name: `${p.becomes} 1` }).selectOption('working');
    await form.getByRole('textbox', { name: `${p.reason} 1` }).fill('Cabinet of Ministers decision (test)');
    await form.getByRole('button', { name: p.save }).click();
    await form.getByText(en.validation.invalid).waitFor();
    // The Saturday after it, and the Wednesday made a day off.
    await form.getByLabel(`${p.day} 1`).fill('2027-01-09');
    await form.getByRole('button', { name: p.addChange }).click();
    await form.getByLabel(`${p.day} 2`).fill('2027-01-06');
    await form.getByRole('textbox', { name: `${p.reason} 2` }).fill('Cabinet of Ministers decision (test)');
    await form.getByRole('button', { name: p.save }).click();
    await page.getByText(p.saved).waitFor();
    await screenshot(page, 'country-profile');

    const s = await signIn(web.app, admin.email);
    const stored = (await web.app.inject({ method: 'GET', url: '/api/v1/nrm/country-profile', headers: { cookie: s.cookie } })).json();
    expect(stored.referralAnswerHours).toBe(48);
    expect(stored.workingDayChanges).toEqual([
      { day: '2027-01-06', working: false, reason: 'Cabinet of Ministers decision (test)' },
      { day: '2027-01-09', working: true, reason: 'Cabinet of Ministers decision (test)' },
    ]);
    await page.reload();
    await page.getByTestId('working-day-change').nth(1).waitFor();
    expect(await page.getByRole('form', { name: p.title }).getByRole('textbox', { name: p.referralAnswerHours }).inputValue()).toBe('48');
  });
});

describe('the population and disclosure control of the country profile', () => {
  it('an administrator adds a population year and raises the public threshold; a wrong figure is refused at its field and nothing is saved; the SDG 16.2.2 table then uses the new year', async () => {
    const gov = (await makeAgency(web.db, { type: 'government' })).id;
    const admin = await makeUser(web.db, { roles: ['administrator'], agencyId: gov });
    const s = await signIn(web.app, admin.email);
    const stored = async () => (await web.app.inject({ method: 'GET', url: '/api/v1/nrm/country-profile', headers: { cookie: s.cookie } })).json();
    const before = await stored();
    const page = await web.newPage();
    await signInInEnglish(page, admin.email);
    await page.getByRole('link', { name: p.nav }).click();
    const form = page.getByRole('form', { name: p.title });
    const rows = form.getByTestId('population-year');
    await rows.first().waitFor();
    const n = await rows.count();
    expect(n).toBe(before.population.length);
    await form.getByRole('button', { name: p.population.add }).click();
    await expect.poll(() => rows.count()).toBe(n + 1);
    const field = (k: string) => form.getByRole('textbox', { name: `${(p.population as Record<string, string>)[k]} ${n + 1}`, exact: true });
    // The next year after the last one is offered.
    const next = Math.max(...before.population.map((y: { year: number }) => y.year)) + 1;
    expect(await field('year').inputValue()).toBe(String(next));
    await field('total').fill('10200000');
    await field('female').fill('5100000');
    await field('male').fill('5000000');
    await field('children').fill('2450000');
    await form.getByRole('textbox', { name: `${p.population.source} ${n + 1}`, exact: true }).fill('State Statistical Committee (test)');
    await form.getByRole('textbox', { name: p.disclosure.openDataThreshold }).fill('7');
    await form.getByRole('button', { name: p.save }).click();
    // Women and men do not make up the total: refused at the total of that row.
    await rows.nth(n).getByText(p.check.sexSum).waitFor();
    expect(await field('total').getAttribute('aria-invalid')).toBe('true');
    await form.getByText(en.error.validation_failed).waitFor();
    await screenshot(page, 'country-profile-population-refused');
    expect(await stored()).toEqual(before);

    // Under 18s more than the whole population: refused at their field.
    await field('male').fill('5100000');
    await field('children').fill('10200001');
    await form.getByRole('button', { name: p.save }).click();
    await rows.nth(n).getByText(p.check.childrenOverTotal).waitFor();
    expect(await rows.nth(n).getByText(p.check.sexSum).count()).toBe(0);
    expect(await stored()).toEqual(before);

    await field('children').fill('2450000');
    await form.getByRole('button', { name: p.save }).click();
    await page.getByText(p.saved).waitFor();
    const after = await stored();
    expect(after.population).toHaveLength(n + 1);
    expect(after.population.at(-1)).toEqual({ year: next, total: 10_200_000, female: 5_100_000, male: 5_100_000, children: 2_450_000, source: 'State Statistical Committee (test)' });
    expect(after.disclosure).toEqual({ ...before.disclosure, openDataThreshold: 7 });

    await page.reload();
    await rows.nth(n).waitFor();
    expect(await field('year').inputValue()).toBe(String(next));
    expect((await field('total').inputValue()).replace(/\D/g, '')).toBe('10200000');
    expect(await form.getByRole('textbox', { name: p.disclosure.openDataThreshold }).inputValue()).toBe('7');
    await screenshot(page, 'country-profile-population');

    // The national statistics of that year divide by the new population.
    const office = (await makeAgency(web.db, { type: 'coordinator' })).id;
    const analyst = await signIn(web.app, (await makeUser(web.db, { roles: ['analyst'], agencyId: office })).email);
    const national = await web.app.inject({ method: 'GET', url: `/api/v1/statistics/national?from=${next}-01-01&to=${next}-12-31&lang=en`, headers: { cookie: analyst.cookie } });
    expect(national.statusCode).toBe(200);
    const sdg = national.json().tables.find((t: { id: string }) => t.id === 'sdg-16-2-2');
    expect(sdg.notes).toEqual([`Population ${next}: 10200000 (State Statistical Committee (test))`]);
  });

  it('the coordinator reads the profile without changing it, on a phone in Russian and Azerbaijani', async () => {
    const office = (await makeAgency(web.db, { type: 'coordinator' })).id;
    const coordinator = await makeUser(web.db, { roles: ['coordinator'], agencyId: office });
    for (const [lang, shell, nrm] of [['ru', ru, nrmRu], ['az', az, nrmAz]] as const) {
      const context = await web.browser.newContext({ viewport: { width: 360, height: 740 }, baseURL: web.baseUrl });
      await context.addInitScript((l) => localStorage.setItem('pathway.language', l), lang);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await web.db.updateTable('users').set({ language: lang }).where('id', '=', coordinator.id).execute();
      await page.goto('/login');
      await page.getByRole('textbox', { name: shell.field.email, exact: true }).fill(coordinator.email);
      await page.getByRole('textbox', { name: shell.field.password, exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: shell.signIn.submit }).click();
      await page.waitForURL((u) => u.pathname !== '/login');
      await page.goto('/admin/country-profile');
      const q = nrm.nrm.profile;
      const form = page.getByRole('form', { name: q.title });
      await form.getByText(q.readOnly).waitFor();
      await form.getByRole('heading', { name: q.population.title }).waitFor();
      await form.getByRole('heading', { name: q.disclosure.title }).waitFor();
      expect(await form.getByRole('textbox', { name: `${q.population.total} 1`, exact: true }).getAttribute('readonly')).not.toBeNull();
      expect(await form.getByRole('textbox', { name: q.disclosure.openDataThreshold }).getAttribute('readonly')).not.toBeNull();
      expect(await form.getByRole('button', { name: q.save }).count()).toBe(0);
      expect(await form.getByRole('button', { name: q.population.add }).count()).toBe(0);
      // The wide population table scrolls inside its own region; the page never scrolls sideways.
      expect(await sideways(page)).toBeLessThanOrEqual(0);
      await screenshot(page, `country-profile-phone-${lang}`);
      await page.setViewportSize({ width: 1366, height: 768 });
      // The statistics team finds it in the menu, beside the national statistics.
      await page.getByRole('navigation', { name: shell.nav.main }).getByRole('link', { name: q.nav }).waitFor();
      await screenshot(page, `country-profile-${lang}`);
      await context.close();
    }
  });
});
