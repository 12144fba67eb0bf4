import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import base from '../../src/web/i18n/en.json' with { type: 'json' };
import nrmEn from '../../src/web/i18n/modules/nrm/en.json' with { type: 'json' };
import handoffsEn from '../../src/web/i18n/modules/handoffs/en.json' with { type: 'json' };
import peopleEn from '../../src/web/i18n/modules/people/en.json' with { type: 'json' };
import pressPublicEn from '../../src/web/i18n/modules/press-public/en.json' with { type: 'json' };
import { makeAgency, makeUser, signIn, type Session } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';
import { addDays, dayIn } from '../../src/domain/deadlines.ts';

/** Issue 15's hand-offs, finding things and the public press pages, through the real UI. */
const en = base;
const t = nrmEn.nrm;
const h = handoffsEn.handoffs;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

const call = (s: Session, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  web.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

async function pick(page: Page, scope: ReturnType<Page['getByRole']>, label: string, option: string) {
  await scope.getByRole('textbox', { name: label, exact: true }).or(scope.getByRole('combobox', { name: label, exact: true })).first().click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

const today = () => dayIn('Asia/Baku', new Date());

describe('hand-offs between a case worker and the identification officer', () => {
  it('the purpose ticks its sections; a second referral is warned about; the queue opens the case; a lacking referral is asked for', async () => {
    const ngo = await makeAgency(web.db, { name: 'Hand-off NGO', type: 'ngo' });
    const authority = await makeAgency(web.db, { name: 'Hand-off Authority', type: 'police' });
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: ngo.id });
    const officer = await makeUser(web.db, { roles: ['identification_officer'], agencyId: authority.id });
    const api = await signIn(web.app, worker.email);
    const newCase = async (familyName: string) => {
      const c = (await call(api, 'POST', '/cases', { exploitationForms: ['forced_labour'] })).json() as { id: string; caseNumber: string };
      const personId = (await call(api, 'POST', `/cases/${c.id}/people`, { role: 'victim', person: { name: { givenName: 'Aysel', familyName }, sex: 'female', birthYear: 1996 } })).json().personId as string;
      await call(api, 'POST', `/cases/${c.id}/consents`, { personId, kind: 'data_sharing', agencyId: authority.id, purpose: 'identification', givenOn: today(), form: 'written' });
      return c;
    };
    const c = await newCase('Hüseynova');

    // The sender chooses "identification": the sections it needs are ticked, and the form says why.
    const page = await web.newPage();
    await signInInEnglish(page, worker.email);
    await page.goto(`/cases/${c.id}`);
    const refer = page.getByRole('form', { name: t.referrals.send });
    await pick(page, refer, t.referrals.to, 'Hand-off Authority');
    await refer.getByRole('combobox', { name: t.referrals.purpose }).selectOption('identification');
    await refer.getByTestId('required-sections').waitFor();
    for (const s of ['people', 'events', 'screening', 'identification'] as const) expect(await refer.getByRole('checkbox', { name: t.codes.section[s], exact: true }).isChecked()).toBe(true);
    await refer.getByRole('button', { name: t.referrals.send }).click();
    await page.getByTestId('referral').filter({ hasText: 'Hand-off Authority' }).waitFor();

    // Unticking one is refused at the field, naming it.
    await refer.getByRole('checkbox', { name: t.codes.section.screening, exact: true }).uncheck();
    await refer.getByRole('button', { name: t.referrals.send }).click();
    await refer.getByText(h.requiredError.replace('{{sections}}', t.codes.section.screening)).waitFor();
    await refer.getByRole('checkbox', { name: t.codes.section.screening, exact: true }).check();

    // Sent again to the same agency: a warning, and the choice to send anyway.
    await refer.getByRole('button', { name: t.referrals.send }).click();
    await refer.getByTestId('duplicate-warning').getByText(h.duplicate).waitFor();
    expect(await page.getByTestId('referral').count()).toBe(1);
    await refer.getByRole('button', { name: h.sendAnyway }).click();
    await expect.poll(() => page.getByTestId('referral').count()).toBe(2);

    // An older referral of another case lacks sections (sent before they were required), accepted.
    const old = await newCase('Quliyeva');
    const oldRef = (await call(api, 'POST', `/cases/${old.id}/referrals`, { toAgencyId: authority.id, purpose: 'identification', sections: ['summary', 'people', 'events', 'screening', 'identification'] })).json().id as string;
    await web.db.updateTable('referrals').set({ sectionsRequested: ['summary', 'people'], sectionsShared: ['summary', 'people'] }).where('id', '=', oldRef).execute();
    await call(await signIn(web.app, officer.email), 'POST', `/referrals/${oldRef}/accept`, {});

    // The officer: the queue's pending row is accepted and opens the case in one step.
    const op = await web.newPage();
    await signInInEnglish(op, officer.email);
    await op.goto('/identification');
    const pending = op.getByTestId('queue-row').filter({ hasText: c.caseNumber }).first();
    await pending.getByRole('button', { name: new RegExp(h.acceptOpen) }).click();
    await op.getByRole('heading', { name: `${t.case.title} ${c.caseNumber}` }).waitFor();
    await op.getByRole('form', { name: t.identification.decide }).waitFor();

    // An accepted row is a link to its case; there the officer is told what is missing and asks for it.
    await op.goto('/identification');
    await op.getByTestId('queue-row').filter({ hasText: old.caseNumber }).getByRole('link', { name: h.openCase.replace('{{number}}', old.caseNumber) }).click();
    await op.getByRole('heading', { name: `${t.case.title} ${old.caseNumber}` }).waitFor();
    const missing = op.getByTestId('missing-sections');
    await missing.getByText(h.missing.replace('{{sections}}', [t.codes.section.events, t.codes.section.screening, t.codes.section.identification].join(', '))).waitFor();
    await missing.getByRole('button', { name: h.askForIt }).click();
    await missing.getByTestId('sections-asked').waitFor();

    // The sender sees the request on the referral and shares the sections; the officer can decide.
    await page.goto(`/cases/${old.id}`);
    const asked = page.getByTestId('referral-asked');
    await asked.getByRole('button', { name: h.shareAsked }).click();
    await asked.waitFor({ state: 'detached' });
    await op.reload();
    await op.getByRole('form', { name: t.identification.decide }).waitFor();
    expect(await op.getByTestId('missing-sections').count()).toBe(0);
  });
});

describe('a contact becomes a case', () => {
  it('the people the operator recorded become the case\'s victims, the first with the name the caller gave', async () => {
    const hotline = await makeAgency(web.db, { name: 'Contact Hotline', type: 'government' });
    const sup = await makeUser(web.db, { roles: ['supervisor'], agencyId: hotline.id });
    const contact = await web.db
      .insertInto('contacts')
      .values({
        channel: 'call', status: 'in_progress', ownerAgencyId: hotline.id, assignedUserId: sup.id, contactType: 'trafficking_report', contactorType: 'family_member', region: 'Sumgait',
        categories: ['trafficking.sexual_exploitation'],
        persons: JSON.stringify([{ role: 'contactor', sex: 'male', age: 40, possiblyChild: false, nationality: null }, { role: 'potential_victim', sex: 'female', age: 23, possiblyChild: false, nationality: 'UZ' }]),
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    const page = await web.newPage();
    await signInInEnglish(page, sup.email);
    await page.goto(`/cases/new?contactId=${contact.id}`);
    const victim = page.getByTestId('new-case-victim');
    await victim.getByRole('textbox', { name: peopleEn.people.field.givenName }).fill('Nigora');
    await victim.getByRole('textbox', { name: peopleEn.people.field.familyName }).fill('Karimova');
    await screenshot(page, 'new-case-from-contact');
    await page.getByRole('button', { name: t.cases.open }).click();
    await page.getByRole('heading', { name: new RegExp(`^${t.case.title} NRM-`) }).waitFor({ timeout: 30_000 });
    const row = page.getByTestId('case-person');
    await row.getByText('Nigora Karimova').waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.getByRole('cell').allTextContents()).toEqual(['Nigora Karimova', t.codes.personRole.victim, t.codes.sex.female, String(Number(today().slice(0, 4)) - 23), '']);
    await screenshot(page, 'case-from-contact');
  });
});

describe('finding a case', () => {
  it('by a Cyrillic name for a Latin-entered victim, by a number without zeros; a name in the number box is marked at the box', async () => {
    const ngo = await makeAgency(web.db, { name: 'Finding NGO', type: 'ngo' });
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: ngo.id });
    const api = await signIn(web.app, worker.email);
    const c = (await call(api, 'POST', '/cases', { exploitationForms: ['sexual_exploitation'] })).json() as { id: string; caseNumber: string };
    await call(api, 'POST', `/cases/${c.id}/people`, { role: 'victim', person: { name: { givenName: 'Gülnarə', familyName: 'Məmmədova' }, sex: 'female', birthYear: 1999 } });
    const other = (await call(api, 'POST', '/cases', { exploitationForms: ['forced_labour'] })).json() as { id: string; caseNumber: string };

    const page = await web.newPage();
    await signInInEnglish(page, worker.email);
    await page.goto('/cases');
    await page.getByTestId('case-row').filter({ hasText: other.caseNumber }).waitFor();
    await page.getByRole('textbox', { name: h.search }).fill('Гюльнара Мамедова');
    await page.getByTestId('case-row').filter({ hasText: other.caseNumber }).waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('case-row').allTextContents()).toEqual([expect.stringContaining(c.caseNumber)]);
    await page.getByRole('textbox', { name: h.search }).fill('');

    const bare = String(Number(c.caseNumber.split('-')[2]));
    const number = page.getByRole('textbox', { name: t.cases.number });
    await number.fill(bare);
    await expect.poll(() => page.getByTestId('case-row').allTextContents()).toEqual([expect.stringContaining(c.caseNumber)]);

    await number.fill('Gülnarə Məmmədova');
    await page.getByText(h.numberHint).waitFor();
    expect(await number.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('alert').filter({ hasText: en.error.title }).count()).toBe(0);
  });
});

describe('the public press pages', () => {
  it('carry their own name; an attack without an act has no days figure; a recent one is too early to label', async () => {
    const m = await makeUser(web.db, { roles: ['press_monitor'] });
    const monitor = await signIn(web.app, m.email);
    const reviewer = await signIn(web.app, (await makeUser(web.db, { roles: ['press_reviewer'], agencyId: m.agencyId })).email);
    const publish = async (title: string, occurred: string) => {
      const pid = (await call(monitor, 'POST', '/press/persons', { name: `${title} reporter` })).json().id as string;
      const id = (await call(monitor, 'POST', '/press/incidents', { title, occurred, acts: [{ personId: pid, actType: 'assault', outcome: 'injured' }] })).json().id as string;
      expect((await call(reviewer, 'POST', `/press/incidents/${id}/publish`)).statusCode).toBe(200);
      return id;
    };
    const recent = await publish('Reporter beaten last week', addDays(dayIn('UTC', new Date()), -8));
    await publish('Reporter beaten in 2019', '2019-04-02');

    const page = await web.newPage();
    await page.goto('/public/press');
    await page.evaluate(() => localStorage.setItem('pathway.language', 'en'));
    await page.reload();
    const p = pressPublicEn.pressPublic;
    await page.getByTestId('press-brand').getByText(p.brand).waitFor();
    expect(await page.title()).toBe(p.brand);
    expect(await page.getByText(en.app.tagline).count()).toBe(0);
    const card = page.getByTestId('public-incident').filter({ hasText: 'Reporter beaten last week' });
    await card.getByTestId('impunity-badge').getByText(p.tooEarly).waitFor();
    await card.getByTestId('days-since').getByText(p.noAct).waitFor();
    await page.getByTestId('column-too_early').getByRole('link', { name: 'Reporter beaten last week', exact: true }).waitFor();
    expect(await page.getByTestId('column-complete_impunity').getByRole('link', { name: 'Reporter beaten last week', exact: true }).count()).toBe(0);
    await page.getByTestId('column-complete_impunity').getByRole('link', { name: 'Reporter beaten in 2019', exact: true }).waitFor();

    await card.getByRole('link', { name: 'Reporter beaten last week', exact: true }).click();
    await page.getByTestId('impunity-status').getByText(p.tooEarly).waitFor();
    await page.getByTestId('too-early').waitFor();
    await page.getByTestId('days-since').getByText(p.noAct).waitFor();
    expect(page.url()).toContain(recent);
  });
});
