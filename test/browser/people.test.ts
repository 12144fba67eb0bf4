import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import people from '../../src/web/i18n/modules/people/en.json' with { type: 'json' };
import { makeAgency, makeUser } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp, signInInEnglish } from '../helpers/browser.ts';

const t = people.people;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});


describe('people', () => {
  it('a case worker records a person, sees the duplicate before saving the same person in Cyrillic, and finds them in any script', async () => {
    const agency = await makeAgency(web.db);
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: agency.id });
    const page = await web.newPage();
    await signInInEnglish(page, worker.email);
    await page.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: t.nav.people }).click();
    await page.getByRole('heading', { name: t.title, level: 1 }).waitFor();

    await page.getByRole('button', { name: t.record }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: `${t.field.name}: ${t.field.givenName}` }).fill('Hüseyn');
    await dialog.getByRole('textbox', { name: `${t.field.name}: ${t.field.patronymic}` }).fill('Əli oğlu');
    await dialog.getByRole('textbox', { name: `${t.field.name}: ${t.field.familyName}` }).fill('Məmmədov');
    await dialog.getByRole('combobox', { name: t.field.sex }).selectOption('male');
    await dialog.getByRole('textbox', { name: t.field.birthYear }).fill('1990');
    await dialog.getByRole('textbox', { name: t.field.citizenship }).fill('AZE');
    await dialog.getByRole('button', { name: t.save }).click();
    await page.getByRole('heading', { name: 'Hüseyn Əli oğlu Məmmədov', level: 1 }).waitFor();

    // The same person typed again in Russian: the form shows the record before anything is saved.
    await page.getByRole('link', { name: t.backToSearch }).click();
    await page.getByRole('button', { name: t.record }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: `${t.field.name}: ${t.field.givenName}` }).fill('Гусейн');
    await dialog.getByRole('textbox', { name: `${t.field.name}: ${t.field.familyName}` }).fill('Мамедов');
    await dialog.getByRole('textbox', { name: t.field.birthYear }).fill('1990');
    const dup = dialog.getByTestId('person-duplicate');
    await dup.filter({ hasText: 'Hüseyn Əli oğlu Məmmədov' }).waitFor();
    await dup.getByText(t.reason.transliteration).waitFor();
    await dup.getByText(t.reason.birth_year_agrees).waitFor();
    await screenshot(page, 'people-duplicates');
    const before = await web.db.selectFrom('people').select((eb) => eb.fn.countAll<string>().as('n')).where('ownerAgencyId', '=', agency.id).executeTakeFirstOrThrow();
    expect(before.n).toBe('1');
    await dialog.getByRole('button', { name: t.duplicates.useThis }).click();
    await page.getByRole('heading', { name: 'Hüseyn Əli oğlu Məmmədov', level: 1 }).waitFor();

    // Search across scripts.
    await page.getByRole('link', { name: t.backToSearch }).click();
    for (const q of ['Мамедов Гусейн', 'Mammadov', 'Huseyn Mamedov']) {
      await page.getByRole('searchbox', { name: t.search }).fill(q);
      await page.getByTestId('person-row').filter({ hasText: 'Hüseyn Əli oğlu Məmmədov' }).waitFor();
    }
    await page.getByRole('searchbox', { name: t.search }).fill('Həsənov');
    await page.getByText(en.common.nothingFound).waitFor();
  });
});
