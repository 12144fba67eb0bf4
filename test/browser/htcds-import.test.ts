import { afterAll, beforeAll, describe, it } from 'vitest';
import htcdsEn from '../../src/web/i18n/modules/nrm-htcds/en.json' with { type: 'json' };
import { makeAgency, makeUser } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';

const h = htcdsEn.nrmHtcds;
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
});
