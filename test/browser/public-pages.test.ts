import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { translations, type Tree } from '../../src/web/i18n/resources.ts';
import { LANGUAGES, type Language } from '../../src/shared/languages.ts';
import { startWebApp, type WebApp } from '../helpers/browser.ts';
import { publishedIncident } from '../helpers/fixtures-web.ts';
import { checkScreen } from '../helpers/screen-checks.ts';

/** A text of the web app in one language, by its key. */
function text(lang: Language, key: string): string {
  let at: string | Tree | undefined = translations[lang];
  for (const part of key.split('.')) at = typeof at === 'object' ? at[part] : undefined;
  if (typeof at !== 'string') throw new Error(`no text ${key} in ${lang}`);
  return at;
}

const PHONE = { width: 360, height: 740 };

let web: WebApp;
let incident: { id: string; title: string };

beforeAll(async () => {
  web = await startWebApp();
  incident = await publishedIncident(web);
});
afterAll(async () => {
  await web?.close();
});

/** A 360 x 740 phone in the given language. */
async function phone(lang: Language): Promise<Page> {
  const context = await web.browser.newContext({ viewport: PHONE, baseURL: web.baseUrl });
  await context.addInitScript((l) => localStorage.setItem('pathway.language', l), lang);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

/** Nothing wider than the screen: the page cannot be scrolled sideways. */
async function expectNoSidewaysScroll(page: Page, name: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => {
    const el = document.scrollingElement!;
    return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth };
  });
  expect(scrollWidth, `${name} scrolls sideways`).toBeLessThanOrEqual(clientWidth);
}

/**
 * The skip link is the first stop of the Tab key (the first focusable element in the page's order;
 * the sign-in page puts the focus in its e-mail field itself), shows when focused, and Enter on it
 * moves the focus to the screen's <main>.
 */
async function expectSkipLink(page: Page, lang: Language): Promise<void> {
  const first = await page.evaluate(() => {
    const focusable = [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, [tabindex]')].filter(
      (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.closest('[aria-hidden="true"]') === null,
    );
    return { text: focusable[0]?.textContent, cls: focusable[0]?.className };
  });
  expect(first).toEqual({ text: text(lang, 'a11y.skipToContent'), cls: 'skip-link' });
  const skip = page.locator('a.skip-link');
  await skip.focus();
  const box = await skip.boundingBox();
  expect(box!.y, 'the focused skip link is on screen').toBeGreaterThanOrEqual(0);
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('main-content');
}

describe('the public pages on a 360 px phone', () => {
  for (const lang of LANGUAGES) {
    it(`report, follow-up, press list, press incident and sign-in fit the screen in ${lang}, with the quick exit whole`, async () => {
      const page = await phone(lang);
      const screens = [
        { path: '/public/report', title: `${text(lang, 'hotlinePublic.report.title')} — Pathway`, ready: () => page.getByRole('textbox', { name: text(lang, 'hotlinePublic.report.description') }), quickExit: true },
        { path: '/public/report/follow-up', title: `${text(lang, 'hotlinePublic.followUp.title')} — Pathway`, ready: () => page.getByRole('textbox', { name: text(lang, 'hotlinePublic.followUp.code') }), quickExit: true },
        { path: '/public/press', title: text(lang, 'pressPublic.brand'), ready: () => page.getByRole('link', { name: incident.title }), quickExit: false },
        { path: `/public/press/${incident.id}`, title: `${incident.title} — ${text(lang, 'pressPublic.brand')}`, ready: () => page.getByRole('heading', { name: incident.title, level: 1 }), quickExit: false },
        { path: '/login', title: `${text(lang, 'signIn.title')} — Pathway`, ready: () => page.getByRole('textbox', { name: text(lang, 'field.email'), exact: true }), quickExit: false },
      ];
      for (const s of screens) {
        const name = `${s.path} (${lang}, 360 px)`;
        await page.goto(s.path);
        await s.ready().first().waitFor();
        // The report pages arrive prerendered: check the page the app made of them.
        await page.locator('#root:not([data-prerendered])').waitFor({ state: 'attached' });
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
        await expect.poll(() => page.title(), { message: `title of ${name}` }).toBe(s.title);
        await expectNoSidewaysScroll(page, name);
        if (s.quickExit) {
          const box = await page.getByTestId('quick-exit').boundingBox();
          expect(box, `${name}: quick exit`).not.toBeNull();
          expect(box!.x).toBeGreaterThanOrEqual(0);
          expect(box!.y).toBeGreaterThanOrEqual(0);
          expect(box!.x + box!.width, `${name}: quick exit's right edge`).toBeLessThanOrEqual(PHONE.width);
          expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);
        }
        await checkScreen(page, name);
        await expectSkipLink(page, lang);
      }
      await page.context().close();
    });
  }
});

describe('the public pages in the browser\'s language', () => {
  it('the press tracker and the statistics start in a Russian or English browser\'s language, the staff sign-in in Azerbaijani', async () => {
    for (const [locale, lang] of [['ru-RU', 'ru'], ['en-GB', 'en']] as const) {
      const context = await web.browser.newContext({ viewport: PHONE, baseURL: web.baseUrl, locale });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      for (const path of ['/public/press', '/public/statistics']) {
        await page.goto(path);
        await expect.poll(() => page.evaluate(() => document.documentElement.lang), { message: `${path} in a ${locale} browser` }).toBe(lang);
      }
      await page.goto('/public/press');
      await expect.poll(() => page.title()).toBe(text(lang, 'pressPublic.brand'));
      await checkScreen(page, `/public/press (${locale} browser)`);
      // The staff app does not follow the browser: an account's language applies once signed in.
      await page.goto('/login');
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('az');
      await context.close();
    }
  });
});
