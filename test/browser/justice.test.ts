import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import texts from '../../src/web/i18n/modules/justice/en.json' with { type: 'json' };
import { makeAgency, makeUser, signIn } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp, signInInEnglish } from '../helpers/browser.ts';
import { grantAccess } from '../../src/server/access/grants.ts';
import { SYSTEM_ACTOR } from '../../src/server/audit/audit.ts';
import { CASES } from '../../src/server/modules/cases/policy.ts';
import { formatDay } from '../../src/shared/format.ts';

/** A day as the English screens show it in lists and timelines. */
const shown = (day: string) => formatDay(day, 'en', 'short');

const j = texts.justice;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

// Last year's dates: the figures screen is asked for that year whatever day the test runs.
const Y = new Date().getFullYear() - 1;
const on = (md: string) => `${Y}-${md}`;

async function signOutAndIn(page: Page, email: string) {
  await page.context().clearCookies();
  await signInInEnglish(page, email);
}

describe('criminal justice, from an NRM referral to the figures', () => {
  it('investigator opens a case from a referral, prosecutor indicts, court clerk records verdict, sentence and appeal, analyst sees the figures change without names', { timeout: 120_000 }, async () => {
    const police = (await makeAgency(web.db, { type: 'police' })).id;
    const ngo = (await makeAgency(web.db, { type: 'ngo' })).id;
    const prosecution = (await web.db.insertInto('agencies').values({ name: "Prosecutor's Office (test)", type: 'prosecution' }).returning('id').executeTakeFirstOrThrow()).id;
    const court = (await web.db.insertInto('agencies').values({ name: 'Serious Crimes Court (test)', type: 'court' }).returning('id').executeTakeFirstOrThrow()).id;
    const investigator = await makeUser(web.db, { roles: ['investigator'], agencyId: police });
    const prosecutor = await makeUser(web.db, { roles: ['prosecutor'], agencyId: prosecution });
    const clerk = await makeUser(web.db, { roles: ['court_clerk'], agencyId: court });
    const analyst = await makeUser(web.db, { roles: ['analyst'], agencyId: (await makeAgency(web.db, { type: 'coordinator' })).id });
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: ngo });

    // An NGO's NRM case with a victim, referred to the police.
    const s = await signIn(web.app, worker.email);
    const nrm = await web.app.inject({ method: 'POST', url: '/api/v1/cases', headers: s.headers, payload: { exploitationForms: ['sexual_exploitation'] } });
    const nrmId = nrm.json().id as string;
    await web.app.inject({ method: 'POST', url: `/api/v1/cases/${nrmId}/people`, headers: s.headers, payload: { role: 'victim', person: { name: { givenName: 'Nigar', familyName: 'Quliyeva' }, sex: 'female', birthYear: 1999, citizenship: 'AZE' } } });
    await web.db.transaction().execute((tx) => grantAccess(tx, SYSTEM_ACTOR, CASES, { recordId: nrmId, grantee: { agencyId: police }, sections: ['summary', 'people'], kind: 'referral' }));

    const page = await web.newPage();

    // The analyst's figures for the year before anything: no conviction.
    await signInInEnglish(page, analyst.email);
    await page.goto('/justice/statistics');
    await page.getByLabel(j.stats.year).fill(String(Y));
    const figure = (id: string) => page.getByTestId(id).locator('button, p').last();
    await expect.poll(() => figure('figure-convictions').textContent()).toBe('0');

    // The investigator opens a criminal case from the referral.
    await signOutAndIn(page, investigator.email);
    await page.goto(`/justice/new?nrmCase=${nrmId}`);
    await page.getByRole('heading', { name: j.new.title, level: 1 }).waitFor();
    await page.getByLabel(j.fields.caseNumber).fill('MIA-2025-0042');
    await page.getByLabel(j.fields.openedOn).fill(on('03-01'));
    await page.getByLabel(j.fields.articles, { exact: true }).first().click();
    await page.getByRole('option', { name: /^144-1\.1 / }).click();
    await page.keyboard.press('Escape');
    await page.getByLabel(j.fields.prosecutorAgency).selectOption({ label: "Prosecutor's Office (test)" });
    await page.getByRole('button', { name: j.new.submit }).click();
    await page.getByRole('heading', { name: j.case.title.replace('{{number}}', 'MIA-2025-0042') }).waitFor();
    // The victim of the referral is linked, with her identity (the investigator may see the NRM case).
    await page.getByTestId('victims').getByText('Nigar Quliyeva').waitFor();

    const add = page.getByTestId('add-defendant');
    await add.getByLabel(j.defendants.givenName).fill('Elnur');
    await add.getByLabel(j.defendants.familyName).fill('Kazımov');
    await add.getByLabel(j.defendants.sex).selectOption({ label: j.sex.male });
    await add.getByRole('button', { name: j.defendants.addButton }).click();
    const card = page.locator('[data-testid^="defendant-D-"]').first();
    await card.getByText('Elnur Kazımov').waitFor();
    const chargeForm = card.getByTestId('charge-form');
    await chargeForm.getByLabel(j.charges.article).selectOption('144-1.1');
    await chargeForm.getByLabel(j.charges.broughtOn).fill(on('04-01'));
    await chargeForm.getByRole('button', { name: j.charges.add }).click();
    await card.getByTestId('charges').getByText(shown(on('04-01'))).waitFor();
    const pseudonym = (await card.getAttribute('data-testid'))!.replace('defendant-', '');

    // The prosecutor, who sees the shared case, indicts and sends it to the court; a date before the charge is refused.
    await signOutAndIn(page, prosecutor.email);
    await page.goto('/justice');
    await page.getByRole('link', { name: 'MIA-2025-0042' }).first().click();
    const event = page.getByTestId('add-event');
    await event.getByLabel(j.events.type).selectOption('indicted');
    await event.getByLabel(j.events.defendant).selectOption({ label: 'Elnur Kazımov' });
    await event.getByLabel(j.events.court).selectOption({ label: 'Serious Crimes Court (test)' });
    await event.getByLabel(j.events.date).fill(on('02-01'));
    await event.getByRole('button', { name: j.events.record }).click();
    await event.getByText(/occurredOn/).waitFor();
    await event.getByLabel(j.events.date).fill(on('06-01'));
    await event.getByRole('button', { name: j.events.record }).click();
    await page.getByTestId('case-status').getByText(j.status.in_court).waitFor();
    // The prosecutor does not see the victim's identity: not allowed on the NRM case.
    expect(await page.getByTestId('victims').textContent()).not.toContain('Quliyeva');

    // The court clerk records the verdict, a suspended sentence, then the appeal that imprisons.
    await signOutAndIn(page, clerk.email);
    await page.goto('/justice');
    await page.getByRole('link', { name: 'MIA-2025-0042' }).first().click();
    const clerkCard = page.locator('[data-testid^="defendant-D-"]').first();
    const verdict = clerkCard.getByTestId('verdict-form');
    await verdict.getByLabel(j.verdicts.instance).selectOption('first');
    await verdict.getByLabel(j.verdicts.decidedOn).fill(on('09-01'));
    await verdict.getByLabel(j.verdicts.on.replace('{{article}}', '144-1.1')).selectOption('convicted');
    await verdict.getByRole('button', { name: j.verdicts.record }).click();
    const sentence = clerkCard.getByTestId('sentence-form');
    await sentence.getByLabel(j.verdicts.instance).selectOption('first');
    await sentence.getByLabel(j.sentences.imposedOn).fill(on('09-01'));
    await sentence.getByLabel(j.sentences.termMonths).fill('60');
    await sentence.getByLabel(j.sentences.suspended).check();
    await sentence.getByLabel(j.sentences.probation).fill('24');
    await sentence.getByRole('button', { name: j.sentences.record }).click();
    await clerkCard.getByTestId('sentences').getByText(j.band.suspended_or_deferred).waitFor();
    const clerkEvent = page.getByTestId('add-event');
    await clerkEvent.getByLabel(j.events.type).selectOption('appeal_lodged');
    await clerkEvent.getByLabel(j.events.defendant).selectOption({ label: 'Elnur Kazımov' });
    await clerkEvent.getByLabel(j.events.appealBy).selectOption('prosecutor');
    await clerkEvent.getByLabel(j.events.date).fill(on('09-15'));
    await clerkEvent.getByRole('button', { name: j.events.record }).click();
    await page.getByTestId('timeline').getByText(`${shown(on('09-15'))} · ${j.event.appeal_lodged}`).waitFor();
    await verdict.getByLabel(j.verdicts.instance).selectOption('appeal');
    await verdict.getByLabel(j.verdicts.decidedOn).fill(on('11-01'));
    await verdict.getByLabel(j.verdicts.on.replace('{{article}}', '144-1.1')).selectOption('convicted');
    await verdict.getByRole('button', { name: j.verdicts.record }).click();
    await page.getByTestId('timeline').getByText(`${shown(on('11-01'))} · ${j.event.appeal_decided}`).waitFor();
    await sentence.getByLabel(j.verdicts.instance).selectOption('appeal');
    await sentence.getByLabel(j.sentences.imposedOn).fill(on('11-01'));
    await sentence.getByLabel(j.sentences.termMonths).fill('96');
    await sentence.getByLabel(j.sentences.suspended).uncheck();
    await sentence.getByRole('button', { name: j.sentences.record }).click();
    await clerkCard.getByTestId('sentences').getByText(j.band['5_10']).waitFor();
    await screenshot(page, 'justice-case');

    // The analyst sees the conviction in the year's figures, with the appeal's sentence in force, and opens the records behind it: no names.
    await signOutAndIn(page, analyst.email);
    await page.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: j.nav.statistics }).click();
    await page.getByLabel(j.stats.year).fill(String(Y));
    await expect.poll(() => figure('figure-convictions').textContent()).toBe('1');
    expect(await figure('figure-prosecutions').textContent()).toBe('1');
    expect(await figure('figure-suspended').textContent()).toBe('0');
    await page.getByTestId('figure-convictions').getByRole('button').click();
    const records = page.getByTestId('figure-records');
    await records.getByText('MIA-2025-0042').waitFor();
    await records.getByText(pseudonym).waitFor();
    expect(await records.textContent()).not.toContain('Kazımov');
    expect(await records.getByRole('link').count()).toBe(0);
    expect(await page.content()).not.toContain('Quliyeva');
    await page.getByTestId('trend-chart').locator('.recharts-line').first().waitFor();
    await screenshot(page, 'justice-statistics');
  });
});

describe('the criminal-case list sorted by its column headers', () => {
  it('an investigator sorts by case number, both ways, then by status; the sort is in the address and survives a reload', { timeout: 90_000 }, async () => {
    const police = (await makeAgency(web.db, { type: 'police' })).id;
    const investigator = await makeUser(web.db, { roles: ['investigator'], agencyId: police });
    const s = await signIn(web.app, investigator.email);
    const tag = Math.random().toString(36).slice(2, 6).toUpperCase();
    // Opened in an order unlike the numbers' order; one left in investigation, two further on.
    for (const [n, openedOn, status] of [['B', '03-01', 'in_court'], ['C', '01-15', 'investigation'], ['A', '02-10', 'final']] as const) {
      const res = await web.app.inject({ method: 'POST', url: '/api/v1/justice/cases', headers: s.headers, payload: { body: 'police', caseNumber: `SRT-${tag}-${n}`, openedOn: on(openedOn), articles: ['144-1.1'], forms: ['sexual_exploitation'] } });
      expect(res.statusCode, res.body).toBe(201);
      await web.db.updateTable('criminalCases').set({ status }).where('id', '=', res.json().id).execute();
    }
    const page = await web.newPage();
    await signInInEnglish(page, investigator.email);
    await page.goto('/justice');
    const rows = page.getByTestId('justice-cases').locator('tbody tr');
    const numbers = async () => (await rows.locator('td:first-child a').allTextContents()).map((x) => x.replace(`SRT-${tag}-`, ''));
    await page.getByRole('link', { name: `SRT-${tag}-A` }).waitFor();
    // Newest first by default.
    await expect.poll(numbers, { timeout: 10_000 }).toEqual(['B', 'A', 'C']);
    await screenshot(page, 'justice-cases');

    const sortBy = (column: string) => page.getByRole('button', { name: `Sort by ${column}` });
    await sortBy(j.fields.caseNumber).click();
    await expect.poll(numbers, { timeout: 10_000 }).toEqual(['A', 'B', 'C']);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('caseNumber');
    await expect.poll(() => page.getByRole('columnheader', { name: new RegExp(j.fields.caseNumber) }).getAttribute('aria-sort')).toBe('ascending');
    await sortBy(j.fields.caseNumber).click();
    await expect.poll(numbers, { timeout: 10_000 }).toEqual(['C', 'B', 'A']);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('-caseNumber');
    await screenshot(page, 'justice-cases-sorted');

    await page.reload();
    await page.getByRole('link', { name: `SRT-${tag}-A` }).waitFor();
    await expect.poll(numbers, { timeout: 10_000 }).toEqual(['C', 'B', 'A']);
    // Status in the order of procedure: investigation, in court, final.
    await sortBy(j.fields.status).click();
    await expect.poll(numbers, { timeout: 10_000 }).toEqual(['C', 'B', 'A']);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('status');
    await sortBy(j.fields.status).click();
    await expect.poll(numbers, { timeout: 10_000 }).toEqual(['A', 'B', 'C']);
    await screenshot(page, 'justice-cases-by-status');
  });
});
