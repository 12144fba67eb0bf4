import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig, type Config } from '../../src/server/config.ts';
import type { Db } from '../../src/server/db/database.ts';
import { CHROMIUM_ARGS } from './chromium.ts';
import { cloneTestDatabase } from './db.ts';
import { checkScreen } from './screen-checks.ts';
import { PASSWORD, TEST_SECRET_KEY } from './app.ts';
import enTexts from '../../src/web/i18n/en.json' with { type: 'json' };

export type WebApp = {
  app: FastifyInstance;
  db: Db;
  config: Config;
  baseUrl: string;
  browser: Browser;
  /** A fresh browser context (own cookies and storage) at 1366x768. */
  newPage: () => Promise<Page>;
  close: () => Promise<void>;
};

const WEB_DIST = path.resolve('dist/web');

/**
 * The real server on its own cloned database, listening on a free port and serving the built web app,
 * plus Chromium. Live events (the console's queue) run over the clone's own LISTEN connection.
 */
export async function startWebApp(overrides: Partial<Config> = {}): Promise<WebApp> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error('dist/web is missing: build the web app first (npm run build:web, or npx vite build)');
  }
  const { db, url, drop } = await cloneTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { webDistDir: WEB_DIST, ...overrides });
  const app = await buildApp({ config, db, databaseKind: 'external', version: 'test', logger: false, secretKey: TEST_SECRET_KEY, databaseUrl: url });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: inject('chromiumPath'), args: CHROMIUM_ARGS });
  return {
    app,
    db,
    config,
    baseUrl,
    browser,
    newPage: async () => {
      // A browser in Azerbaijan (Accept-Language az-AZ): the public report pages, which follow the
      // browser's languages when no language was picked, come in Azerbaijani as the journeys expect.
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, baseURL: baseUrl, locale: 'az-AZ' });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      return page;
    },
    close: async () => {
      await browser.close();
      await app.close();
      await drop();
    },
  };
}

/**
 * Called by the journeys at each screen they visit: runs the accessibility check (`checkScreen`) and,
 * with SCREENSHOTS=1, saves the page to test-results/screens/<name>.png for a look at the layout.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await checkScreen(page, name);
  if (process.env.SCREENSHOTS !== '1') return;
  const dir = path.resolve('test-results/screens');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Signs in through the sign-in page in English (the language is set first) and waits for the shell. */
export async function signInInEnglish(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.evaluate(() => localStorage.setItem('pathway.language', 'en'));
  await page.goto('/login');
  await page.getByRole('textbox', { name: enTexts.field.email, exact: true }).fill(email);
  await page.getByRole('textbox', { name: enTexts.field.password, exact: true }).fill(password);
  await page.getByRole('button', { name: enTexts.signIn.submit }).click();
  await page.getByRole('navigation', { name: enTexts.nav.main }).waitFor();
}
