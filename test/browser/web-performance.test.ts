import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Response } from 'playwright-core';
import { startWebApp, type WebApp } from '../helpers/browser.ts';
import { recordWire } from '../helpers/wire.ts';
import type { BrowserContextOptions, Page } from 'playwright-core';
import az from '../../src/web/i18n/modules/hotline-public/az.json' with { type: 'json' };
import ru from '../../src/web/i18n/modules/hotline-public/ru.json' with { type: 'json' };
import en from '../../src/web/i18n/modules/hotline-public/en.json' with { type: 'json' };
import { checkScreen } from '../helpers/screen-checks.ts';
import { LANGUAGE_COOKIE } from '../../src/shared/languages.ts';

/**
 * The most JavaScript the public report pages may load, a phone on 3G: counted as `npm run bench:web`
 * counts it (test/helpers/wire.ts), the bytes on the wire with their headers, compressed as served.
 */
const BUDGET_BYTES = 150 * 1024;

let web: WebApp;

beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

describe('the web app over the wire', () => {
  // Each language brings its own texts' chunk: the budget holds for the page in each.
  for (const [path, locale] of ['/public/report', '/public/report/follow-up'].flatMap((p) => ['az-AZ', 'ru-RU', 'en-US'].map((l) => [p, l] as const))) {
    it(`${path} in ${locale.slice(0, 2)} loads at most 150 KB of JavaScript on the wire (compressed, headers included), all of it compressed and cached as immutable`, async () => {
      const page = await (await web.browser.newContext({ baseURL: web.baseUrl, viewport: { width: 1366, height: 768 }, locale })).newPage();
      const wire = await recordWire(page);
      const scripts: Response[] = [];
      page.on('response', (r) => {
        if (r.request().resourceType() === 'script') scripts.push(r);
      });
      const html = await page.goto(path);
      await page.locator('#main-content form').waitFor();
      await page.waitForLoadState('networkidle');

      expect(html!.headers()['cache-control']).toBe('no-cache');
      expect(scripts.length).toBeGreaterThan(1);
      const bodies = new Map<string, number>();
      for (const r of scripts) {
        const h = r.headers();
        expect(new URL(r.url()).pathname, r.url()).toMatch(/^\/assets\/[\w.-]+-[\w-]{8}\.js$/);
        const sizes = await r.request().sizes();
        // The build leaves files under 512 bytes uncompressed (nothing to gain); every other one comes as brotli.
        if (Number(h['content-length'] ?? sizes.responseBodySize) >= 512 || h['content-encoding']) expect(h['content-encoding'], r.url()).toBe('br');
        expect(h['cache-control'], r.url()).toBe('public, max-age=31536000, immutable');
        expect(h.vary, r.url()).toMatch(/accept-encoding/i);
        expect(sizes.responseBodySize, r.url()).toBeGreaterThan(0);
        bodies.set(r.url(), sizes.responseBodySize);
      }
      const js = wire.responses().filter((r) => r.type === 'Script');
      expect(js.map((r) => r.url).sort()).toEqual(scripts.map((r) => r.url()).sort());
      const bytes = js.reduce((sum, r) => sum + r.transferBytes, 0);
      // Each file's count holds its body as sent and its headers: more than the body alone.
      for (const r of js) expect(r.transferBytes, r.url).toBeGreaterThan(bodies.get(r.url)!);
      expect(bytes, `JavaScript of ${path}: ${bytes} bytes on the wire in ${scripts.length} files`).toBeLessThanOrEqual(BUDGET_BYTES);
      // None of the staff app: no charts, no session, no console, no query cache (the chunks of the
      // public pages are merged, so their names alone would not tell: their code is looked at too).
      expect(await page.locator('html').getAttribute('lang')).toBe(locale.slice(0, 2));
      const names = scripts.map((r) => new URL(r.url()).pathname).join(' ');
      expect(names).not.toMatch(/AppLayout|SignedIn|BarChart|ConsolePage|CasePage|FullApp/);
      for (const r of scripts) expect((await r.text()).includes('No QueryClient set'), r.url()).toBe(false);
      await page.context().close();
    });
  }

  for (const [path, label] of [['/public/report', az.hotlinePublic.report.description], ['/public/report/follow-up', az.hotlinePublic.followUp.code]] as const) {
    it(`${path} arrives with its form in the HTML: shown with no JavaScript at all, compressed, never cached stale`, async () => {
      const context = await web.browser.newContext({ baseURL: web.baseUrl, javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'az-AZ' });
      const page = await context.newPage();
      const html = await page.goto(path);
      expect(html!.headers()['cache-control']).toBe('no-cache');
      expect(html!.headers().vary).toBe('Accept-Encoding, Accept-Language, Cookie');
      expect(html!.headers()['content-encoding']).toBe('br');
      expect(html!.headers()['content-security-policy']).toContain("script-src 'self'");
      await page.getByRole('textbox', { name: label }).waitFor({ state: 'visible' });
      expect(await page.getByTestId('quick-exit').isVisible()).toBe(true);
      expect(await page.title()).toMatch(/ — Pathway$/);
      await context.close();
    });
  }

  it('keeps what the reporter typed into the prerendered form when the app takes the page over', async () => {
    const page = await web.newPage();
    // Hold the app's code back until something is typed into the form the HTML brought.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\/assets\/index-[\w-]+\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('/public/report', { waitUntil: 'commit' });
    const description = page.getByRole('textbox', { name: az.hotlinePublic.report.description });
    await description.fill('Typed before the app started');
    await page.getByRole('textbox', { name: az.hotlinePublic.report.location }).fill('Gəncə');
    await description.evaluate((el) => el.setAttribute('data-prerendered-field', ''));
    release();
    // The app's own field replaces the prerendered one, with the text in it.
    await page.locator('textarea[name="description"]:not([data-prerendered-field])').waitFor();
    await page.locator('#root:not([data-prerendered])').waitFor({ state: 'attached' });
    expect(await description.inputValue()).toBe('Typed before the app started');
    expect(await page.getByRole('textbox', { name: az.hotlinePublic.report.location }).inputValue()).toBe('Gəncə');
    await page.context().close();
  });

  it('sends the gzip copy to a client without brotli, the plain file to one without either, and index.html for screens', async () => {
    const index = await web.app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'identity' } });
    expect(index.headers['cache-control']).toBe('no-cache');
    const entry = /src="(\/assets\/index-[\w-]+\.js)"/.exec(index.body)?.[1];
    expect(entry).toBeDefined();

    const plain = await web.app.inject({ method: 'GET', url: entry!, headers: { 'accept-encoding': 'identity' } });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const gz = await web.app.inject({ method: 'GET', url: entry!, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).equals(plain.rawPayload)).toBe(true);

    const br = await web.app.inject({ method: 'GET', url: entry!, headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(br.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);

    const screen = await web.app.inject({ method: 'GET', url: '/cases/123', headers: { 'accept-encoding': 'identity' } });
    expect(screen.statusCode).toBe(200);
    expect(screen.headers['cache-control']).toBe('no-cache');
    expect(screen.body).toContain('<div id="root">');
  });
});

describe('the public report pages in the reader\'s language from the first byte', () => {
  const TEXTS = { az: az.hotlinePublic, ru: ru.hotlinePublic, en: en.hotlinePublic } as const;
  const PAGES = [
    { path: '/public/report', label: (l: keyof typeof TEXTS) => TEXTS[l].report.description, title: (l: keyof typeof TEXTS) => TEXTS[l].report.title },
    { path: '/public/report/follow-up', label: (l: keyof typeof TEXTS) => TEXTS[l].followUp.code, title: (l: keyof typeof TEXTS) => TEXTS[l].followUp.title },
  ] as const;

  /** A phone whose browser asks for the given languages, with or without JavaScript, and a language cookie if given. */
  async function phone(options: BrowserContextOptions, cookie?: string): Promise<Page> {
    const context = await web.browser.newContext({ baseURL: web.baseUrl, viewport: { width: 360, height: 740 }, ...options });
    if (cookie) await context.addCookies([{ name: LANGUAGE_COOKIE, value: cookie, url: web.baseUrl }]);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return page;
  }

  // How the reader asks for a language: the browser's languages, the address, the cookie a pick left.
  const ASKS = [
    { lang: 'ru', how: 'a Russian browser', options: { locale: 'ru-RU' }, query: '' },
    { lang: 'en', how: 'an English browser', options: { locale: 'en-GB' }, query: '' },
    { lang: 'ru', how: '?lang=ru in an English browser', options: { locale: 'en-US' }, query: '?lang=ru' },
    { lang: 'en', how: 'the language cookie (en) in a Russian browser', options: { locale: 'ru-RU' }, query: '', cookie: 'en' },
    { lang: 'az', how: 'a German browser (no language of ours)', options: { locale: 'de-DE' }, query: '' },
  ] as const;

  for (const { path, label, title } of PAGES) {
    for (const ask of ASKS) {
      it(`${path} without JavaScript shows its form in ${ask.lang} for ${ask.how}`, async () => {
        const page = await phone({ ...ask.options, javaScriptEnabled: false }, 'cookie' in ask ? ask.cookie : undefined);
        const html = await page.goto(`${path}${ask.query}`);
        expect(html!.headers().vary).toBe('Accept-Encoding, Accept-Language, Cookie');
        expect(html!.headers()['cache-control']).toBe('no-cache');
        await page.getByRole('textbox', { name: label(ask.lang) }).waitFor({ state: 'visible' });
        expect(await page.locator('html').getAttribute('lang')).toBe(ask.lang);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title(ask.lang));
        expect(await page.title()).toBe(`${title(ask.lang)} — Pathway`);
        await page.context().close();
        // The same screen judged by checkScreen, which runs axe in the page and so needs JavaScript:
        // the page's own scripts are refused instead, so what is judged is the prerendered form.
        const judged = await phone(ask.options, 'cookie' in ask ? ask.cookie : undefined);
        await judged.route(/\/assets\/.*\.js$/, (route) => route.abort());
        await judged.goto(`${path}${ask.query}`);
        expect(await judged.locator('#root[data-prerendered]').count()).toBe(1);
        await judged.getByRole('textbox', { name: label(ask.lang) }).waitFor({ state: 'visible' });
        await checkScreen(judged, `${path} prerendered, ${ask.lang}`);
        await judged.context().close();
      });
    }

    for (const lang of ['ru', 'en'] as const) {
      it(`${path} with JavaScript stays in ${lang} from the prerendered form to the app's, never showing another language, and keeps what was typed`, async () => {
        const page = await phone({ locale: lang === 'ru' ? 'ru-RU' : 'en-US' });
        // Every heading and <html lang> the page ever shows, recorded from the first byte on.
        await page.addInitScript(() => {
          const seen: string[] = [];
          (window as unknown as { seenTexts: string[] }).seenTexts = seen;
          new MutationObserver(() => {
            const h1 = document.querySelector('h1')?.textContent;
            if (h1) seen.push(h1);
            if (document.documentElement?.lang) seen.push(`lang=${document.documentElement.lang}`);
          }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
        });
        // The app's code is held back until something is typed into the prerendered form.
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        await page.route(/\/assets\/index-[\w-]+\.js$/, async (route) => {
          await held;
          await route.continue();
        });
        await page.goto(path, { waitUntil: 'commit' });
        const field = page.getByRole('textbox', { name: label(lang) });
        await field.fill('typed before the app');
        release();
        await page.locator('#root:not([data-prerendered])').waitFor({ state: 'attached' });
        expect(await field.inputValue()).toBe('typed before the app');
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title(lang));
        const seen = await page.evaluate(() => (window as unknown as { seenTexts: string[] }).seenTexts);
        expect(seen.length).toBeGreaterThan(0);
        expect([...new Set(seen)].sort()).toEqual([title(lang), `lang=${lang}`].sort());
        await checkScreen(page, `${path} app, ${lang}`);
        await page.context().close();
      });
    }
  }

  it('the language picked on the page is what the server sends next time (the cookie), and a bad ?lang= is a 400 naming it', async () => {
    const page = await phone({ locale: 'ru-RU' });
    await page.goto('/public/report?lang=ru');
    await page.locator('#root:not([data-prerendered])').waitFor({ state: 'attached' });
    await page.getByRole('radiogroup').getByText('EN', { exact: true }).click();
    await page.getByRole('heading', { level: 1, name: en.hotlinePublic.report.title }).waitFor();
    // The pick replaces the address's ?lang= and is kept in the cookie the server reads.
    expect(new URL(page.url()).search).toBe('');
    expect((await page.context().cookies()).find((c) => c.name === LANGUAGE_COOKIE)?.value).toBe('en');
    const next = await page.context().request.get('/public/report/follow-up');
    expect(await next.text()).toContain(`<html lang="en"`);
    await checkScreen(page, 'public report, English picked');
    await page.context().close();

    for (const bad of ['de', 'RU', '']) {
      const res = await web.app.inject({ method: 'GET', url: `/public/report?lang=${bad}` });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.fields).toEqual({ lang: 'must be one of az, ru, en' });
    }
    const twice = await web.app.inject({ method: 'GET', url: '/public/report/follow-up?lang=ru&lang=en' });
    expect(twice.statusCode).toBe(400);
    // A cookie or Accept-Language that names none of ours only falls back, never fails.
    const odd = await web.app.inject({ method: 'GET', url: '/public/report', headers: { cookie: `${LANGUAGE_COOKIE}=xx`, 'accept-language': ';;q=abc, *' } });
    expect(odd.statusCode).toBe(200);
    expect(odd.body).toContain('<html lang="az"');
  });
});
