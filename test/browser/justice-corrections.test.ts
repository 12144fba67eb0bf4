import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import texts from '../../src/web/i18n/modules/justice/en.json' with { type: 'json' };
import { makeAgency, makeUser, signIn } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp, signInInEnglish } from '../helpers/browser.ts';
import { grantAccess } from '../../src/server/access/grants.ts';
import { SYSTEM_ACTOR } from '../../src/server/audit/audit.ts';
import { CASES } from '../../src/server/modules/cases/policy.ts';

const j = texts.justice;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

const Y = new Date().getFullYear() - 1;
const on = (md: string) => `${Y}-${md}`;

describe('criminal justice: from the NRM case page, corrections, the statute list', () => {
  it('an investigator opens a criminal case from the NRM case page, sees it listed there, corrects a verdict and reads the statute list', { timeout: 120_000 }, async () => {
    const police = (await makeAgency(web.db, { type: 'police' })).id;
    const ngo = (await makeAgency(web.db, { type: 'ngo' })).id;
    const investigator = await makeUser(web.db, { roles: ['investigator'], agencyId: police });
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: ngo });
    const s = await signIn(web.app, worker.email);
    const nrmId = (await web.app.inject({ method: 'POST', url: '/api/v1/cases', headers: s.headers, payload: { exploitationForms: ['sexual_exploitation'] } })).json().id as string;
    await web.app.inject({ method: 'POST', url: `/api/v1/cases/${nrmId}/people`, headers: s.headers, payload: { role: 'victim', person: { name: { givenName: 'Səbinə', familyName: 'Hüseynova' }, sex: 'female', birthYear: 1998, citizenship: 'AZE' } } });
    await web.db.transaction().execute((tx) => grantAccess(tx, SYSTEM_ACTOR, CASES, { recordId: nrmId, grantee: { agencyId: police }, sections: ['summary', 'people'], kind: 'referral' }));

    const page = await web.newPage();
    await signInInEnglish(page, investigator.email);
    await page.goto(`/cases/${nrmId}`);
    const panel = page.getByTestId('case-criminal-cases');
    await panel.getByText(j.nrm.none).waitFor();
    await panel.getByTestId('open-criminal-case').click();
    await page.getByRole('heading', { name: j.new.title, level: 1 }).waitFor();
    await page.getByText(j.new.fromNrm).waitFor();
    await page.getByLabel(j.fields.caseNumber).fill('MIA-NRM-0007');
    await page.getByLabel(j.fields.openedOn).fill(on('02-01'));
    await page.getByLabel(j.fields.articles, { exact: true }).first().click();
    await page.getByRole('option', { name: /^144-1\.1 / }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: j.new.submit }).click();
    await page.getByRole('heading', { name: j.case.title.replace('{{number}}', 'MIA-NRM-0007') }).waitFor();
    await page.getByTestId('victims').getByText('Səbinə Hüseynova').waitFor();
    const criminalId = page.url().split('/').at(-1)!;

    // Back on the NRM case: the criminal case is listed, and opens.
    await page.goto(`/cases/${nrmId}`);
    await page.getByTestId('case-criminal-cases').getByRole('link', { name: 'MIA-NRM-0007' }).click();
    await page.getByRole('heading', { name: j.case.title.replace('{{number}}', 'MIA-NRM-0007') }).waitFor();

    // A defendant charged, indicted and convicted (through the API), then the verdict corrected on the screen.
    const inv = await signIn(web.app, investigator.email);
    const post = async (path: string, payload: object) => {
      const res = await web.app.inject({ method: 'POST', url: `/api/v1/justice/cases/${criminalId}${path}`, headers: inv.headers, payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string };
    };
    const d = (await post('/defendants', { person: { name: { givenName: 'Tural', familyName: 'Nəsirov' }, sex: 'male' }, role: 'recruiter' })).id;
    const c = (await post(`/defendants/${d}/charges`, { article: '144-1.1', broughtOn: on('03-01') })).id;
    await post('/events', { type: 'indicted', occurredOn: on('05-01'), defendantId: d });
    await post(`/defendants/${d}/verdicts`, { instance: 'first', decidedOn: on('09-01'), outcomes: [{ chargeId: c, outcome: 'convicted' }] });
    await page.reload();
    const card = page.locator('[data-testid^="defendant-D-"]').first();
    const row = card.getByTestId('verdict-row');
    await row.getByRole('cell', { name: j.outcome.convicted, exact: true }).waitFor();
    await row.locator('[data-testid^="correct-verdict-"]').click();
    await row.getByLabel(j.charges.outcome).selectOption('acquitted');
    await row.getByRole('button', { name: j.correct.save }).click();
    await row.getByRole('cell', { name: j.outcome.acquitted, exact: true }).waitFor();
    await row.getByRole('button', { name: j.correct.save }).waitFor({ state: 'detached' });
    await card.getByTestId('charges').getByText(new RegExp(j.outcome.acquitted)).waitFor();
    await screenshot(page, 'justice-case-corrections');
    // A day before the indictment is refused, naming the field (the server's reason, as the other forms show it).
    await row.locator('[data-testid^="correct-verdict-"]').click();
    await row.getByLabel(j.verdicts.decidedOn).fill(on('04-01'));
    await row.getByRole('button', { name: j.correct.save }).click();
    await row.getByText(/decidedOn/).waitFor();

    // The statute list, from the justice section.
    await page.goto('/justice');
    await page.getByRole('link', { name: j.nav.statutes }).first().click();
    await page.getByRole('heading', { name: j.statutes.title, level: 1 }).waitFor();
    await page.getByTestId('statutes').getByText('144-1.2.3').waitFor();
    await screenshot(page, 'justice-statutes');
  });
});
