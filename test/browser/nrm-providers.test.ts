import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import base from '../../src/web/i18n/en.json' with { type: 'json' };
import nrmEn from '../../src/web/i18n/modules/nrm/en.json' with { type: 'json' };
import providersEn from '../../src/web/i18n/modules/nrm-providers/en.json' with { type: 'json' };
import { makeAgency, makeUser, signIn } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';

const n = nrmEn.nrm;
const p = providersEn.nrmProviders;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

const field = (scope: Locator | Page, label: string) => scope.getByRole('textbox', { name: label, exact: true }).or(scope.getByRole('combobox', { name: label, exact: true })).first();
async function pick(page: Page, scope: Locator, label: string, option: string | RegExp) {
  await field(scope, label).click();
  await page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
}
async function openProviders(page: Page) {
  await page.getByRole('navigation', { name: base.nav.main }).getByRole('link', { name: p.nav }).click();
  await page.getByRole('heading', { name: p.title, level: 1 }).waitFor();
}

describe('the service providers directory', () => {
  it('a coordinator adds a shelter, its staff report free beds, a case worker finds it and refers a case to it', async () => {
    const shelterAgency = await makeAgency(web.db, { name: 'Sunrise Foundation', type: 'shelter' });
    const ngo = await makeAgency(web.db, { name: 'Outreach NGO', type: 'ngo' });
    const coordinator = await makeUser(web.db, { roles: ['coordinator'] });
    const shelterStaff = await makeUser(web.db, { roles: ['case_worker'], agencyId: shelterAgency.id });
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: ngo.id });

    // Already in the directory: a full shelter in the same region and a clinic elsewhere.
    const cs = await signIn(web.app, coordinator.email);
    const other = await makeAgency(web.db, { name: 'Other Agency', type: 'shelter' });
    const full = (await web.app.inject({ method: 'POST', url: '/api/v1/providers', headers: cs.headers, payload: { agencyId: other.id, name: 'Full House Shelter', serviceTypes: ['shelter'], regions: ['Ganja'], capacityTotal: 4 } })).json();
    expect((await web.app.inject({ method: 'PUT', url: `/api/v1/providers/${full.id}/capacity`, headers: cs.headers, payload: { capacityFree: 0 } })).statusCode).toBe(200);
    expect((await web.app.inject({ method: 'POST', url: '/api/v1/providers', headers: cs.headers, payload: { agencyId: other.id, name: 'Baku Clinic', serviceTypes: ['medical'], regions: ['Baku'] } })).statusCode).toBe(201);

    // The case worker's case: a victim who consented to sharing with the shelter's agency for services.
    const ws = await signIn(web.app, worker.email);
    const c = (await web.app.inject({ method: 'POST', url: '/api/v1/cases', headers: ws.headers, payload: {} })).json();
    const victim = await web.app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/people`, headers: ws.headers, payload: { role: 'victim', person: { name: { givenName: 'Leyla', familyName: 'Məmmədova' }, sex: 'female', birthYear: 1994 } } });
    expect(victim.statusCode).toBe(201);
    const consent = await web.app.inject({
      method: 'POST', url: `/api/v1/cases/${c.id}/consents`, headers: ws.headers,
      payload: { personId: victim.json().personId, kind: 'data_sharing', agencyId: shelterAgency.id, purpose: 'services', givenOn: new Date().toISOString().slice(0, 10), form: 'written' },
    });
    expect(consent.statusCode).toBe(201);

    // The coordinator adds the shelter; a missing name is refused by field first.
    const cp = await web.newPage();
    await signInInEnglish(cp, coordinator.email);
    await openProviders(cp);
    await cp.getByRole('button', { name: p.add }).click();
    const dialog = cp.getByRole('dialog');
    await pick(cp, dialog, p.field.agency, 'Sunrise Foundation');
    await pick(cp, dialog, p.field.serviceTypes, n.codes.service.shelter);
    await cp.getByRole('option', { name: n.codes.service.psychological, exact: true }).click();
    await dialog.getByRole('textbox', { name: p.field.phone, exact: true }).click();
    await dialog.getByRole('button', { name: base.common.save }).click();
    await dialog.getByText(base.validation.required).waitFor();
    await dialog.getByRole('textbox', { name: p.field.name, exact: true }).fill('Sunrise Women\'s Shelter');
    await field(dialog, p.field.regions).fill('Ganja');
    await field(dialog, p.field.regions).press('Enter');
    await pick(cp, dialog, p.field.languages, /^Azerbaijani/);
    await dialog.getByRole('textbox', { name: p.field.phone, exact: true }).fill('+994 22 255 00 00');
    await dialog.getByRole('textbox', { name: p.field.minAge, exact: true }).fill('18');
    await dialog.getByRole('checkbox', { name: n.codes.sex.male, exact: true }).uncheck();
    await dialog.getByRole('textbox', { name: p.field.capacityTotal, exact: true }).fill('12');
    await dialog.getByRole('button', { name: base.common.save }).click();
    await dialog.waitFor({ state: 'detached' });
    const added = cp.getByTestId('provider-row').filter({ hasText: 'Sunrise Women\'s Shelter' });
    await added.getByText(p.capacityUnknown).waitFor();
    expect(await added.textContent()).toContain('Ganja');
    expect(await added.textContent()).toContain('ages 18–120');
    await screenshot(cp, 'providers-added');

    // The coordinator deactivates the clinic: gone from searches, back (marked) with "Show inactive".
    await cp.getByRole('button', { name: p.editTitle.replace('{{name}}', 'Baku Clinic') }).click();
    const edit = cp.getByRole('dialog');
    await edit.getByRole('checkbox', { name: p.field.active }).uncheck();
    await edit.getByRole('button', { name: base.common.save }).click();
    await edit.waitFor({ state: 'detached' });
    await expect.poll(() => cp.getByTestId('provider-row').filter({ hasText: 'Baku Clinic' }).count()).toBe(0);
    await cp.getByRole('checkbox', { name: p.filter.includeInactive }).check();
    await cp.getByTestId('provider-row').filter({ hasText: 'Baku Clinic' }).getByText(p.inactive).waitFor();

    // The shelter's own staff report the free beds: more than the total is refused by field, then 5 of 12.
    const sp = await web.newPage();
    await signInInEnglish(sp, shelterStaff.email);
    await openProviders(sp);
    const mine = sp.getByTestId('provider-row').filter({ hasText: 'Sunrise Women\'s Shelter' });
    expect(await sp.getByTestId('provider-row').filter({ hasText: 'Full House Shelter' }).getByRole('button', { name: p.capacity.update }).count()).toBe(0);
    await mine.getByRole('button', { name: p.capacity.update }).click();
    const capacity = sp.getByRole('form', { name: p.capacity.update });
    await capacity.getByRole('textbox', { name: p.capacity.free, exact: true }).fill('15');
    await capacity.getByRole('button', { name: p.capacity.save }).click();
    await capacity.getByText(p.capacity.atMost.replace('{{count}}', '12')).waitFor();
    await capacity.getByRole('textbox', { name: p.capacity.free, exact: true }).fill('5');
    await capacity.getByRole('button', { name: p.capacity.save }).click();
    await capacity.waitFor({ state: 'detached' });
    await mine.getByTestId('provider-free').getByText('5 free of 12').waitFor();
    expect(await mine.getByTestId('provider-updated').textContent()).toMatch(/^updated /);
    await screenshot(sp, 'providers-capacity');

    // The case worker searches shelters in Ganja: the Sunrise shelter with its free beds, the full one marked, no clinic.
    const wp = await web.newPage();
    await signInInEnglish(wp, worker.email);
    await openProviders(wp);
    const filters = wp.getByRole('search');
    await pick(wp, filters, p.filter.type, n.codes.service.shelter);
    await filters.getByRole('textbox', { name: p.filter.region, exact: true }).fill('Ganja');
    await wp.getByTestId('provider-row').filter({ hasText: 'Full House Shelter' }).getByTestId('provider-full').waitFor();
    await wp.getByTestId('provider-row').filter({ hasText: 'Sunrise Women\'s Shelter' }).getByText('5 free of 12').waitFor();
    await expect.poll(() => wp.getByTestId('provider-row').count()).toBe(2);
    expect(await wp.getByTestId('provider-row').filter({ hasText: 'Baku Clinic' }).count()).toBe(0);
    await screenshot(wp, 'providers-search');

    // From the case page, the case worker refers the case to the shelter picked from the directory.
    await wp.goto(`/cases/${c.id}`);
    const refer = wp.getByRole('form', { name: n.referrals.send });
    await refer.getByRole('radio', { name: p.refer.provider }).check();
    await refer.getByRole('combobox', { name: n.referrals.service }).selectOption('shelter');
    await pick(wp, refer, p.refer.providerField, /^Sunrise Women's Shelter — Sunrise Foundation · 5 free of 12$/);
    await refer.getByRole('button', { name: n.referrals.send }).click();
    const sent = wp.getByTestId('referral').filter({ hasText: 'Sunrise Women\'s Shelter' });
    await sent.getByTestId('referral-status').getByText(n.codes.referralStatus.pending).waitFor();
    expect(await sent.getByTestId('referral-party').textContent()).toBe('Sunrise Foundation');
    expect(await sent.textContent()).toContain(n.codes.service.shelter);
    await screenshot(wp, 'providers-referred');

    // What the server recorded: the provider, its agency as receiver, the service; the consent let the people through.
    const list = (await web.app.inject({ method: 'GET', url: `/api/v1/referrals?caseId=${c.id}`, headers: { cookie: ws.cookie } })).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ toAgencyId: shelterAgency.id, providerName: 'Sunrise Women\'s Shelter', serviceType: 'shelter', consentBasis: 'consent' });
    expect(list.items[0].sectionsShared).toContain('people');
  });
});
