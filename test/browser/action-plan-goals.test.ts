import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import texts from '../../src/web/i18n/modules/action-plan/en.json' with { type: 'json' };
import common from '../../src/web/i18n/en.json' with { type: 'json' };
import { makeAgency, makeUser } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';

const g = texts.actionPlan.goals;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

describe("a plan's goals on screen", () => {
  it('the coordinator adds and changes goals; bad input and a number already used show at the field; a focal point only reads them', { timeout: 180_000 }, async () => {
    const office = (await makeAgency(web.db, { type: 'coordinator' })).id;
    const coordinator = await makeUser(web.db, { roles: ['coordinator'], agencyId: office });
    const ministry = (await makeAgency(web.db, { type: 'government' })).id;
    const focal = await makeUser(web.db, { roles: ['plan_focal_point'], agencyId: ministry });
    const plan = await web.db.insertInto('actionPlans').values({ title: 'National Action Plan 2025–2027', actType: 'presidential_order', startYear: 2025, endYear: 2027, status: 'adopted' }).returning('id').executeTakeFirstOrThrow();

    const page = await web.newPage();
    await signInInEnglish(page, coordinator.email);
    await page.goto(`/action-plan/plans/${plan.id}`);
    await page.getByText(g.none).waitFor();
    const add = page.getByRole('form', { name: g.add });
    // Nothing typed: both fields say so, nothing is written.
    await add.getByRole('button', { name: g.add }).click();
    await expect.poll(() => add.getByRole('textbox', { name: texts.actionPlan.fields.number }).getAttribute('aria-invalid')).toBe('true');
    expect(await add.getByRole('textbox', { name: g.goalTitle }).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'action-plan-goals-errors');
    expect(await web.db.selectFrom('actionPlanGoals').select('id').where('planId', '=', plan.id).execute()).toEqual([]);

    for (const [number, title] of [['1', 'Prevention'], ['2', 'Protection of victims']] as const) {
      await add.getByRole('textbox', { name: texts.actionPlan.fields.number }).fill(number);
      await add.getByRole('textbox', { name: g.goalTitle }).fill(title);
      await add.getByRole('button', { name: g.add }).click();
      await page.getByTestId('goals').getByText(`${number}. ${title}`).waitFor();
    }
    // A number the plan already has: the server's refusal shows at the number field.
    await add.getByRole('textbox', { name: texts.actionPlan.fields.number }).fill('1');
    await add.getByRole('textbox', { name: g.goalTitle }).fill('Prosecution');
    await add.getByRole('button', { name: g.add }).click();
    await add.getByText(common.validation.taken).waitFor();
    expect(await add.getByRole('textbox', { name: texts.actionPlan.fields.number }).getAttribute('aria-invalid')).toBe('true');

    // Change goal 2.
    await page.getByRole('button', { name: g.editGoal.replace('{{number}}', '2') }).click();
    const edit = page.getByRole('form', { name: g.editGoal.replace('{{number}}', '2') });
    await edit.getByRole('textbox', { name: g.goalTitle }).fill('');
    await edit.getByRole('button', { name: g.save }).click();
    await expect.poll(() => edit.getByRole('textbox', { name: g.goalTitle }).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'action-plan-goal-edit');
    await edit.getByRole('textbox', { name: texts.actionPlan.fields.number }).fill('3');
    await edit.getByRole('textbox', { name: g.goalTitle }).fill('Protection and assistance');
    await edit.getByRole('button', { name: g.save }).click();
    await page.getByTestId('goals').getByText('3. Protection and assistance').waitFor();
    const goals = await web.db.selectFrom('actionPlanGoals').select(['number', 'title']).where('planId', '=', plan.id).orderBy('number').execute();
    expect(goals).toEqual([{ number: '1', title: 'Prevention' }, { number: '3', title: 'Protection and assistance' }]);
    expect((await web.db.selectFrom('auditLog').select('action').where('action', 'in', ['action_plan.goal_created', 'action_plan.goal_changed']).execute()).map((r) => r.action).sort()).toEqual(['action_plan.goal_changed', 'action_plan.goal_created', 'action_plan.goal_created']);

    // A ministry's focal point sees the goals, with no form.
    await page.context().clearCookies();
    await signInInEnglish(page, focal.email);
    await page.goto(`/action-plan/plans/${plan.id}`);
    await page.getByTestId('goals').getByText('1. Prevention').waitFor();
    expect(await page.getByRole('form', { name: g.add }).count()).toBe(0);
    expect(await page.getByRole('button', { name: g.edit }).count()).toBe(0);
    await screenshot(page, 'action-plan-goals-read');
  });
});
