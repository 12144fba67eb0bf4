import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import htcdsEn from '../../src/web/i18n/modules/nrm-htcds/en.json' with { type: 'json' };
import { makeAgency, makeUser } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';

const h = htcdsEn.nrmHtcds;
const csrf = async (page: Page) => ((await (await page.request.get('/api/v1/me')).json()) as { csrfToken: string }).csrfToken;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

const record = (forms: string[], region: string) => ({
  cas_Status: 'Active',
  vic_TypeOfExploitation: forms,
  pw_Region: region,
  persons: [{ pw_PersonRef: 'p1', pw_Role: 'victim', prs_FirstName: 'Айгюн', prs_SecondName: 'Керимова', prs_Gender: 'Feminine', pw_BirthYear: 2001 }],
  events: [{ hte_Type: 'Recruitment', hte_Date: '2025-04', hte_Country: 'AZ' }],
});
const file = (records: unknown[]) => ({ name: 'htcds.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ standard: 'HTCDS', version: '2.0', records })) });

describe('HTCDS import screen', () => {
  it('a dry run shows the bad field of record 2; the corrected file is checked, imported and its case is in the list', async () => {
    const ngo = await makeAgency(web.db, { name: 'Import NGO', type: 'ngo' });
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: ngo.id });
    const page = await web.newPage();
    await signInInEnglish(page, worker.email);
    await page.goto('/cases/htcds');
    const box = page.getByTestId('htcds-import');

    await box.locator('input[type=file]').setInputFiles(file([record(['Forced labour'], 'Lankaran'), record(['Forced labor'], 'Lankaran')]));
    await box.getByRole('button', { name: h.import.check }).click();
    const problems = page.getByTestId('htcds-problems');
    await problems.getByText(h.import.record.replace('{{n}}', '2')).waitFor();
    await problems.getByText('vic_TypeOfExploitation[0]').waitFor();
    await screenshot(page, 'htcds-import-invalid');

    await box.locator('input[type=file]').setInputFiles(file([record(['Forced labour', 'Forced begging'], 'Lankaran')]));
    await box.getByRole('button', { name: h.import.check }).click();
    await page.getByTestId('htcds-checked').waitFor();
    await box.getByRole('button', { name: h.import.submit, exact: true }).click();
    const done = page.getByTestId('htcds-imported');
    const link = done.getByRole('link', { name: /^NRM-/ });
    await link.waitFor();
    const caseNumber = (await link.textContent())!.trim();

    await page.goto('/cases');
    await page.getByTestId('case-row').filter({ hasText: caseNumber }).filter({ hasText: 'Lankaran' }).waitFor();
  });

  it('exports only the cases opened within the chosen days, the last day included', async () => {
    const ngo = await makeAgency(web.db, { name: 'Export NGO', type: 'ngo' });
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: ngo.id });
    const page = await web.newPage();
    await signInInEnglish(page, worker.email);
    const opened: Record<string, string> = {};
    for (const [region, at] of [['Shaki', '2025-03-01T12:00:00+04:00'], ['Quba', '2025-03-31T12:00:00+04:00'], ['Zaqatala', '2025-04-02T12:00:00+04:00']] as const) {
      const res = await page.request.post('/api/v1/cases', { data: { region }, headers: { 'x-csrf-token': await csrf(page) } });
      if (res.status() !== 201) throw new Error(await res.text());
      const { id } = (await res.json()) as { id: string };
      await web.db.updateTable('cases').set({ openedAt: new Date(at) }).where('id', '=', id).execute();
      opened[region] = id;
    }
    await page.goto('/cases/htcds');
    await page.getByTestId('htcds-opened-from').fill('2025-03-01');
    await page.getByTestId('htcds-opened-to').fill('2025-03-31');
    const href = await page.getByTestId('htcds-export-json').getAttribute('href');
    const doc = (await (await page.request.get(href!)).json()) as { records: { pw_Region?: string }[] };
    expect(doc.records.map((r) => r.pw_Region).sort()).toEqual(['Quba', 'Shaki']);

    await page.getByTestId('htcds-opened-to').fill('2025-02-01');
    await page.getByText(h.export.badRange).waitFor();
  });
});
