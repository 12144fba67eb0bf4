import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import hp from '../../src/web/i18n/modules/hotline-public/en.json' with { type: 'json' };
import hpRu from '../../src/web/i18n/modules/hotline-public/ru.json' with { type: 'json' };
import hpAz from '../../src/web/i18n/modules/hotline-public/az.json' with { type: 'json' };
import { followUpCodeHash } from '../../src/server/modules/public-reports/codes.ts';
import { makeUser } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp, signInInEnglish } from '../helpers/browser.ts';

const T = hp.hotlinePublic;
const NEUTRAL = 'https://weather.com/';
let web: WebApp;
let agency: string;

beforeAll(async () => {
  agency = crypto.randomUUID();
  web = await startWebApp({ hotlineAgencyId: agency });
  await web.db.insertInto('agencies').values({ id: agency, name: 'Hotline 152', type: 'government' }).execute();
});
afterAll(async () => {
  await web?.close();
});

/** A public page in English whose quick exit lands on a local stand-in for the neutral site (never the internet). */
async function publicPage(path: string): Promise<Page> {
  const page = await web.newPage();
  await page.route(`${NEUTRAL}**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Weather</title><h1>Weather in Baku</h1>' }));
  await page.goto(path);
  await page.evaluate(() => localStorage.setItem('pathway.language', 'en'));
  await page.reload();
  // The page arrives prerendered; its controls work once the app has taken it over.
  await page.locator('#root:not([data-prerendered])').waitFor({ state: 'attached' });
  return page;
}


describe('public reports', () => {
  it('a member of the public reports, gets a code once, an operator answers in the conversation, the reporter reads it and adds more', async () => {
    // The reporter files a report anonymously.
    const reporter = await publicPage('/public/report');
    await reporter.getByRole('heading', { name: T.report.title, level: 1 }).waitFor();
    await reporter.getByRole('textbox', { name: T.report.description }).fill('Two teenagers work at a car wash on Heydar Aliyev avenue every night and never go to school.');
    await reporter.getByRole('textbox', { name: T.report.location }).fill('Baku, Khatai district');
    await screenshot(reporter, 'public-report');
    await reporter.getByRole('button', { name: T.report.submit }).click();
    await reporter.getByRole('heading', { name: T.report.received, level: 1 }).waitFor();
    const code = ((await reporter.getByTestId('follow-up-code').textContent()) ?? '').trim();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    await screenshot(reporter, 'public-report-code');
    // Shown once: a reload brings the empty form back, not the code.
    await reporter.reload();
    await reporter.getByRole('heading', { name: T.report.title, level: 1 }).waitFor();
    expect(await reporter.content()).not.toContain(code);

    // An operator of the hotline opens the contact and answers through the conversation panel.
    const contact = await web.db.selectFrom('contactFollowUpCodes').select('contactId').where('codeHash', '=', followUpCodeHash(code)).executeTakeFirstOrThrow();
    const opUser = await makeUser(web.db, { roles: ['operator'], agencyId: agency });
    const operator = await web.newPage();
    await signInInEnglish(operator, opUser.email);
    await operator.goto(`/hotline/contacts/${contact.contactId}`);
    await operator.getByRole('heading', { name: `${T.contact.title} · ${T.channel.web_form}`, level: 1 }).waitFor();
    expect(await operator.getByTestId('contact-status').textContent()).toBe(T.status.new);
    const inbound = operator.getByTestId('message').filter({ hasText: 'car wash' });
    await inbound.waitFor();
    expect(await inbound.getAttribute('data-direction')).toBe('in');
    await inbound.getByText('Where: Baku, Khatai district').waitFor();
    await operator.getByRole('textbox', { name: T.conversation.replyLabel }).fill('Thank you. Do you know the name of the car wash?');
    await operator.getByRole('button', { name: T.conversation.send }).click();
    const out = operator.getByTestId('message').filter({ hasText: 'name of the car wash' });
    await out.waitFor();
    expect(await out.getAttribute('data-direction')).toBe('out');
    await expect.poll(() => out.getByTestId('delivery').textContent()).toBe(T.conversation.delivery.sent);
    expect(await operator.getByRole('textbox', { name: T.conversation.replyLabel }).inputValue()).toBe('');
    await screenshot(operator, 'hotline-contact');

    // The reporter comes back with the code (typed in lower case), reads the answer and adds more.
    await reporter.getByRole('link', { name: T.report.followUpInstead }).click();
    await reporter.getByRole('heading', { name: T.followUp.title, level: 1 }).waitFor();
    expect(new URL(reporter.url()).pathname).toBe('/public/report/follow-up');
    await reporter.getByRole('textbox', { name: T.followUp.code }).fill('AAAA-BBBB-CCCC-DDDD-EEEE');
    await reporter.getByRole('button', { name: T.followUp.open }).click();
    await reporter.getByRole('alert').getByText(T.followUp.wrongCode).waitFor();
    await reporter.getByRole('textbox', { name: T.followUp.code }).fill(code.toLowerCase());
    await reporter.getByRole('button', { name: T.followUp.open }).click();
    const answer = reporter.getByTestId('follow-up-message').filter({ hasText: 'Thank you. Do you know the name of the car wash?' });
    await answer.waitFor();
    expect(await answer.getAttribute('data-direction')).toBe('out');
    expect(reporter.url()).not.toContain(code);
    await reporter.getByRole('textbox', { name: T.followUp.addLabel }).fill('It is called "Shine", next to the metro.');
    await reporter.getByRole('button', { name: T.followUp.add }).click();
    await reporter.getByText(T.followUp.added).waitFor();
    await reporter.getByTestId('follow-up-message').filter({ hasText: 'next to the metro' }).waitFor();
    await screenshot(reporter, 'public-follow-up');

    // The operator sees the addition in the same conversation, live, without reloading.
    await operator.getByTestId('message').filter({ hasText: 'next to the metro' }).waitFor();
    expect(await operator.getByTestId('message').count()).toBe(3);

    // Escape leaves at once for the neutral site.
    await reporter.keyboard.press('Escape');
    await reporter.waitForURL(NEUTRAL);
    await reporter.getByRole('heading', { name: 'Weather in Baku' }).waitFor();
  });

  it('the quick-exit button replaces the page, so Back does not return to it', async () => {
    const page = await publicPage('/public/report/follow-up');
    // The page speaks az, ru and en.
    await page.getByText('RU', { exact: true }).click();
    await page.getByRole('heading', { name: hpRu.hotlinePublic.followUp.title, level: 1 }).waitFor();
    await page.getByText('AZ', { exact: true }).click();
    await page.getByRole('heading', { name: hpAz.hotlinePublic.followUp.title, level: 1 }).waitFor();
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('textbox', { name: T.followUp.code }).fill('SECR-ETCO-DE00-0000-0000');
    await page.getByRole('button', { name: T.quickExit.button }).click();
    await page.waitForURL(NEUTRAL);
    // The page before the report page was the browser's blank start page: Back goes there, not to the report.
    await page.goBack().catch(() => null);
    expect(page.url()).not.toContain('/public/report');
  });
  it('moving between the report pages replaces history, so Back after a quick exit shows none of them', async () => {
    const page = await publicPage('/public/report');
    await page.getByRole('link', { name: T.report.followUpInstead }).click();
    await page.waitForURL(/\/public\/report\/follow-up$/);
    await page.getByRole('button', { name: T.quickExit.button }).click();
    await page.waitForURL(NEUTRAL);
    await page.goBack().catch(() => null);
    expect(page.url()).not.toContain('/public/report');
  });
  it('the honeypot is a field that neither people nor browser autofill fill', async () => {
    const page = await publicPage('/public/report');
    const trap = page.locator('input[data-honeypot]');
    await trap.waitFor({ state: 'attached' });
    expect(await trap.count()).toBe(1);
    const attrs = await trap.evaluate((el: HTMLInputElement) => ({ name: el.name, id: el.id, tabIndex: el.tabIndex, autocomplete: el.autocomplete, hidden: el.closest('[aria-hidden="true"]') !== null, left: el.getBoundingClientRect().right }));
    // Names autofill heuristics look for (website, url, name, e-mail, phone, address, company ...).
    const autofillWords = /web|site|url|name|mail|phone|tel|addr|street|city|zip|post|company|org|country/i;
    expect(attrs.name).not.toMatch(autofillWords);
    expect(attrs.id).not.toMatch(autofillWords);
    expect(attrs).toMatchObject({ tabIndex: -1, autocomplete: 'off', hidden: true });
    expect(attrs.left).toBeLessThan(0);
    expect(await page.locator('input[name="website"]').count()).toBe(0);
  });
});
