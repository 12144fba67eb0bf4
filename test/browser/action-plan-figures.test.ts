import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import texts from '../../src/web/i18n/modules/action-plan/en.json' with { type: 'json' };
import stats from '../../src/web/i18n/modules/statistics/en.json' with { type: 'json' };
import nrm from '../../src/web/i18n/modules/nrm/en.json' with { type: 'json' };
import { makeAgency, makeUser } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';

const a = texts.actionPlan;
const fig = a.figure;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

/** The latest year that has ended: the one the measure page computes. */
const YEAR = new Date().getFullYear() - 1;
const fill = (s: string, v: Record<string, string>) => Object.entries(v).reduce((x, [k, val]) => x.replace(`{{${k}}}`, val), s);

/** Nothing wider than the screen: the page cannot be scrolled sideways. */
async function expectNoSidewaysScroll(page: Page, name: string) {
  const { scrollWidth, clientWidth, wide } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement!.scrollWidth,
    clientWidth: document.scrollingElement!.clientWidth,
    // The innermost elements reaching past the screen's edge, to say what is too wide.
    wide: [...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > document.scrollingElement!.clientWidth + 1 && ![...el.children].some((c) => c.getBoundingClientRect().right > document.scrollingElement!.clientWidth + 1)).slice(0, 5).map((el) => `<${el.tagName.toLowerCase()} class="${el.className}"> ${(el.textContent ?? '').slice(0, 60)}`),
  }));
  expect(scrollWidth, `${name} scrolls sideways: ${wide.join(' | ')}`).toBeLessThanOrEqual(clientWidth);
}

describe('an indicator from the national statistics', () => {
  it('the coordinator links a new indicator to a national figure, sees it computed from the records, changes it; the screens fit a 360 px phone', { timeout: 180_000 }, async () => {
    const office = (await makeAgency(web.db, { type: 'coordinator' })).id;
    const coordinator = await makeUser(web.db, { roles: ['coordinator'], agencyId: office });
    const ministry = await makeAgency(web.db, { type: 'government', name: 'Ministry of Internal Affairs (figures)' });
    const ngo = (await makeAgency(web.db, { type: 'ngo' })).id;
    const worker = (await makeUser(web.db, { roles: ['case_worker'], agencyId: ngo })).id;
    // The year's NRM: 3 women identified, 2 men presumed.
    for (const [i, v] of [...Array.from({ length: 3 }, () => ({ sex: 'female', identified: true })), ...Array.from({ length: 2 }, () => ({ sex: 'male', identified: false }))].entries()) {
      const c = await web.db.insertInto('cases').values({ caseNumber: `FIGB-${i}`, ownerAgencyId: ngo, createdBy: worker, openedAt: new Date(`${YEAR}-04-0${i + 1}T09:00:00+04:00`), exploitationForms: ['forced_labour'], country: 'AZ' }).returning('id').executeTakeFirstOrThrow();
      const p = await web.db.insertInto('people').values({ ownerAgencyId: ngo, sex: v.sex, birthYear: 1988, citizenship: 'AZE' }).returning('id').executeTakeFirstOrThrow();
      await web.db.insertInto('casePeople').values({ caseId: c.id, personId: p.id, role: 'victim', addedBy: worker }).execute();
      if (v.identified) await web.db.insertInto('identificationDecisions').values({ caseId: c.id, personId: p.id, stage: 'conclusive', outcome: 'identified_trafficking', decidedOn: `${YEAR}-05-01`, decidedBy: worker, decidedByAgencyId: ngo }).execute();
    }
    const plan = await web.db.insertInto('actionPlans').values({ title: 'National Action Plan (figures)', actType: 'presidential_order', startYear: YEAR - 1, endYear: YEAR + 1, status: 'adopted' }).returning('id').executeTakeFirstOrThrow();

    const page = await web.newPage();
    await signInInEnglish(page, coordinator.email);
    await page.goto(`/action-plan/plans/${plan.id}`);
    const add = page.getByRole('form', { name: a.plan.addMeasure });
    await add.getByRole('button', { name: fig.addIndicator }).waitFor();

    // The measure, with one indicator linked to "identified women" of the NRM table.
    await add.getByRole('textbox', { name: a.fields.number }).fill('2.1');
    await add.getByRole('textbox', { name: a.fields.text }).fill('Identify victims of trafficking among women');
    await add.getByRole('combobox', { name: new RegExp(`^${a.fields.responsible}`) }).selectOption({ label: ministry.name });
    await add.getByRole('combobox', { name: a.fields.deadlineKind }).selectOption({ label: a.deadlineKind.continuous });
    await add.getByRole('button', { name: fig.addIndicator }).click();
    const ind = add.getByRole('group', { name: fill(fig.indicatorN, { n: '1' }) });
    await ind.getByRole('textbox', { name: a.fields.indicator }).fill('Women identified as victims');
    await ind.getByRole('combobox', { name: fig.source }).selectOption({ label: fig.statistics });
    await ind.getByRole('combobox', { name: fig.table }).selectOption({ label: stats.statistics.tables['nrm-victims-status-sex-age'] });
    // Every dimension offered with its labels, "All (total)" first; no code on screen.
    expect(await ind.getByRole('combobox', { name: stats.statistics.dims.sex }).locator('option').allTextContents()).toEqual([fig.total, nrm.nrm.codes.sex.female, nrm.nrm.codes.sex.male, nrm.nrm.codes.sex.other, nrm.nrm.codes.sex.unknown]);
    await ind.getByRole('combobox', { name: stats.statistics.dims.status }).selectOption({ label: stats.statistics.values.status.identified });
    await ind.getByRole('combobox', { name: stats.statistics.dims.sex }).selectOption({ label: nrm.nrm.codes.sex.female });
    // A count in a percentage is refused at the unit, before anything is sent.
    await ind.getByRole('combobox', { name: a.fields.unit }).selectOption({ label: a.unit.percentage });
    await add.getByRole('button', { name: a.plan.addMeasure }).last().click();
    await ind.getByText(fig.unitCount).waitFor();
    await screenshot(page, 'action-plan-figure-form');
    expect(await web.db.selectFrom('actionPlanMeasures').select('id').where('planId', '=', plan.id).execute()).toEqual([]);
    await ind.getByRole('combobox', { name: a.fields.unit }).selectOption({ label: a.unit.count });
    await add.getByRole('button', { name: a.plan.addMeasure }).last().click();
    await page.getByText(a.plan.measureAdded).waitFor();
    const stored = await web.db.selectFrom('actionPlanIndicators as i').innerJoin('actionPlanMeasures as m', 'm.id', 'i.measureId').select(['i.definition', 'i.unit', 'i.statisticsTable', 'i.statisticsKey']).where('m.planId', '=', plan.id).execute();
    expect(stored).toEqual([{ definition: 'Women identified as victims', unit: 'count', statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { status: 'identified', sex: 'female' } }]);

    // The measure page: the figure computed from the records for the latest ended year.
    await page.getByTestId('measure-2.1').getByRole('link', { name: '2.1' }).click();
    const card = page.getByTestId('indicators').locator('[data-testid^="indicator-"]').first();
    await card.getByTestId('computed').getByText(fill(fig.computed, { year: String(YEAR), value: '3' })).waitFor();
    await card.getByText(`${fig.source}: ${stats.statistics.tables['nrm-victims-status-sex-age']} — ${stats.statistics.dims.status}: ${stats.statistics.values.status.identified}, ${stats.statistics.dims.sex}: ${nrm.nrm.codes.sex.female}`).waitFor();
    await card.getByText(fig.noLatest).waitFor();
    await screenshot(page, 'action-plan-figure-measure');

    // Changed to every presumed victim: 2.
    await card.getByRole('button', { name: fill(fig.changeNamed, { name: 'Women identified as victims' }) }).click();
    const form = page.getByRole('form', { name: fill(fig.changeNamed, { name: 'Women identified as victims' }) });
    await form.getByRole('combobox', { name: stats.statistics.dims.status }).selectOption({ label: stats.statistics.values.status.presumed });
    await form.getByRole('combobox', { name: stats.statistics.dims.sex }).selectOption({ label: fig.total });
    await screenshot(page, 'action-plan-figure-change');
    await form.getByRole('button', { name: fig.save }).click();
    await card.getByTestId('computed').getByText(fill(fig.computed, { year: String(YEAR), value: '2' })).waitFor();
    expect((await web.db.selectFrom('actionPlanIndicators as i').innerJoin('actionPlanMeasures as m', 'm.id', 'i.measureId').select('i.statisticsKey').where('m.planId', '=', plan.id).executeTakeFirstOrThrow()).statisticsKey).toEqual({ status: 'presumed' });
    const measureUrl = page.url();

    // On a 360 px phone: the measure page and the form to add a measure with its indicator fit the screen.
    const context = await web.browser.newContext({ viewport: { width: 360, height: 740 }, baseURL: web.baseUrl });
    const phone = await context.newPage();
    await signInInEnglish(phone, coordinator.email);
    await phone.goto(measureUrl);
    await phone.getByTestId('computed').getByText(fill(fig.computed, { year: String(YEAR), value: '2' })).waitFor();
    await expectNoSidewaysScroll(phone, 'the measure page');
    await phone.goto(`/action-plan/plans/${plan.id}`);
    await phone.getByRole('button', { name: fig.addIndicator }).click();
    const phoneInd = phone.getByRole('group', { name: fill(fig.indicatorN, { n: '1' }) });
    await phoneInd.getByRole('combobox', { name: fig.source }).selectOption({ label: fig.statistics });
    await phoneInd.getByRole('combobox', { name: fig.table }).selectOption({ label: stats.statistics.tables['nrm-victims-citizenship-age'] });
    await phoneInd.getByRole('textbox', { name: stats.statistics.dims.citizenship }).fill('UZB');
    await phoneInd.getByText('Uzbekistan').waitFor();
    await screenshot(phone, 'action-plan-figure-form-phone');
    await expectNoSidewaysScroll(phone, 'the plan page with the indicator form');
    await context.close();

    // The ministry's focal point reads the measure: the figure is the national statistics', not shown to it, and the screen says so.
    const focal = await makeUser(web.db, { roles: ['plan_focal_point'], agencyId: ministry.id });
    await page.context().clearCookies();
    await signInInEnglish(page, focal.email);
    await page.goto(measureUrl);
    await page.getByTestId('computed').getByText(fig.withheld).waitFor();
    expect(await page.getByRole('button', { name: fig.change }).count()).toBe(0);
    await screenshot(page, 'action-plan-figure-withheld');
  });
});
