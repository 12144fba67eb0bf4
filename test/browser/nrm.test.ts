import crypto from 'node:crypto';
import { sealField } from '../../src/server/crypto/record-keys.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import base from '../../src/web/i18n/en.json' with { type: 'json' };
import nrmEn from '../../src/web/i18n/modules/nrm/en.json' with { type: 'json' };
import peopleEn from '../../src/web/i18n/modules/people/en.json' with { type: 'json' };
import { makeAgency, makeUser, PASSWORD } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp } from '../helpers/browser.ts';
import { addDays, dayIn } from '../../src/domain/deadlines.ts';
import { formatDay } from '../../src/shared/format.ts';

const en = base;
const t = nrmEn.nrm;
const p = peopleEn.people;
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

async function pick(page: Page, scope: ReturnType<Page['getByRole']>, label: string, option: string) {
  await scope.getByRole('textbox', { name: label, exact: true }).or(scope.getByRole('combobox', { name: label, exact: true })).first().click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe('a hotline contact through the referral mechanism', () => {
  it('becomes a case, is screened, referred to a shelter that accepts it; the identification officer decides and sees the reflection end; another agency cannot find it', async () => {
    const hotline = await makeAgency(web.db, { name: 'Hotline 152', type: 'government' });
    const shelter = await makeAgency(web.db, { name: 'Shelter Baku', type: 'shelter' });
    const authority = await makeAgency(web.db, { name: 'Identification Unit', type: 'police' });
    const unrelated = await makeAgency(web.db, { name: 'Unrelated NGO', type: 'ngo' });
    const sup = await makeUser(web.db, { roles: ['supervisor'], agencyId: hotline.id });
    const shelterWorker = await makeUser(web.db, { roles: ['case_worker'], agencyId: shelter.id });
    const officer = await makeUser(web.db, { roles: ['identification_officer'], agencyId: authority.id });
    const outsider = await makeUser(web.db, { roles: ['case_worker'], agencyId: unrelated.id });
    const contactId = crypto.randomUUID();
    const contact = await web.db
      .insertInto('contacts')
      .values({ id: contactId, channel: 'call', status: 'in_progress', ownerAgencyId: hotline.id, assignedUserId: sup.id, contactType: 'trafficking_report', contactorType: 'victim', region: 'Baku', summaryEnc: sealField('contacts', 'summary', contactId, 'Passport taken by the employer'), categories: ['trafficking.forced_labour'] })
      .returning('id')
      .executeTakeFirstOrThrow();

    // The hotline opens a case from the contact.
    const page = await web.newPage();
    await signIn(page, sup.email);
    await page.goto(`/cases/new?contactId=${contact.id}`);
    await page.getByRole('button', { name: t.cases.open }).click();
    await page.getByRole('heading', { name: new RegExp(`^${t.case.title} NRM-`) }).waitFor({ timeout: 30_000 });
    const caseUrl = page.url();
    const caseNumber = (await page.getByRole('heading', { level: 1 }).textContent())!.replace(`${t.case.title} `, '');
    await page.getByTestId('case-summary').getByText(t.codes.exploitation.forced_labour).waitFor();

    // The victim, a screening, consent for the shelter and the authority.
    // The people module's form, with its duplicate check, records the person; the case adds the role.
    const people = page.getByTestId('case-people');
    await people.getByRole('textbox', { name: `${p.field.name}: ${p.field.givenName}` }).fill('Aysel');
    await people.getByRole('textbox', { name: `${p.field.name}: ${p.field.familyName}` }).fill('Hüseynova');
    await people.getByRole('combobox', { name: p.field.sex }).selectOption('female');
    await people.getByRole('textbox', { name: p.field.birthYear }).fill('1996');
    await people.getByRole('button', { name: t.people.add }).click();
    await page.getByTestId('case-person').getByText('Aysel Hüseynova').waitFor();

    const screening = page.getByRole('form', { name: t.screening.add });
    await screening.getByRole('textbox', { name: t.screening.age }).fill('29');
    await screening.getByRole('textbox', { name: t.screening.indicators }).or(screening.getByRole('combobox', { name: t.screening.indicators })).first().click();
    await page.getByRole('option', { name: /^D4\./ }).first().click();
    await page.keyboard.press('Escape');
    await screening.getByRole('button', { name: t.screening.add }).click();
    await page.getByTestId('case-screening').first().waitFor();

    const consents = page.getByRole('form', { name: t.consents.add });
    for (const [agency, purpose] of [['Shelter Baku', 'services'], ['Identification Unit', 'identification']] as const) {
      await pick(page, consents, t.consents.agency, agency);
      await consents.getByRole('combobox', { name: t.consents.purpose }).selectOption(purpose);
      await consents.getByRole('button', { name: t.consents.add }).click();
      await page.getByTestId('case-consent').filter({ hasText: agency }).waitFor();
    }

    // Referred to the shelter and to the competent authority.
    const refer = page.getByRole('form', { name: t.referrals.send });
    await pick(page, refer, t.referrals.to, 'Shelter Baku');
    await refer.getByRole('combobox', { name: t.referrals.service }).selectOption('shelter');
    await refer.getByRole('button', { name: t.referrals.send }).click();
    await page.getByTestId('referral').filter({ hasText: 'Shelter Baku' }).getByTestId('referral-status').getByText(t.codes.referralStatus.pending).waitFor();
    await pick(page, refer, t.referrals.to, 'Identification Unit');
    await refer.getByRole('combobox', { name: t.referrals.purpose }).selectOption('identification');
    await refer.getByRole('combobox', { name: t.referrals.service }).selectOption('');
    await refer.getByRole('checkbox', { name: t.codes.section.identification }).check();
    await refer.getByRole('button', { name: t.referrals.send }).click();
    await page.getByTestId('referral').filter({ hasText: 'Identification Unit' }).waitFor();
    await screenshot(page, 'nrm-case-owner');

    // The shelter accepts and then sees the case.
    const sp = await web.newPage();
    await signIn(sp, shelterWorker.email);
    await sp.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: t.nav.referrals }).click();
    await sp.getByTestId('referral').getByRole('button', { name: t.referrals.accept }).click();
    await sp.getByTestId('referral-status').getByText(t.codes.referralStatus.accepted).waitFor();
    await sp.getByRole('link', { name: caseNumber }).click();
    await sp.getByTestId('case-person').getByText('Aysel Hüseynova').waitFor();
    expect(await sp.getByTestId('case-consents').count()).toBe(0);

    // The identification officer: queue, accept, decide, reflection end shown.
    const op = await web.newPage();
    await signIn(op, officer.email);
    await op.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: t.nav.identification }).click();
    await op.getByTestId('queue-row').filter({ hasText: caseNumber }).waitFor();
    await op.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: t.nav.referrals }).click();
    await op.getByTestId('referral').getByRole('button', { name: t.referrals.accept }).click();
    await op.getByTestId('referral-status').getByText(t.codes.referralStatus.accepted).waitFor();
    await op.getByRole('link', { name: caseNumber }).click();
    const decision = op.getByRole('form', { name: t.identification.decide });
    await decision.getByRole('textbox', { name: t.identification.reasons }).fill('Credible account; passport withheld by the employer');
    await decision.getByRole('button', { name: t.identification.decide }).click();
    const today = dayIn('Asia/Baku', new Date());
    await op.getByTestId('reflection-end').getByText(formatDay(addDays(today, 30), 'en', 'long')).waitFor();
    await op.getByTestId('victim-status').getByText(t.codes.victimStatus.presumed).waitFor();
    await screenshot(op, 'nrm-identification');

    // The case worker records the victim's residence permit: one that runs out within the reminder days is marked to renew.
    await page.reload();
    const permitForm = page.getByRole('form', { name: t.identification.recordPermit });
    await permitForm.getByLabel(t.identification.expiresOn).fill(addDays(today, -1));
    await permitForm.getByRole('button', { name: t.identification.recordPermit }).click();
    await permitForm.getByText(en.validation.invalid).waitFor();
    await permitForm.getByLabel(t.identification.expiresOn).fill(addDays(today, 20));
    await permitForm.getByRole('textbox', { name: t.identification.permitNumber }).fill('AZ-RP-4711');
    await permitForm.getByRole('button', { name: t.identification.recordPermit }).click();
    const recorded = page.getByTestId('permit').filter({ hasText: 'AZ-RP-4711' });
    await recorded.getByText(t.identification.renewSoon).waitFor();
    expect(await recorded.textContent()).toContain(`${formatDay(today, 'en', 'long')} – ${formatDay(addDays(today, 20), 'en', 'long')}`);

    // An unrelated agency finds nothing: list, search by number, direct link.
    const xp = await web.newPage();
    await signIn(xp, outsider.email);
    await xp.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: t.nav.cases }).click();
    await xp.getByRole('textbox', { name: t.cases.number }).fill(caseNumber);
    await xp.getByText(t.cases.none).waitFor();
    expect(await xp.getByTestId('case-row').count()).toBe(0);
    await xp.goto(caseUrl);
    await xp.getByRole('alert').waitFor();
    expect(await xp.getByText('Aysel').count()).toBe(0);
  // Four users and nine screens, each checked by axe: longer than the browser project's 60 s on a busy machine.
  }, 150_000);
});
