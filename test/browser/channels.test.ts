import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import channelsEn from '../../src/web/i18n/modules/channels/en.json' with { type: 'json' };
import hotlineEn from '../../src/web/i18n/modules/hotline-console/en.json' with { type: 'json' };
import { DEMO_PASSWORD, demoEmail, seedDemo } from '../../src/server/demo/seed.ts';
import { makeAgency, makeUser } from '../helpers/app.ts';
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';

const c = channelsEn.channels;
const h = hotlineEn.hotlineConsole;

describe('Administration -> Channels', () => {
  let web: WebApp;
  beforeAll(async () => {
    // No hotline variable at all: everything is set on the screen.
    web = await startWebApp();
  });
  afterAll(async () => {
    await web?.close();
  });

  it("an administrator chooses the hotline's agency, generates the Telegram secret and sends a test contact that an operator sees arrive", async () => {
    const hotline = await makeAgency(web.db, { name: 'Hotline 152', type: 'government' });
    const admin = await makeUser(web.db, { roles: ['administrator'] });
    const opUser = await makeUser(web.db, { roles: ['operator'], agencyId: hotline.id });

    // The operator's console is open and empty.
    const op = await web.newPage();
    await signInInEnglish(op, opUser.email);
    await op.goto('/hotline/console');
    await op.getByRole('heading', { name: h.title, level: 1 }).waitFor();
    await op.getByText(h.queue.empty).waitFor();

    const page = await web.newPage();
    await signInInEnglish(page, admin.email);
    await page.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: c.nav }).click();
    await page.getByRole('heading', { name: c.title, level: 1 }).waitFor();
    // No PATHWAY_PUBLIC_URL: the addresses come from this page's, with a warning.
    await page.getByTestId('public-url-warning').waitFor();
    await page.getByTestId('agency-missing').waitFor();
    expect(await page.getByTestId('channel-row-web_form').getAttribute('data-configured')).toBe('false');
    await expect.poll(() => page.getByTestId('channel-row-telegram').textContent()).toContain(`${web.baseUrl}/api/v1/telephony/telegram`);

    // Choose the agency.
    await page.getByRole('combobox', { name: c.agency.label, exact: true }).or(page.getByRole('textbox', { name: c.agency.label, exact: true })).first().click();
    await page.getByRole('option', { name: 'Hotline 152' }).click();
    await page.getByTestId('channels-agency-save').click();
    await page.locator('[data-testid="channel-row-web_form"][data-configured="true"]').waitFor();
    await expect.poll(async () => (await page.getByTestId('agency-missing').count())).toBe(0);

    // Generate the Telegram secret: shown once, and Telegram's webhook takes it.
    await page.getByTestId('generate-telegramSecret').click();
    const shown = page.getByTestId('shown-secret');
    await shown.waitFor();
    const secret = (await shown.textContent())!.trim();
    expect(secret).toMatch(/^[\w-]{43}$/);
    await page.locator('[data-testid="channel-row-telegram"][data-configured="true"]').waitFor();
    await screenshot(page, 'channels');
    const tg = await fetch(`${web.baseUrl}/api/v1/telephony/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify({ update_id: 1, message: { message_id: 1, date: 1, chat: { id: 5, type: 'private' }, from: { id: 5 }, text: 'hello' } }),
    });
    expect(tg.status).toBe(200);
    // After a reload the secret is only "set", never shown again.
    await page.reload();
    await page.getByTestId('telegram-secret-state').getByText(c.secret.isSet).waitFor();
    expect(await page.getByTestId('shown-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    // Send a test contact: it arrives in the operator's open console, live.
    await page.getByTestId('send-test-contact').click();
    await page.getByTestId('test-contact-sent').waitFor();
    const test = await web.db.selectFrom('contacts').select('id').where('isTest', '=', true).executeTakeFirstOrThrow();
    const arrived = op.locator(`[data-testid="queue-item"][data-contact-id="${test.id}"]`);
    await arrived.waitFor({ timeout: 5000 });
    await arrived.getByTestId('test-badge').getByText(c.testBadge).waitFor();
    // The Telegram message from before is there too.
    expect(await op.getByTestId('queue-item').count()).toBe(2);
  });
});

describe('demo mode', () => {
  let web: WebApp;
  beforeAll(async () => {
    web = await startWebApp({ demo: true });
    await seedDemo(web.db);
  });
  afterAll(async () => {
    await web?.close();
  });

  it('the demo operator simulates an incoming call and an SMS and sees the queue move', async () => {
    const op = await web.newPage();
    await signInInEnglish(op, demoEmail('operator'), DEMO_PASSWORD);
    await op.goto('/hotline/console');
    await op.getByRole('heading', { name: h.title, level: 1 }).waitFor();
    // The demo's story already has contacts waiting (an SMS, a Telegram message): the queue grows by one per simulation.
    await op.getByTestId('queue-item').first().waitFor();
    const before = await op.getByTestId('queue-item').count();
    const waiting = Number(await op.getByTestId('waiting-count').textContent());
    await op.getByRole('button', { name: c.simulate.call }).click();
    await expect.poll(() => op.getByTestId('queue-item').count()).toBe(before + 1);
    await op.getByRole('button', { name: c.simulate.sms }).click();
    await expect.poll(() => op.getByTestId('queue-item').count()).toBe(before + 2);
    await expect.poll(async () => Number(await op.getByTestId('waiting-count').textContent())).toBe(waiting + 2);
  });
});
