import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
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

const textbox = (page: Page, name: string) => page.getByRole('textbox', { name, exact: true });

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.evaluate(() => localStorage.setItem('pathway.language', 'en'));
  await page.goto('/login');
  await textbox(page, en.field.email).fill(email);
  await textbox(page, en.field.password).fill(PASSWORD);
  await page.getByRole('button', { name: en.signIn.submit }).click();
  await page.getByRole('navigation', { name: en.nav.main }).waitFor();
}

describe('press freedom', () => {
  it('a monitor records an incident and a milestone, a reviewer publishes it, the public page shows it with its status', async () => {
    const monitorUser = await makeUser(web.db, { roles: ['press_monitor'] });
    const reviewerUser = await makeUser(web.db, { roles: ['press_reviewer'], agencyId: monitorUser.agencyId });

    // The monitor records the incident and the opening of a case.
    const monitor = await web.newPage();
    await signIn(monitor, monitorUser.email);
    await monitor.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: en.press.nav.incidents }).click();
    await monitor.getByRole('heading', { name: en.press.title, level: 1 }).waitFor();
    // A spreadsheet with one bad row: nothing changes until the monitor asks to skip bad rows.
    await monitor.getByRole('button', { name: en.press.import.title }).click();
    const importDialog = monitor.getByRole('dialog');
    await importDialog.getByLabel(en.press.import.file).setInputFiles({
      name: 'sheet.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('externalRef,title,date,city\nSHEET-1,Threats to Bizim Yol,2006-05,Baku\nSHEET-2,Bad date,2006-13,Baku\n'),
    });
    await importDialog.getByRole('button', { name: en.press.import.run }).click();
    const report = importDialog.getByTestId('import-report');
    await report.getByText(en.press.import.notApplied.replace('{{created}}', '1').replace('{{updated}}', '0').replace('{{refused}}', '1')).waitFor();
    await report.getByText('date: a date as YYYY, YYYY-MM or YYYY-MM-DD').waitFor();
    await importDialog.getByLabel(en.press.import.skipBadRows).check();
    await importDialog.getByRole('button', { name: en.press.import.run }).click();
    await report.getByText(en.press.import.applied.replace('{{created}}', '1').replace('{{updated}}', '0').replace('{{refused}}', '1')).waitFor();
    await monitor.keyboard.press('Escape');
    await monitor.getByTestId('press-row').filter({ hasText: 'Threats to Bizim Yol' }).waitFor();

    await monitor.getByRole('button', { name: en.press.record }).click();
    const dialog = monitor.getByRole('dialog');
    await dialog.getByRole('textbox', { name: en.press.field.title }).fill('Beating of Uzeyir Jafarov');
    await dialog.getByRole('textbox', { name: en.press.field.date }).fill('2007-04-20');
    await dialog.getByRole('textbox', { name: en.press.field.city, exact: true }).fill('Baku');
    await dialog.getByRole('textbox', { name: en.press.field.placeExact }).fill('Outside the newspaper office, door 3');
    await dialog.getByRole('textbox', { name: en.press.field.victim }).fill('Uzeyir Jafarov');
    await dialog.getByRole('combobox', { name: en.press.field.actType }).selectOption('assault');
    await dialog.getByRole('combobox', { name: en.press.field.outcome }).selectOption('injured');
    await screenshot(monitor, 'press-record');
    await dialog.getByRole('button', { name: en.press.save }).click();
    await monitor.getByRole('heading', { name: 'Beating of Uzeyir Jafarov', level: 1 }).waitFor();
    const incidentId = new URL(monitor.url()).pathname.split('/').at(-1)!;
    await expect.poll(() => monitor.getByTestId('publication-status').textContent()).toBe(en.press.unpublished);
    await monitor.getByRole('textbox', { name: en.press.field.authority }).fill('Police');
    await monitor.getByRole('button', { name: en.press.addLegalCase }).click();
    await monitor.getByRole('combobox', { name: en.press.field.kind }).selectOption('case_opened');
    await monitor.getByRole('textbox', { name: en.press.field.date }).fill('2007-04-21');
    await monitor.getByRole('textbox', { name: en.press.field.note }).fill('Police case opened');
    await monitor.getByRole('button', { name: en.press.addMilestone }).click();
    await monitor.getByText(`21 April 2007 · ${en.press.milestone.case_opened}`).waitFor();
    await expect.poll(async () => (await monitor.getByTestId('days-since').textContent()) ?? '').not.toContain(en.press.never);
    // A suspected perpetrator, a public and a confidential source.
    await monitor.getByRole('textbox', { name: en.press.field.label }).fill('A district police officer');
    await monitor.getByRole('combobox', { name: en.press.field.perpetratorCategory }).selectOption('police_security');
    await monitor.getByRole('button', { name: en.press.addPerpetrator }).click();
    await monitor.getByTestId('involvement').filter({ hasText: 'A district police officer' }).waitFor();
    const addSource = async (title: string, confidential: boolean) => {
      await monitor.getByRole('textbox', { name: en.press.field.sourceTitle }).fill(title);
      await monitor.getByRole('combobox', { name: en.press.confidential }).selectOption(confidential ? 'true' : 'false');
      await monitor.getByRole('button', { name: en.press.addSource }).click();
      await monitor.getByText(title, { exact: false }).first().waitFor();
    };
    await addSource('Uzeyir Jafarov v. Azerbaijan, no. 54204/08', false);
    await addSource('Witness statement kept private', true);
    // Monitors cannot publish.
    expect(await monitor.getByRole('button', { name: en.press.publish }).count()).toBe(0);
    await screenshot(monitor, 'press-incident');

    // Nothing is public yet.
    const visitor = await web.newPage();
    const before = await visitor.request.get(`/api/public/press/incidents/${incidentId}`);
    expect(before.status()).toBe(404);

    // The reviewer publishes.
    const reviewer = await web.newPage();
    await signIn(reviewer, reviewerUser.email);
    await reviewer.goto(`/press/${incidentId}`);
    await reviewer.getByRole('button', { name: en.press.publish }).click();
    await expect.poll(() => reviewer.getByTestId('publication-status').textContent()).toBe(en.press.published);

    // Anyone sees it on the public page, in the unsolved column, with its status and timeline; in Russian too.
    await visitor.goto('/public/press');
    await visitor.evaluate(() => localStorage.setItem('pathway.language', 'en'));
    await visitor.goto('/public/press');
    await visitor.getByRole('heading', { name: en.press.publicTitle, level: 1 }).waitFor();
    const unsolved = visitor.getByTestId('column-complete_impunity');
    await unsolved.getByRole('link', { name: 'Beating of Uzeyir Jafarov' }).waitFor();
    expect(await visitor.getByTestId('column-full_justice').getByRole('link', { name: 'Beating of Uzeyir Jafarov' }).count()).toBe(0);
    await screenshot(visitor, 'press-public');
    await unsolved.getByRole('link', { name: 'Beating of Uzeyir Jafarov' }).click();
    await visitor.getByRole('heading', { name: 'Beating of Uzeyir Jafarov', level: 1 }).waitFor();
    expect(await visitor.getByTestId('impunity-status').textContent()).toBe(en.press.impunity.complete_impunity);
    await visitor.getByText(`21 April 2007 · ${en.press.milestone.case_opened}`).waitFor();
    expect(await visitor.content()).not.toContain('door 3');
    expect(await visitor.content()).not.toContain('Witness statement kept private');
    await visitor.getByText('Uzeyir Jafarov v. Azerbaijan, no. 54204/08').waitFor();
    await visitor.getByText(`A district police officer: ${en.press.category.police_security}`).waitFor();
    await screenshot(visitor, 'press-public-incident');
    await visitor.evaluate(() => window.scrollTo(0, 0));
    await visitor.getByText('RU', { exact: true }).click();
    await visitor.getByTestId('impunity-status').getByText(ru.press.impunity.complete_impunity).waitFor();
  });
});
