import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import nrmEn from '../../src/web/i18n/modules/nrm/en.json' with { type: 'json' };
import { makeAgency, makeUser, signIn } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';

const p = nrmEn.nrm.profile;
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
