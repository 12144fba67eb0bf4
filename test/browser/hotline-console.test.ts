import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import hotlineEn from '../../src/web/i18n/modules/hotline-console/en.json' with { type: 'json' };
import { deriveKeys } from '../../src/server/crypto/keys.ts';
import { openField } from '../../src/server/crypto/record-keys.ts';
import { contactorFingerprint } from '../../src/server/modules/contacts/contactor.ts';
import { makeAgency, makeUser, TEST_SECRET_KEY } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp, signInInEnglish } from '../helpers/browser.ts';

const h = hotlineEn.hotlineConsole;
const SECRET = 'browser-webhook-secret-0123456789';
const PHONE = '+994 50 111 22 33';
let web: WebApp;
let hotline: string;
let policeAgency: string;

beforeAll(async () => {
  hotline = crypto.randomUUID();
  web = await startWebApp({ webhookSecret: SECRET, hotlineAgencyId: hotline });
  await web.db.insertInto('agencies').values({ id: hotline, name: 'Hotline 152', type: 'government', region: 'Baku' }).execute();
  policeAgency = (await makeAgency(web.db, { type: 'police', name: 'Ganja police' })).id;
  await web.db.updateTable('agencies').set({ region: 'Ganja' }).where('id', '=', policeAgency).execute();
});
afterAll(async () => {
  await web?.close();
});


/** A PBX posts a call through the generic signed JSON webhook, signed as the docs say. */
async function webhookCall(id: string) {
  const body = JSON.stringify({ id, type: 'call', channel: 'call', from: PHONE, language: 'az' });
  const t = Math.floor(Date.now() / 1000);
  const sig = crypto.createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
  const res = await fetch(`${web.baseUrl}/api/v1/telephony/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-pathway-signature': `t=${t},v1=${sig}` }, body });
  expect(res.status).toBeLessThan(300);
  return ((await res.json()) as { contactId: string }).contactId;
}

describe('hotline console', () => {
  it('an operator receives a webhook contact live, accepts, fills and screens it, escalates; a supervisor sees it live and acknowledges', async () => {
    const opUser = await makeUser(web.db, { roles: ['operator'], agencyId: hotline });
    const supUser = await makeUser(web.db, { roles: ['supervisor'], agencyId: hotline });
    // The same number called last week and was given information.
    const lastWeek = new Date(Date.now() - 7 * 86400_000);
    await web.db
      .insertInto('contacts')
      .values({
        channel: 'call', status: 'completed', ownerAgencyId: hotline, contactType: 'information_request', outcomes: ['information_given'],
        ...contactorFingerprint(deriveKeys(TEST_SECRET_KEY), { kind: 'phone', value: PHONE }), receivedAt: lastWeek, createdAt: lastWeek, updatedAt: lastWeek,
      })
      .execute();

    const op = await web.newPage();
    await signInInEnglish(op, opUser.email);
    await op.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: h.nav.console }).click();
    await op.getByRole('heading', { name: h.title, level: 1 }).waitFor();
    await op.getByTestId('operator-state').getByText(h.state.available, { exact: true }).click();
    await op.getByTestId('operator-state-badge').and(op.locator('[data-state="available"]')).waitFor();

    const sup = await web.newPage();
    await signInInEnglish(sup, supUser.email);
    await sup.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: h.nav.supervisor }).click();
    await sup.getByRole('heading', { name: h.supervisor.title, level: 1 }).waitFor();
    await sup.locator(`[data-testid="sup-operator"][data-user-id="${opUser.id}"][data-state="available"]`).waitFor();

    // The call arrives: it shows in the open console without a reload.
    const before = await op.evaluate(() => performance.timeOrigin);
    const contactId = await webhookCall(`pbx-${crypto.randomUUID()}`);
    const item = op.locator(`[data-testid="queue-item"][data-contact-id="${contactId}"]`);
    await item.waitFor({ timeout: 3000 });
    expect(await op.evaluate(() => performance.timeOrigin)).toBe(before);
    await item.getByText(h.queue.repeat.replace('{{count}}', '1')).waitFor();
    await sup.locator(`[data-testid="sup-waiting"] [data-contact-id="${contactId}"]`).waitFor();

    await item.getByRole('button', { name: h.queue.accept }).click();
    const ws = op.getByTestId('contact-workspace');
    await ws.waitFor();
    await op.getByTestId('operator-state-badge').and(op.locator('[data-state="on_contact"]')).waitFor();
    await sup.locator(`[data-testid="sup-operator"][data-user-id="${opUser.id}"][data-state="on_contact"]`).waitFor();
    // The earlier contact and what came of it, at once.
    const history = op.getByTestId('contact-history');
    await history.getByText(h.history.title_one.replace('{{count}}', '1')).waitFor();
    await history.getByText(h.outcome.information_given).waitFor();
    await op.getByTestId('conversation-slot').waitFor({ state: 'attached' });
    const timer = await op.getByTestId('contact-timer').textContent();
    expect(timer).toMatch(/^\d+:\d\d$/);

    // The form, saved as a draft while typing; a reload loses nothing.
    const form = op.getByRole('form', { name: h.form.title });
    await form.getByLabel(h.field.contactorType).selectOption('victim');
    await form.getByLabel(h.field.contactType).selectOption('trafficking_report');
    await form.getByRole('textbox', { name: h.field.region }).fill('Ganja');
    await form.getByRole('textbox', { name: h.field.city }).fill('Ganja');
    await form.getByRole('button', { name: h.person.add }).click();
    await form.getByTestId('person-row').getByRole('textbox', { name: h.person.age }).fill('15');
    await form.getByRole('textbox', { name: h.field.summary }).fill('A girl of 15 works nights at a farm and is not allowed to leave');
    await op.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
    await op.reload();
    await op.getByRole('form', { name: h.form.title }).getByRole('textbox', { name: h.field.summary }).waitFor();
    expect(await op.getByRole('form', { name: h.form.title }).getByRole('textbox', { name: h.field.summary }).inputValue()).toBe('A girl of 15 works nights at a farm and is not allowed to leave');
    expect(await op.getByRole('form', { name: h.form.title }).getByRole('textbox', { name: h.person.age }).inputValue()).toBe('15');
    await op.getByTestId('submit-form').click();
    await op.getByTestId('form-submitted').waitFor();

    // Screening: a 15-year-old, labour: the child labour list; two dimensions make a presumed child victim.
    await op.getByTestId('open-screening').click();
    const panel = op.getByTestId('screening-panel');
    await panel.getByLabel(h.screening.person, { exact: true }).selectOption('0');
    await panel.locator('[data-testid="screening-list"][data-list="child_labour"]').waitFor();
    for (const code of ['D1.NATURE_OF_JOB', 'D1.EDUCATION', 'D4.EXCESSIVE_HOURS', 'D4.HAZARDOUS']) await panel.locator(`input[data-code="${code}"]`).check();
    await panel.getByTestId('store-screening').click();
    const result = panel.getByTestId('screening-result');
    await result.and(op.locator('[data-presumed="true"]')).waitFor();
    await result.locator('[data-testid="result-D1"][data-positive="true"]').waitFor();
    await result.locator('[data-testid="result-D4"][data-positive="true"]').waitFor();
    await panel.getByTestId('referral-proposal').waitFor();
    // The sexual-exploitation lists are provisional, and the screen says so.
    await panel.getByText(h.exploitation.sexual, { exact: true }).click();
    await panel.getByTestId('provisional-warning').waitFor();
    await screenshot(op, 'hotline-console-screened');

    // The region's police have their alerts page open.
    const policeUser = await makeUser(web.db, { roles: ['investigator'], agencyId: policeAgency });
    const pol = await web.newPage();
    await signInInEnglish(pol, policeUser.email);
    await pol.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: h.nav.alerts }).click();
    await pol.getByRole('heading', { name: h.alerts.pageTitle, level: 1 }).waitFor();
    await pol.getByText(h.alerts.none).waitFor();

    // Immediate danger: one choice alerts the supervisor and the region's police, live.
    await op.getByTestId('escalate').click();
    await op.getByRole('menuitem', { name: h.escalate.reason.held_now }).click();
    await op.locator('[data-testid="contact-urgency"][data-urgency="immediate_danger"]').waitFor();
    const alert = sup.locator('[data-testid="escalation-alert"][data-acknowledged="false"]');
    await alert.getByText(h.escalate.reason.held_now).waitFor();
    await sup.getByTestId('today-escalationsOpen').getByText('1', { exact: true }).waitFor();
    await screenshot(sup, 'hotline-supervisor-alert');
    await pol.locator('[data-testid="escalation-alert"][data-acknowledged="false"]').getByText(h.escalate.reason.held_now).waitFor();
    await alert.getByRole('button', { name: h.alerts.acknowledge }).click();
    // The police see it acknowledged, with the time it took, without a reload.
    await pol.locator('[data-testid="escalation-alert"][data-acknowledged="true"]').getByTestId('escalation-acknowledged').waitFor();
    const acknowledged = sup.locator('[data-testid="escalation-alert"][data-acknowledged="true"]');
    await acknowledged.getByTestId('escalation-acknowledged').waitFor();
    expect(await acknowledged.getByTestId('escalation-acknowledged').textContent()).toMatch(/^Acknowledged by .+ after \d+:\d\d$/);
    const stored = await web.db.selectFrom('contactEscalations').select(['acknowledgedBy', 'acknowledgedAt']).where('contactId', '=', contactId).executeTakeFirstOrThrow();
    expect(stored.acknowledgedBy).toBe(supUser.id);
    // The supervisor hands the contact to another operator: both states follow, live.
    const op2User = await makeUser(web.db, { roles: ['operator'], agencyId: hotline });
    await sup.reload();
    const row = sup.locator(`[data-testid="sup-active"] [data-contact-id="${contactId}"]`);
    await row.getByLabel(h.supervisor.reassignTo).selectOption(op2User.id);
    await row.getByRole('button', { name: h.supervisor.reassign }).click();
    await sup.locator(`[data-testid="sup-operator"][data-user-id="${op2User.id}"][data-state="on_contact"]`).waitFor();
    await sup.locator(`[data-testid="sup-operator"][data-user-id="${opUser.id}"][data-state="available"]`).waitFor();
    await op.getByTestId('operator-state-badge').and(op.locator('[data-state="available"]')).waitFor();
    expect((await web.db.selectFrom('contacts').select('assignedUserId').where('id', '=', contactId).executeTakeFirstOrThrow()).assignedUserId).toBe(op2User.id);

    // The first operator's workspace shows the time to acknowledgement once it reloads the contact.
    await op.reload();
    await op.getByTestId('contact-escalation').getByText(/acknowledged after \d+:\d\d/).waitFor();
  });

  it('an operator enters a walk-in, resolves a draft saved in another tab, and closes it with outcomes', async () => {
    const opUser = await makeUser(web.db, { roles: ['operator'], agencyId: hotline });
    const op = await web.newPage();
    await signInInEnglish(op, opUser.email);
    await op.goto('/hotline/console');
    await op.getByRole('button', { name: h.enter.open }).click();
    const dialog = op.getByRole('dialog');
    await dialog.getByLabel(h.field.channel).selectOption('walk_in');
    await dialog.getByRole('button', { name: h.enter.submit }).click();
    const ws = op.getByTestId('contact-workspace');
    await ws.waitFor();
    const contactId = await ws.getAttribute('data-contact-id');
    await op.getByTestId('operator-state-badge').and(op.locator('[data-state="on_contact"]')).waitFor();
    await op.getByTestId('contact-history').getByText(h.history.none).waitFor();

    // Another tab saves a draft meanwhile; this tab's next save is refused and the operator chooses.
    const form = op.getByRole('form', { name: h.form.title });
    await form.getByRole('textbox', { name: h.field.summary }).waitFor();
    const me = (await (await op.request.get('/api/v1/me')).json()) as { csrfToken: string };
    const other = await op.request.put(`/api/v1/contacts/${contactId}/draft`, {
      headers: { 'x-csrf-token': me.csrfToken },
      data: { data: { contactorType: 'family_member', contactType: 'information_request', summary: 'Typed in the other tab' }, baseVersion: 0 },
    });
    expect(other.status()).toBe(200);
    await form.getByRole('textbox', { name: h.field.summary }).fill('Typed here');
    await op.getByTestId('draft-conflict').waitFor();
    await op.locator('[data-testid="save-state"][data-state="conflict"]').waitFor();
    await op.getByRole('button', { name: h.form.takeSaved }).click();
    await op.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
    expect(await form.getByRole('textbox', { name: h.field.summary }).inputValue()).toBe('Typed in the other tab');
    await op.getByTestId('submit-form').click();
    await op.getByTestId('form-submitted').waitFor();

    // The network goes away while typing, and the tab is closed: the text is taken up again and stored.
    const context = op.context();
    await context.setOffline(true);
    await form.getByRole('textbox', { name: h.field.summary }).fill('Typed while offline');
    await op.locator('[data-testid="save-state"][data-state="offline"]').waitFor();
    await op.close();
    await context.setOffline(false);
    const again = await context.newPage();
    await again.goto(`/hotline/console/${contactId}`);
    const form2 = again.getByRole('form', { name: h.form.title });
    await again.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
    expect(await form2.getByRole('textbox', { name: h.field.summary }).inputValue()).toBe('Typed while offline');
    // The draft is stored sealed to the contact and its operator (docs/nrm.md, "Identity at rest").
    const draft = await web.db.selectFrom('contactDrafts').select(['dataEnc', 'userId']).where('contactId', '=', contactId!).executeTakeFirstOrThrow();
    expect(JSON.parse(openField('contact_drafts', 'data', `${contactId!}/${draft.userId}`, draft.dataEnc)!)).toMatchObject({ summary: 'Typed while offline' });
    await again.getByTestId('submit-form').click();
    await again.getByTestId('form-submitted').waitFor();

    await again.getByTestId('close-contact').click();
    const close = again.getByRole('dialog');
    await close.getByLabel(h.outcome.information_given).check();
    await close.getByLabel(h.outcome.follow_up_task).check();
    await close.getByRole('textbox', { name: h.close.note }).fill('Call back tomorrow');
    await close.getByRole('button', { name: h.close.submit, exact: true }).click();
    await again.getByText(h.pickOne).waitFor();
    await again.getByTestId('operator-state-badge').and(again.locator('[data-state="available"]')).waitFor();
    const { summaryEnc, outcomeNoteEnc, ...row } = await web.db.selectFrom('contacts').select(['status', 'outcomes', 'outcomeNote', 'outcomeNoteEnc', 'channel', 'summary', 'summaryEnc']).where('id', '=', contactId!).executeTakeFirstOrThrow();
    // The summary and the outcome note are sealed at rest (their plain columns stay empty) and open with the contact's id.
    expect({ ...row, summary: openField('contacts', 'summary', contactId!, summaryEnc), outcomeNote: openField('contacts', 'outcome_note', contactId!, outcomeNoteEnc) }).toEqual({ status: 'completed', outcomes: ['information_given', 'follow_up_task'], outcomeNote: 'Call back tomorrow', channel: 'walk_in', summary: 'Typed while offline' });
    expect(row.summary).toBeNull();
    expect(row.outcomeNote).toBeNull();
  });
  it("keeps the browser copy of a form only for its user: another user's copy is dropped, and sign-out removes all", async () => {
    const opUser = await makeUser(web.db, { roles: ['operator'], agencyId: hotline });
    const op = await web.newPage();
    await signInInEnglish(op, opUser.email);
    await op.goto('/hotline/console');
    await op.getByRole('button', { name: h.enter.open }).click();
    const dialog = op.getByRole('dialog');
    await dialog.getByLabel(h.field.channel).selectOption('walk_in');
    await dialog.getByRole('button', { name: h.enter.submit }).click();
    const ws = op.getByTestId('contact-workspace');
    await ws.waitFor();
    const contactId = (await ws.getAttribute('data-contact-id'))!;
    const form = op.getByRole('form', { name: h.form.title });
    await form.getByRole('textbox', { name: h.field.summary }).waitFor();

    // A copy left by someone else in this browser is neither shown nor kept.
    const stranger = crypto.randomUUID();
    await op.evaluate(([id, userId]) => localStorage.setItem(`pathway.contactDraft.${id}`, JSON.stringify({ data: { summary: 'Typed by another user' }, baseVersion: 0, userId })), [contactId, stranger] as const);
    await op.reload();
    await form.getByRole('textbox', { name: h.field.summary }).waitFor();
    expect(await form.getByRole('textbox', { name: h.field.summary }).inputValue()).toBe('');
    expect(await op.evaluate((id) => localStorage.getItem(`pathway.contactDraft.${id}`), contactId)).toBeNull();

    // Typed while offline: kept in the browser with the user's id, until the user signs out.
    await op.context().setOffline(true);
    await form.getByRole('textbox', { name: h.field.summary }).fill('Victim lives at 12 Nizami street');
    await op.locator('[data-testid="save-state"][data-state="offline"]').waitFor();
    const kept = await op.evaluate((id) => localStorage.getItem(`pathway.contactDraft.${id}`), contactId);
    expect(JSON.parse(kept!)).toMatchObject({ userId: opUser.id, data: { summary: 'Victim lives at 12 Nizami street' } });
    await op.getByRole('button', { name: en.account.menu }).click();
    await op.getByRole('menuitem', { name: en.account.signOut, exact: true }).click();
    await op.getByRole('heading', { name: en.signIn.title }).waitFor();
    const left = await op.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('pathway.contactDraft.')));
    expect(left).toEqual([]);
    await op.context().setOffline(false);

    // A session that ends on the server (expired, revoked): the first 401 removes the copies too.
    // (Signed out while offline, the server never heard of it: the session cookie still works.)
    await op.goto('/hotline/console');
    await op.getByRole('navigation', { name: en.nav.main }).waitFor();
    await op.evaluate(([id, userId]) => localStorage.setItem(`pathway.contactDraft.${id}`, JSON.stringify({ data: { summary: 'Typed before the session ended' }, baseVersion: 0, userId })), [contactId, opUser.id] as const);
    await web.db.updateTable('sessions').set({ revokedAt: new Date() }).where('userId', '=', opUser.id).execute();
    await op.reload();
    await op.getByRole('heading', { name: en.signIn.title }).waitFor();
    expect(await op.evaluate((id) => localStorage.getItem(`pathway.contactDraft.${id}`), contactId)).toBeNull();
  });
});
