import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/web/i18n/en.json' with { type: 'json' };
import dash from '../../src/web/i18n/modules/hotline-dashboard/en.json' with { type: 'json' };
import { makeAgency, makeUser } from '../helpers/app.ts';
import { screenshot, startWebApp, type WebApp, signInInEnglish } from '../helpers/browser.ts';

const d = dash.hotlineDashboard;
let web: WebApp;
beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});


const bakuDate = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Baku', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
const HOUR = 3_600_000;

describe('the hotline dashboard', () => {
  it('a manager sees the figures and charts of the seeded contacts, widens the range and downloads the CSV', async () => {
    const hotline = (await makeAgency(web.db, { type: 'government' })).id;
    const manager = await makeUser(web.db, { roles: ['supervisor'], agencyId: hotline });
    const now = Date.now();
    const seed = async (props: { channel: string; status: string; at: number; answerAfter?: number; closeAfter?: number; contactType?: string; outcomes?: string[] }) => {
      const received = new Date(props.at);
      const answered = props.answerAfter === undefined ? null : new Date(props.at + props.answerAfter * 1000);
      const completed = answered && props.closeAfter !== undefined ? new Date(answered.getTime() + props.closeAfter * 1000) : null;
      await web.db
        .insertInto('contacts')
        .values({ channel: props.channel, status: props.status, ownerAgencyId: hotline, contactType: props.contactType ?? null, outcomes: props.outcomes ?? [], region: 'Baku', receivedAt: received, answeredAt: answered, endedAt: completed, completedAt: completed, createdAt: received, updatedAt: received })
        .execute();
    };
    // This week: an answered call, an abandoned one, a waiting SMS. Ten days ago: two WhatsApp chats.
    await seed({ channel: 'call', status: 'completed', at: now - 2 * HOUR, answerAfter: 30, closeAfter: 120, contactType: 'trafficking_report', outcomes: ['new_case'] });
    await seed({ channel: 'call', status: 'abandoned', at: now - 3 * HOUR });
    await seed({ channel: 'sms', status: 'new', at: now - HOUR });
    await seed({ channel: 'whatsapp', status: 'completed', at: now - 240 * HOUR, answerAfter: 10, closeAfter: 60, contactType: 'information_request', outcomes: ['information_given'] });
    await seed({ channel: 'whatsapp', status: 'completed', at: now - 241 * HOUR, answerAfter: 20, closeAfter: 60, contactType: 'prank', outcomes: ['no_action'] });

    const page = await web.newPage();
    await signInInEnglish(page, manager.email);
    await page.getByRole('navigation', { name: en.nav.main }).getByRole('link', { name: d.nav }).click();
    await page.getByRole('heading', { name: d.title, level: 1 }).waitFor();

    // The last seven days: three contacts, one answered, one abandoned; the charts are drawn.
    const figure = (id: string) => page.getByTestId(id).locator('p').last();
    await expect.poll(() => figure('figure-contacts').textContent()).toBe('3');
    expect(await figure('figure-answered').textContent()).toBe('1');
    expect(await figure('figure-abandoned').textContent()).toBe('1');
    expect(await figure('figure-answer-rate').textContent()).toBe('50 %');
    expect(await figure('figure-time-to-answer').textContent()).toBe('30 s');
    for (const chart of ['chart-by-day', 'chart-by-hour', 'chart-by-channel', 'chart-outcomes']) {
      await page.getByTestId(chart).locator('.recharts-bar-rectangle').first().waitFor();
    }
    // The days under the chart read as days in the page's language ("6 Dec"), not as raw "12-06".
    // (The y axis's ticks are counts: only digits.)
    const ticks = (await page.getByTestId('chart-by-day').locator('.recharts-cartesian-axis-tick-value').allTextContents()).filter((x) => !/^\d+$/.test(x));
    expect(ticks.length).toBeGreaterThan(0);
    for (const tick of ticks) expect(tick).toMatch(/^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$/);
    const table = page.getByTestId('figures-table');
    const value = (section: string, figureName: string) => table.getByRole('row').filter({ has: page.getByRole('cell', { name: section, exact: true }) }).filter({ has: page.getByRole('cell', { name: figureName, exact: true }) }).getByRole('cell').last();
    expect(await value(d.table.byChannel, d.channel.call).textContent()).toBe('2');
    expect(await value(d.table.outcomes, d.outcome.new_case).textContent()).toBe('1');
    await screenshot(page, 'hotline-dashboard');

    // Two weeks back: the WhatsApp chats come in.
    const from = bakuDate(new Date(now - 13 * 24 * HOUR));
    await page.getByLabel(d.from).fill(from);
    await expect.poll(() => figure('figure-contacts').textContent()).toBe('5');
    expect(await figure('figure-substantive').textContent()).toBe('66.7 %');
    expect(await value(d.table.byChannel, d.channel.whatsapp).textContent()).toBe('2');

    // The table as CSV, for the same range.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: d.exportCsv }).click()]);
    const to = bakuDate(new Date(now));
    expect(download.suggestedFilename()).toBe(`hotline-dashboard-${from}-to-${to}.csv`);
    const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('Section,Figure,Value');
    expect(lines).toContain(`Range,From,${from}`);
    expect(lines).toContain('Contacts,Contacts,5');
    expect(lines).toContain(`${d.table.byChannel},${d.channel.whatsapp},2`);

    // A range that ends before it starts is refused, naming the field.
    await page.getByLabel(d.to).fill(bakuDate(new Date(now - 20 * 24 * HOUR)));
    await page.getByText('must not be before from').waitFor();
  });
});
