import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Role } from '../../src/shared/roles.ts';
import type { Language } from '../../src/shared/schemas/common.ts';
import { makeAgency, makeUser, PASSWORD, signIn, type Session } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp } from '../helpers/browser.ts';
import { findRawTexts } from '../helpers/text-checks.ts';

let web: WebApp;
const users: Partial<Record<string, { id: string; email: string }>> = {};
let caseId = '';
let caseNumber = '';
let incidentId = '';

const call = async (s: Session, method: 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) => {
  const res = await web.app.inject({ method, url: `/api/v1${url}`, headers: s.headers, ...(payload ? { payload } : {}) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
};

beforeAll(async () => {
  web = await startWebApp();
  const ngo = (await makeAgency(web.db, { type: 'ngo' })).id;
  const hotline = (await makeAgency(web.db, { type: 'government' })).id;
  const press = (await makeAgency(web.db, { type: 'ngo' })).id;
  const make = async (key: string, roles: Role[], agencyId: string) => {
    users[key] = await makeUser(web.db, { roles, agencyId });
  };
  await make('caseWorker', ['case_worker'], ngo);
  await make('operator', ['operator'], hotline);
  await make('supervisor', ['supervisor'], hotline);
  await make('monitor', ['press_monitor'], press);
  await make('auditor', ['auditor'], ngo);
  await make('administrator', ['administrator'], ngo);

  // A case with a woman in it (Russian agrees with her), an event known to the month, a note.
  const worker = await signIn(web.app, users.caseWorker!.email);
  const opened = await call(worker, 'POST', '/cases', { exploitationForms: ['forced_labour', 'sexual_exploitation'], region: 'Baku' });
  caseId = opened.id as string;
  caseNumber = opened.caseNumber as string;
  await call(worker, 'POST', `/cases/${caseId}/people`, { role: 'victim', person: { name: { givenName: 'Nərgiz', familyName: 'Şirinova' }, sex: 'female', birthYear: 1991 } });
  await call(worker, 'POST', `/cases/${caseId}/events`, { type: 'recruitment', date: '2025-06', city: 'Lankaran' });
  await call(worker, 'POST', `/cases/${caseId}/notes`, { body: 'Met at the shelter' });

  // A contact waiting in the hotline's console.
  const operator = await signIn(web.app, users.operator!.email);
  await call(operator, 'POST', '/contacts', { channel: 'walk_in' });

  // A press incident: an attack on a journalist, injured.
  const monitor = await signIn(web.app, users.monitor!.email);
  const journalist = await call(monitor, 'POST', '/press/persons', { name: 'Aytac Əliyeva' });
  const incident = await call(monitor, 'POST', '/press/incidents', { title: 'Assault at a protest', occurred: '2025-03-08', city: 'Baku', acts: [{ personId: journalist.id, actType: 'assault', outcome: 'injured' }] });
  incidentId = incident.id as string;

  // Something for the audit log to show beyond sign-ins.
  await web.db.updateTable('users').set({ name: 'Leyla Quliyeva' }).where('id', '=', users.caseWorker!.id).execute();
});
afterAll(async () => {
  await web?.close();
});

/** Signs in through the sign-in page as a user whose account is in `lang`; the shell then speaks it. */
async function signInAs(key: string, lang: Language): Promise<Page> {
  const user = users[key]!;
  await web.db.updateTable('users').set({ language: lang }).where('id', '=', user.id).execute();
  const page = await web.newPage();
  await page.goto('/login');
  await page.locator('input[type="email"]').fill(user.email);
  await page.locator('input[type="password"]').fill(PASSWORD);
  await page.locator('button[type="submit"]').click();
  await page.getByRole('navigation').first().waitFor();
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  return page;
}

type Screen = { role: string; path: () => string; ready: (page: Page) => Promise<unknown> };

const SCREENS: Screen[] = [
  { role: 'caseWorker', path: () => '/cases', ready: (p) => p.getByRole('link', { name: caseNumber }).first().waitFor() },
  { role: 'caseWorker', path: () => `/cases/${caseId}`, ready: (p) => p.getByTestId('case-people').getByText('Nərgiz').first().waitFor() },
  { role: 'caseWorker', path: () => '/referrals', ready: (p) => p.locator('h1').first().waitFor() },
  { role: 'caseWorker', path: () => '/providers', ready: (p) => p.locator('h1').first().waitFor() },
  { role: 'caseWorker', path: () => '/tasks', ready: (p) => p.locator('h1').first().waitFor() },
  { role: 'caseWorker', path: () => '/people', ready: (p) => p.locator('h1').first().waitFor() },
  { role: 'operator', path: () => '/hotline/console', ready: (p) => p.getByTestId('waiting-count').waitFor() },
  { role: 'supervisor', path: () => '/hotline/dashboard', ready: (p) => p.getByTestId('figure-contacts').waitFor() },
  { role: 'supervisor', path: () => '/hotline/supervisor', ready: (p) => p.locator('h1').first().waitFor() },
  { role: 'supervisor', path: () => '/overdue', ready: (p) => p.locator('h1').first().waitFor() },
  { role: 'monitor', path: () => '/press', ready: (p) => p.getByTestId('press-row').first().waitFor() },
  { role: 'monitor', path: () => `/press/${incidentId}`, ready: (p) => p.getByRole('heading', { name: 'Assault at a protest', level: 1 }).waitFor() },
  { role: 'auditor', path: () => '/audit', ready: (p) => p.locator('tbody tr').nth(2).waitFor() },
  { role: 'administrator', path: () => '/admin/users', ready: (p) => p.getByText('Leyla Quliyeva').first().waitFor() },
];

describe('every screen in every language', () => {
  it.each(['az', 'ru', 'en'] as const)('%s: no translation key, raw code, "undefined" or ISO date on the main screens of each role', async (lang) => {
    const found: string[] = [];
    const pages = new Map<string, Page>();
    for (const screen of SCREENS) {
      let page = pages.get(screen.role);
      if (!page) {
        page = await signInAs(screen.role, lang);
        pages.set(screen.role, page);
      }
      await page.goto(screen.path());
      await screen.ready(page);
      // Lists and figures that arrive a moment later (live queue, charts) have time to show.
      await page.waitForTimeout(300);
      await screenshot(page, `languages-${lang}-${screen.path().replace(/[^a-z0-9]+/gi, '-')}`);
      for (const o of await findRawTexts(page)) found.push(`${screen.path()}: ${o}`);
    }
    expect(found).toEqual([]);
    for (const p of pages.values()) await p.context().close();
  });

  it('the check itself finds what it must: keys, codes, "undefined" and ISO dates', async () => {
    const page = await web.newPage();
    await page.setContent(
      '<main><p>nrm.codes.caseStatus.active</p><p>Form: forced_labour</p><p>Age: undefined</p><p>Opened 2026-12-06</p><p title="press.title">ok</p><code>case.created forced_labour 2026-12-06</code></main>',
    );
    const found = await findRawTexts(page);
    expect(found.some((f) => f.includes('"nrm.codes.caseStatus.active"'))).toBe(true);
    expect(found.some((f) => f.includes('"forced_labour"') && f.includes('<p>'))).toBe(true);
    expect(found.some((f) => f.includes('"undefined"'))).toBe(true);
    expect(found.some((f) => f.includes('"2026-12-06"') && f.includes('<p>'))).toBe(true);
    expect(found.some((f) => f.includes('"press.title"') && f.includes('title'))).toBe(true);
    // Text in <code> is shown as a code on purpose.
    expect(found.filter((f) => f.includes('<code>'))).toEqual([]);
    await page.setContent('<main><p>6 dekabr 2026, 23:38 · İnsan alveri · user1.ab@example.org</p></main>');
    expect(await findRawTexts(page)).toEqual([]);
    await page.context().close();
  });
});
