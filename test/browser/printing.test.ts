import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import { screenshot, signInInEnglish, startWebApp, type WebApp } from '../helpers/browser.ts';
import { openCase, publishedIncident } from '../helpers/fixtures-web.ts';

let web: WebApp;

beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

/** The elements the selector finds that take up room on the page as it is rendered now (tag and text, for the message). */
const shownList = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((els) =>
    els
      .filter((el) => {
        const style = getComputedStyle(el);
        // (Mantine's auto-growing text areas measure text in a hidden copy: visibility hidden prints nothing.)
        if (style.visibility === 'hidden') return false;
        return (el as HTMLElement).offsetParent !== null || (style.position === 'fixed' && style.display !== 'none');
      })
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${(el.textContent ?? '').slice(0, 40)}`),
  );
const shown = async (page: Page, selector: string) => (await shownList(page, selector)).length;

describe('printing', () => {
  it('a case prints without the navigation, the header, buttons or empty forms', async () => {
    const c = await openCase(web);
    const page = await web.newPage();
    await signInInEnglish(page, c.email);
    await page.goto(`/cases/${c.id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await screenshot(page, 'case-for-print');
    // On screen the shell and the case's forms and buttons are there...
    expect(await shown(page, 'nav, header')).toBeGreaterThan(0);
    expect(await shown(page, 'button')).toBeGreaterThan(0);

    await page.emulateMedia({ media: 'print' });
    // ...on paper only the record.
    expect(await page.getByRole('navigation', { name: en.nav.main }).isVisible()).toBe(false);
    expect(await shown(page, 'nav, header, .mantine-AppShell-navbar, .mantine-AppShell-header')).toBe(0);
    expect(await shownList(page, 'form, button, input, textarea, select')).toEqual([]);
    expect(await page.getByRole('heading', { level: 1 }).isVisible()).toBe(true);
    const pdf = await page.pdf();
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a public incident prints without the language switch, the back link or the open-data links', async () => {
    const incident = await publishedIncident(web, 'Arrest of a photographer at a protest');
    const page = await web.newPage();
    await page.goto(`/public/press/${incident.id}`);
    await page.getByRole('heading', { name: incident.title, level: 1 }).waitFor();
    await screenshot(page, 'public-incident-for-print');
    expect(await page.getByRole('radiogroup').count()).toBeGreaterThan(0);

    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('heading', { name: incident.title, level: 1 }).isVisible()).toBe(true);
    expect(await shownList(page, 'button, input, form, [data-print="hide"]')).toEqual([]);
    expect(await page.getByRole('link', { name: en.press.csv }).isVisible()).toBe(false);
    expect(await page.getByRole('link', { name: new RegExp(en.press.back) }).isVisible()).toBe(false);
  });
});
