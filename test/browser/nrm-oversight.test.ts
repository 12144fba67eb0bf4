import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nrmEn from '../../src/web/i18n/modules/nrm/en.json' with { type: 'json' };
import oversightEn from '../../src/web/i18n/modules/nrm-oversight/en.json' with { type: 'json' };
import { makeAgency, makeUser, signIn } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';

const o = oversightEn.nrmOversight;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

describe('reassigning overdue work', () => {
  it('a supervisor opens the overdue list, reassigns an overdue task, and the new assignee sees it in their tasks', async () => {
    const ngo = (await makeAgency(web.db, { type: 'ngo' })).id;
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: ngo });
    const colleague = await makeUser(web.db, { roles: ['case_worker'], agencyId: ngo });
    const supervisor = await makeUser(web.db, { roles: ['supervisor'], agencyId: ngo });
    await web.db.updateTable('users').set({ name: 'Rəna Quliyeva' }).where('id', '=', colleague.id).execute();
    // The case worker's task is two hours late.
    const s = await signIn(web.app, worker.email);
    const c = (await web.app.inject({ method: 'POST', url: '/api/v1/cases', headers: s.headers, payload: {} })).json();
    const due = new Date(Date.now() - 2 * 3600_000).toISOString();
    expect((await web.app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/tasks`, headers: s.headers, payload: { title: 'Book an interpreter', dueAt: due } })).statusCode).toBe(201);

    const page = await web.newPage();
    await signInInEnglish(page, supervisor.email);
    await page.getByRole('link', { name: nrmEn.nrm.nav.overdue }).click();
    const row = page.getByTestId('overdue-row').filter({ hasText: c.caseNumber }).filter({ hasText: nrmEn.nrm.overdueView.kind.task });
    await row.getByRole('button', { name: o.reassign.task }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(o.reassign.title.task).waitFor();
    await dialog.getByRole('textbox', { name: o.reassign.to, exact: true }).or(dialog.getByRole('combobox', { name: o.reassign.to, exact: true })).first().click();
    await page.getByRole('option', { name: 'Rəna Quliyeva' }).click();
    await dialog.getByRole('textbox', { name: o.reassign.reason }).fill('Covering while on leave');
    await dialog.getByRole('button', { name: o.reassign.save }).click();
    await page.getByText(o.reassign.done).waitFor();
    await screenshot(page, 'oversight-reassigned');

    const theirs = await web.newPage();
    await signInInEnglish(theirs, colleague.email);
    await theirs.getByRole('link', { name: o.myTasks.nav }).click();
    const task = theirs.getByTestId('my-task').filter({ hasText: 'Book an interpreter' });
    await task.waitFor();
    expect(await task.textContent()).toContain(c.caseNumber);
    await theirs.getByTestId('my-reminder').filter({ hasText: o.reminderKind.task_assigned }).filter({ hasText: c.caseNumber }).waitFor();
    await screenshot(theirs, 'oversight-my-tasks');
  });
});
