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

  it('a supervisor of the receiving agency hands an overdue incoming referral to a colleague, who is reminded and shown as its handler', async () => {
    const ngo = (await makeAgency(web.db, { type: 'ngo' })).id;
    const shelter = (await makeAgency(web.db, { type: 'shelter', name: 'Shelter Gəncə' })).id;
    const worker = await makeUser(web.db, { roles: ['case_worker'], agencyId: ngo });
    const supervisor = await makeUser(web.db, { roles: ['supervisor'], agencyId: shelter });
    const colleague = await makeUser(web.db, { roles: ['case_worker'], agencyId: shelter });
    await web.db.updateTable('users').set({ name: 'Fərid Əliyev' }).where('id', '=', colleague.id).execute();
    // A referral to the shelter, unanswered past its answer time.
    const s = await signIn(web.app, worker.email);
    const call = (url: string, payload: object) => web.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: s.headers, payload });
    const c = (await call('/cases', { exploitationForms: ['forced_labour'] })).json();
    const personId = (await call(`/cases/${c.id}/people`, { role: 'victim', person: { name: { givenName: 'Sevda', familyName: 'Nəbiyeva' }, birthYear: 1995 } })).json().personId;
    await call(`/cases/${c.id}/consents`, { personId, kind: 'data_sharing', agencyId: shelter, purpose: 'services', givenOn: '2026-01-05', form: 'written' });
    const r = (await call(`/cases/${c.id}/referrals`, { toAgencyId: shelter, purpose: 'services', serviceType: 'shelter', sections: ['summary'] })).json();
    await web.db.updateTable('referrals').set({ answerDueAt: new Date(Date.now() - 3600_000) }).where('id', '=', r.id).execute();

    const page = await web.newPage();
    await signInInEnglish(page, supervisor.email);
    await page.getByRole('link', { name: nrmEn.nrm.nav.overdue }).click();
    const row = page.getByTestId('overdue-row').filter({ hasText: c.caseNumber }).filter({ hasText: nrmEn.nrm.overdueView.kind.referral });
    await row.getByRole('button', { name: o.reassign.handler }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(o.reassign.title.referral_handler).waitFor();
    await dialog.getByRole('textbox', { name: o.reassign.to, exact: true }).or(dialog.getByRole('combobox', { name: o.reassign.to, exact: true })).first().click();
    await page.getByRole('option', { name: 'Fərid Əliyev' }).click();
    await dialog.getByRole('button', { name: o.reassign.save }).click();
    await page.getByText(o.reassign.done).waitFor();

    // The referrals page shows who handles it.
    await page.getByRole('link', { name: nrmEn.nrm.nav.referrals }).click();
    await page.getByTestId('referral-handler').filter({ hasText: 'Fərid Əliyev' }).waitFor();

    const theirs = await web.newPage();
    await signInInEnglish(theirs, colleague.email);
    await theirs.getByRole('link', { name: o.myTasks.nav }).click();
    await theirs.getByTestId('my-reminder').filter({ hasText: o.reminderKind.referral_assigned }).filter({ hasText: c.caseNumber }).waitFor();
  });
});
