import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import texts from '../../src/web/i18n/modules/action-plan/en.json' with { type: 'json' };
import { makeAgency, makeUser, PASSWORD, signIn } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';

const a = texts.actionPlan;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

async function signOutAndIn(page: Page, email: string) {
  await page.context().clearCookies();
  await signInInEnglish(page, email);
}

// Last year's report is owed whatever day the test runs; the measure runs until next year.
const Y = new Date().getFullYear();

describe('national action plan: a ministry reports, the coordinator sends back, then accepts', () => {
  it('the ministry reports progress, the coordinator sends it back, the ministry resubmits, the coordinator accepts, the plan shows the measure on track', { timeout: 150_000 }, async () => {
    const coordAgency = (await makeAgency(web.db, { type: 'coordinator' })).id;
    const ministry = await makeAgency(web.db, { type: 'government', name: 'Ministry of Labour (browser)' });
    const coordinator = await makeUser(web.db, { roles: ['coordinator'], agencyId: coordAgency });
    const focal = await makeUser(web.db, { roles: ['plan_focal_point'], agencyId: ministry.id });

    // The coordinator's office has the plan and a measure of the ministry's (through the API: the screens for it are tested below too).
    const s = await signIn(web.app, coordinator.email);
    const plan = (await web.app.inject({ method: 'POST', url: '/api/v1/action-plan/plans', headers: s.headers, payload: { title: 'Browser plan', actType: 'presidential_order', actNumber: '2173', actDate: `${Y - 1}-07-22`, startYear: Y - 1, endYear: Y + 1, status: 'adopted' } })).json().id as string;
    const measure = await web.app.inject({
      method: 'POST',
      url: `/api/v1/action-plan/plans/${plan}/measures`,
      headers: s.headers,
      payload: { number: '4.1.9', text: 'Inspect the sectors at risk of forced labour', responsibleAgencyId: ministry.id, deadline: { kind: 'year', year: Y + 1 }, indicators: [{ definition: 'Inspections carried out', unit: 'count', baseline: 0, target: 300 }] },
    });
    expect(measure.statusCode, measure.body).toBe(201);

    const page = await web.newPage();

    // The ministry's focal point: what we owe, then the report form.
    await signInInEnglish(page, focal.email);
    await page.goto('/action-plan/mine');
    await page.getByRole('heading', { name: a.mine.title, level: 1 }).waitFor();
    const owed = page.getByTestId(`owed-4.1.9-${Y - 1}`);
    await owed.waitFor();
    await screenshot(page, 'action-plan-mine');
    await owed.getByRole('link', { name: a.mine.report }).click();
    await page.getByRole('heading', { name: a.measure.title.replace('{{number}}', '4.1.9'), level: 1 }).waitFor();
    await page.getByLabel(a.fields.narrative).fill('Inspections started in two regions.');
    // A count is a whole number: the server names the field.
    await page.getByLabel(/Inspections carried out/).fill('12.5');
    await page.getByRole('button', { name: a.report.submit }).click();
    await page.getByText('a count is a whole number, not negative').waitFor();
    await page.getByLabel(/Inspections carried out/).fill('40');
    await screenshot(page, 'action-plan-report-form');
    await page.getByRole('button', { name: a.report.submit }).click();
    await page.getByTestId('report-review').getByText(a.review.submitted).waitFor();

    // The coordinator sends it back with a reason.
    await signOutAndIn(page, coordinator.email);
    await page.goto('/action-plan/reviews');
    await page.getByRole('heading', { name: a.reviews.title, level: 1 }).waitFor();
    await screenshot(page, 'action-plan-reviews');
    await page.getByTestId('review-queue').getByRole('link', { name: '4.1.9' }).click();
    await page.getByTestId('report-narrative').getByText('Inspections started in two regions.').waitFor();
    await page.getByLabel(a.review.reason).fill('Name the two regions and attach the inspection list.');
    await screenshot(page, 'action-plan-review');
    await page.getByRole('button', { name: a.review.return }).click();
    await page.getByTestId('report-review').getByText(a.review.returned).waitFor();

    // The ministry sees why, changes the report and resubmits it.
    await signOutAndIn(page, focal.email);
    await page.goto('/action-plan/mine');
    await page.getByTestId('my-reports').getByText('Name the two regions and attach the inspection list.').waitFor();
    await page.getByTestId(`owed-4.1.9-${Y - 1}`).getByRole('link', { name: a.mine.resubmit }).click();
    await page.getByTestId('return-reason').waitFor();
    await screenshot(page, 'action-plan-returned');
    await page.getByLabel(a.fields.narrative).fill('Inspections in Ganja and Lankaran; the list is attached.');
    await page.getByRole('button', { name: a.report.resubmit }).click();
    await page.getByTestId('report-review').getByText(a.review.submitted).waitFor();

    // The coordinator: the measure is not on track until the report is accepted.
    await signOutAndIn(page, coordinator.email);
    await page.goto(`/action-plan/plans/${plan}`);
    const status = page.getByTestId('measure-4.1.9').getByTestId('measure-status');
    await expect.poll(() => status.textContent()).not.toBe(a.status.on_track);
    const before = await status.textContent();
    expect([a.status.late, a.status.not_started]).toContain(before);
    await page.goto('/action-plan/reviews');
    await page.getByTestId('review-queue').getByRole('link', { name: '4.1.9' }).click();
    await page.getByTestId('report-narrative').getByText('Inspections in Ganja and Lankaran; the list is attached.').waitFor();
    await page.getByRole('button', { name: a.review.accept }).click();
    await page.getByTestId('report-review').getByText(a.review.accepted).waitFor();

    // The plan now shows the measure on track.
    await page.goto(`/action-plan/plans/${plan}`);
    await expect.poll(() => page.getByTestId('measure-4.1.9').getByTestId('measure-status').textContent()).toBe(a.status.on_track);
    await screenshot(page, 'action-plan-plan');
    // The coordinator changes the measure's wording: the measure page shows it.
    await page.getByTestId('measure-4.1.9').getByRole('link', { name: '4.1.9' }).click();
    await page.getByRole('button', { name: a.measure.edit }).click();
    await page.getByRole('textbox', { name: a.fields.text, exact: true }).fill('Inspect the sectors at risk of forced labour and child labour');
    await page.getByRole('button', { name: a.measure.save }).click();
    await page.getByText('Inspect the sectors at risk of forced labour and child labour').first().waitFor();
    await screenshot(page, 'action-plan-measure');
    await page.goto('/action-plan');
    await page.getByRole('link', { name: 'Browser plan' }).waitFor();
    await screenshot(page, 'action-plan-plans');
    await page.goto('/action-plan/meetings');
    await page.getByRole('heading', { name: a.meetings.title, level: 1 }).waitFor();
    await screenshot(page, 'action-plan-meetings');
  });

  it.each(['az', 'ru'] as const)('%s: the action plan screens have no raw code, key or ISO date, and pass the accessibility check', { timeout: 120_000 }, async (lang) => {
    const coordAgency = (await makeAgency(web.db, { type: 'coordinator' })).id;
    const ministry = await makeAgency(web.db, { type: 'government' });
    const coordinator = await makeUser(web.db, { roles: ['coordinator'], agencyId: coordAgency });
    const focal = await makeUser(web.db, { roles: ['plan_focal_point'], agencyId: ministry.id });
    await web.db.updateTable('users').set({ language: lang }).where('id', 'in', [coordinator.id, focal.id]).execute();
    const c = await signIn(web.app, coordinator.email);
    const f = await signIn(web.app, focal.email);
    const post = async (s: typeof c, url: string, payload: object) => {
      const res = await web.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: s.headers, payload });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json().id as string;
    };
    const plan = await post(c, '/action-plan/plans', { title: `Plan ${lang}`, actType: 'cabinet_decision', actDate: `${Y - 1}-02-06`, startYear: Y - 1, endYear: Y + 1, status: 'adopted' });
    await post(c, `/action-plan/plans/${plan}/goals`, { number: '1', title: 'Prevention' });
    const measure = await post(c, `/action-plan/plans/${plan}/measures`, { number: '1.1', text: 'Campaigns', responsibleAgencyId: ministry.id, deadline: { kind: 'period', fromYear: Y - 1, toYear: Y }, indicators: [{ definition: 'Schools', unit: 'percentage', baseline: 5, target: 60 }, { definition: 'Women identified', unit: 'count', statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { status: 'identified', sex: 'female', ageGroup: 'adult' } }] });
    await post(c, `/action-plan/plans/${plan}/measures`, { number: '1.2', text: 'Hotline', responsibleAgencyId: ministry.id, deadline: { kind: 'continuous' } });
    await post(c, `/action-plan/plans/${plan}/measures`, { number: '1.3', text: 'Law', responsibleAgencyId: ministry.id, deadline: { kind: 'date', on: `${Y - 1}-06-30` } });
    const report = await post(f, '/action-plan/reports', { measureId: measure, period: Y - 1, progress: 'in_progress', narrative: 'Under way', indicatorValues: [] });
    const meeting = await post(c, '/action-plan/meetings', { heldOn: `${Y - 1}-03-01`, title: 'Working group', quorumMet: true, agencies: [{ agencyId: ministry.id, attended: true }], actionItems: [{ number: '1', decision: 'Send figures', agencyId: ministry.id, dueOn: `${Y - 1}-04-01` }] });

    const page = await web.newPage();
    await page.goto('/login');
    await page.evaluate((l) => localStorage.setItem('pathway.language', l), lang);
    for (const [who, paths] of [
      [coordinator, ['/action-plan', `/action-plan/plans/${plan}`, `/action-plan/measures/${measure}`, `/action-plan/reports/${report}`, '/action-plan/reviews', '/action-plan/meetings', `/action-plan/meetings/${meeting}`]],
      [focal, ['/action-plan/mine', `/action-plan/measures/${measure}`]],
    ] as const) {
      await page.context().clearCookies();
      await page.goto('/login');
      await page.locator('input[type=email], input[autocomplete=username]').first().fill(who.email);
      await page.locator('input[type=password]').first().fill(PASSWORD);
      await page.locator('form button[type=submit]').first().click();
      await page.getByRole('navigation').first().waitFor();
      for (const path of paths) {
        await page.goto(path);
        await page.locator('h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(300);
        await screenshot(page, `action-plan-${lang}-${path.replace(/[^a-z]+/gi, '-')}`);
      }
    }
    await page.context().close();
  });
});
