import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import az from '../../../web/i18n/modules/hotline-dashboard/az.json' with { type: 'json' };
import ru from '../../../web/i18n/modules/hotline-dashboard/ru.json' with { type: 'json' };
import type { Role } from '../../../shared/roles.ts';

let t: TestApp;
let hotline: string;
let other: string;
let operatorId: string;
let sup: Session;
let coordinator: Session;
let operator: Session;
let analyst: Session;

const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000);

type Seed = {
  channel: string;
  status: string;
  received: string;
  answeredAfter?: number;
  completedAfterAnswer?: number;
  contactType?: string;
  outcomes?: string[];
  region?: string;
  agencyId?: string;
  enteredBy?: string;
};

async function contact(s: Seed) {
  const received = at(s.received);
  const answered = s.answeredAfter === undefined ? null : at(s.received, s.answeredAfter);
  const completed = answered && s.completedAfterAnswer !== undefined ? new Date(answered.getTime() + s.completedAfterAnswer * 1000) : null;
  const row = await t.db
    .insertInto('contacts')
    .values({
      channel: s.channel,
      status: s.status,
      ownerAgencyId: s.agencyId ?? hotline,
      enteredBy: s.enteredBy ?? null,
      contactType: s.contactType ?? null,
      outcomes: s.outcomes ?? [],
      region: s.region ?? null,
      receivedAt: received,
      answeredAt: answered,
      endedAt: completed,
      completedAt: completed,
      createdAt: received,
      updatedAt: received,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function escalation(contactId: string, alerted: string, ackAfter: number | null) {
  await t.db
    .insertInto('contactEscalations')
    .values({ contactId, createdBy: operatorId, createdAt: at(alerted), alertedAt: at(alerted), acknowledgedAt: ackAfter === null ? null : at(alerted, ackAfter), acknowledgedBy: ackAfter === null ? null : operatorId })
    .execute();
}

async function user(roles: Role[], agencyId?: string) {
  const u = await makeUser(t.db, { roles, ...(agencyId ? { agencyId } : {}) });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

/*
 * The known dataset, in Asia/Baku (UTC+4 all year). Local times in the comments.
 *   c1  call      03-01 10:00  answered after 20 s, closed 300 s later; trafficking report; referred + police; Baku
 *   c2  call      03-01 10:30  abandoned; Baku
 *   c3  sms       03-02 01:00  (still 03-01 in UTC) answered after 40 s, closed 200 s later; prank; no action; Ganja
 *   c4  whatsapp  03-02 12:00  answered after 10 s, closed 100 s later; information request; information given; Ganja
 *   c5  call      03-03 23:59:59  waiting
 *   c6  walk_in   03-02 14:00  entered by an operator, closed 600 s later; service request; new case; Baku (no timings)
 *   c10 call      03-02 11:00  answered after 30 s, still in progress; Baku
 *   out of range: c7 03-04 00:00 (Sheki), c8 02-28 23:59:59; another agency: c9 03-02 10:00 abandoned, Baku
 * Escalations: c1 acknowledged after 45 s, c4 after 15 s, c10 not yet, c7 (out of range) after 999 s.
 */
beforeAll(async () => {
  t = await createTestApp();
  hotline = (await makeAgency(t.db, { type: 'government' })).id;
  other = (await makeAgency(t.db, { type: 'ngo' })).id;
  const op = await user(['operator'], hotline);
  operatorId = op.id;
  operator = op;
  sup = await user(['supervisor'], hotline);
  coordinator = await user(['coordinator'], (await makeAgency(t.db, { type: 'coordinator' })).id);
  analyst = await user(['analyst']);

  const c1 = await contact({ channel: 'call', status: 'completed', received: '2026-03-01T06:00:00Z', answeredAfter: 20, completedAfterAnswer: 300, contactType: 'trafficking_report', outcomes: ['referred_to_provider', 'reported_to_police'], region: 'Baku' });
  await contact({ channel: 'call', status: 'abandoned', received: '2026-03-01T06:30:00Z', region: 'Baku' });
  await contact({ channel: 'sms', status: 'completed', received: '2026-03-01T21:00:00Z', answeredAfter: 40, completedAfterAnswer: 200, contactType: 'prank', outcomes: ['no_action'], region: 'Ganja' });
  const c4 = await contact({ channel: 'whatsapp', status: 'completed', received: '2026-03-02T08:00:00Z', answeredAfter: 10, completedAfterAnswer: 100, contactType: 'information_request', outcomes: ['information_given'], region: 'Ganja' });
  await contact({ channel: 'call', status: 'new', received: '2026-03-03T19:59:59Z' });
  await contact({ channel: 'walk_in', status: 'completed', received: '2026-03-02T10:00:00Z', answeredAfter: 0, completedAfterAnswer: 600, contactType: 'service_request', outcomes: ['new_case'], region: 'Baku', enteredBy: operatorId });
  const c7 = await contact({ channel: 'call', status: 'completed', received: '2026-03-03T20:00:00Z', answeredAfter: 5, completedAfterAnswer: 5, contactType: 'silent', outcomes: ['no_action'], region: 'Sheki' });
  await contact({ channel: 'call', status: 'abandoned', received: '2026-02-28T19:59:59Z', region: 'Baku' });
  await contact({ channel: 'call', status: 'abandoned', received: '2026-03-02T06:00:00Z', region: 'Baku', agencyId: other });
  const c10 = await contact({ channel: 'call', status: 'in_progress', received: '2026-03-02T07:00:00Z', answeredAfter: 30, region: 'Baku' });
  await escalation(c1, '2026-03-01T06:01:00Z', 45);
  await escalation(c4, '2026-03-02T08:01:00Z', 15);
  await escalation(c10, '2026-03-02T07:02:00Z', null);
  await escalation(c7, '2026-03-03T20:01:00Z', 999);
});
afterAll(() => t.close());

const get = (s: Session | null, url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s ? { cookie: s.cookie } : {} });
const figures = async (s: Session, query: string) => {
  const res = await get(s, `/hotline/dashboard?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const nonZero = (rows: Record<string, unknown>[], key: string, value = 'contacts') => Object.fromEntries(rows.filter((r) => r[value] !== 0).map((r) => [r[key], r[value]]));

describe('the dashboard figures', () => {
  it('counts the supervisor agency\'s contacts of the three local days', async () => {
    const d = await figures(sup, 'from=2026-03-01&to=2026-03-03');
    expect(d.range).toEqual({ from: '2026-03-01', to: '2026-03-03', tz: 'Asia/Baku', region: null, scope: 'agency' });
    expect(d.totals).toEqual({
      contacts: 7,
      answered: 5,
      abandoned: 1,
      unanswered: 1,
      answerRate: 0.8333,
      substantive: 3,
      nonSubstantive: 1,
      unclassified: 3,
      substantiveShare: 0.75,
    });
    expect(d.byChannel).toHaveLength(8);
    expect(d.byChannel.find((r: { channel: string }) => r.channel === 'call')).toEqual({ channel: 'call', contacts: 4, answered: 2, abandoned: 1 });
    expect(nonZero(d.byChannel, 'channel')).toEqual({ call: 4, sms: 1, whatsapp: 1, walk_in: 1 });
    expect(d.byHour).toHaveLength(24);
    expect(nonZero(d.byHour, 'hour')).toEqual({ 1: 1, 10: 2, 11: 1, 12: 1, 14: 1, 23: 1 });
    expect(d.byDay).toEqual([
      { day: '2026-03-01', contacts: 2, answered: 1, abandoned: 1 },
      { day: '2026-03-02', contacts: 4, answered: 4, abandoned: 0 },
      { day: '2026-03-03', contacts: 1, answered: 0, abandoned: 0 },
    ]);
    expect(nonZero(d.byContactType, 'contactType')).toEqual({ trafficking_report: 1, information_request: 1, service_request: 1, prank: 1 });
    // Timed: c1 20 s, c3 40 s, c4 10 s, c10 30 s (c6 was entered by hand). Nearest rank: 2nd and 4th of 4.
    expect(d.timeToAnswer).toEqual({ count: 4, medianSeconds: 20, p90Seconds: 40, meanSeconds: 25 });
    // Closed and timed: c4 100 s, c3 200 s, c1 300 s.
    expect(d.handleTime).toEqual({ count: 3, medianSeconds: 200, p90Seconds: 300, meanSeconds: 200 });
    expect(d.escalations).toEqual({ count: 3, acknowledged: 2, unacknowledged: 1, timeToAcknowledge: { count: 2, medianSeconds: 15, p90Seconds: 45, meanSeconds: 30 } });
    expect(nonZero(d.outcomes, 'outcome')).toEqual({ referred_to_provider: 1, reported_to_police: 1, no_action: 1, information_given: 1, new_case: 1 });
    expect(d.outcomes).toHaveLength(7);
    expect(d.regions).toEqual(['Baku', 'Ganja']);
  });

  it('filters by region, and still lists every region of the range', async () => {
    const d = await figures(sup, 'from=2026-03-01&to=2026-03-03&region=Ganja');
    expect(d.range.region).toBe('Ganja');
    expect(d.totals).toMatchObject({ contacts: 2, answered: 2, abandoned: 0, substantive: 1, nonSubstantive: 1, substantiveShare: 0.5 });
    expect(nonZero(d.byChannel, 'channel')).toEqual({ sms: 1, whatsapp: 1 });
    expect(d.timeToAnswer).toEqual({ count: 2, medianSeconds: 10, p90Seconds: 40, meanSeconds: 25 });
    expect(d.escalations.count).toBe(1);
    expect(d.regions).toEqual(['Baku', 'Ganja']);
    const none = await figures(sup, 'from=2026-03-01&to=2026-03-03&region=Nowhere');
    expect(none.totals).toMatchObject({ contacts: 0, answerRate: null, substantiveShare: null });
    expect(none.timeToAnswer).toEqual({ count: 0, medianSeconds: null, p90Seconds: null, meanSeconds: null });
    expect(none.byDay.map((r: { contacts: number }) => r.contacts)).toEqual([0, 0, 0]);
  });

  it('follows the date range and the time zone', async () => {
    const one = await figures(sup, 'from=2026-03-02&to=2026-03-02');
    expect(one.totals.contacts).toBe(4);
    expect(one.byDay).toEqual([{ day: '2026-03-02', contacts: 4, answered: 4, abandoned: 0 }]);
    // In UTC, 1 March holds c1, c2 and c3 (21:00 UTC), by UTC hour.
    const utc = await figures(sup, 'from=2026-03-01&to=2026-03-01&tz=UTC');
    expect(utc.totals.contacts).toBe(3);
    expect(nonZero(utc.byHour, 'hour')).toEqual({ 6: 2, 21: 1 });
    // The day after: c7 at local midnight, with its escalation.
    const after = await figures(sup, 'from=2026-03-04&to=2026-03-04');
    expect(after.totals.contacts).toBe(1);
    expect(after.escalations.timeToAcknowledge.medianSeconds).toBe(999);
    expect(after.regions).toEqual(['Sheki']);
  });

  it('gives the coordinator every agency\'s contacts', async () => {
    const d = await figures(coordinator, 'from=2026-03-01&to=2026-03-03');
    expect(d.range.scope).toBe('all');
    expect(d.totals).toMatchObject({ contacts: 8, answered: 5, abandoned: 2, answerRate: 0.7143 });
    expect(d.byDay[1]).toEqual({ day: '2026-03-02', contacts: 5, answered: 4, abandoned: 1 });
  });

  it('refuses users without hotline:reports, and strangers', async () => {
    for (const s of [operator, analyst]) {
      const res = await get(s, '/hotline/dashboard?from=2026-03-01&to=2026-03-03');
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
      expect((await get(s, '/hotline/dashboard/export?format=csv&from=2026-03-01&to=2026-03-03')).statusCode).toBe(403);
    }
    expect((await get(null, '/hotline/dashboard?from=2026-03-01&to=2026-03-03')).statusCode).toBe(401);
    expect((await get(null, '/hotline/dashboard/export?format=csv&from=2026-03-01&to=2026-03-03')).statusCode).toBe(401);
  });

  it('refuses bad ranges and parameters, naming the field', async () => {
    const cases: [string, Record<string, string>][] = [
      ['from=2026-03-05&to=2026-03-01', { to: 'must not be before from' }],
      ['from=2025-03-01&to=2026-03-02', { to: 'at most 366 days from from' }],
      ['from=2026-02-30&to=2026-03-02', { from: 'not a date in the calendar' }],
      ['from=1.3.2026&to=2026-03-02', { from: 'a date as YYYY-MM-DD' }],
      ['from=2026-03-01&to=2026-03-02&tz=Mars/Olympus', { tz: 'an IANA time zone such as Asia/Baku' }],
      ['from=2026-03-01&to=2026-03-02&agency=x', { agency: 'unknown field' }],
    ];
    for (const [query, fields] of cases) {
      const res = await get(sup, `/hotline/dashboard?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(res.json().error.fields, query).toEqual(fields);
    }
    const missing = await get(sup, '/hotline/dashboard?to=2026-03-02');
    expect(Object.keys(missing.json().error.fields)).toEqual(['from']);
    // A full year (leap day included) is allowed.
    expect((await get(sup, '/hotline/dashboard?from=2027-03-01&to=2028-02-29')).statusCode).toBe(200);
    const format = await get(sup, '/hotline/dashboard/export?format=pdf&from=2026-03-01&to=2026-03-02');
    expect(format.statusCode).toBe(400);
    expect(Object.keys(format.json().error.fields)).toEqual(['format']);
  });
});

/** RFC 4180 rows of a small CSV (quoted fields may hold commas and doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\r\n').filter(Boolean)) {
    const cells: string[] = [];
    for (const m of line.matchAll(/("((?:[^"]|"")*)"|[^,]*)(,|$)/g)) {
      cells.push(m[2] !== undefined ? m[2].replaceAll('""', '"') : m[1]!);
      if (m[3] === '') break;
    }
    rows.push(cells);
  }
  return rows;
}

describe('the export', () => {
  it('downloads the table as CSV: a BOM, the figures, an attachment, audited', async () => {
    const res = await get(sup, '/hotline/dashboard/export?format=csv&from=2026-03-01&to=2026-03-03');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="hotline-dashboard-2026-03-01-to-2026-03-03.csv"');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(res.rawPayload.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual(['Section', 'Figure', 'Value']);
    const value = (section: string, figure: string) => rows.find((r) => r[0] === section && r[1] === figure)?.[2];
    expect(value('Range', 'Agencies')).toBe('Contacts of your agency');
    expect(value('Contacts', 'Contacts')).toBe('7');
    expect(value('Contacts', 'Answer rate (%)')).toBe('83.3');
    expect(value('Contacts', 'Substantive share (%)')).toBe('75');
    expect(value('Time to answer', 'Median (s)')).toBe('20');
    expect(value('Handle time', '90th percentile (s)')).toBe('300');
    expect(value('Time to acknowledge', 'Mean (s)')).toBe('30');
    expect(value('By channel', 'Call')).toBe('4');
    expect(value('Outcomes', 'New case')).toBe('1');
    expect(value('By hour', '10:00')).toBe('2');
    expect(value('By day', '2026-03-02')).toBe('4');
    expect(rows).toHaveLength(1 + 5 + 9 + 4 + 4 + 3 + 4 + 8 + 8 + 7 + 24 + 3);
    const entry = await t.db.selectFrom('auditLog').selectAll().where('action', '=', 'hotline.dashboard_exported').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry.changes).toMatchObject({ format: 'csv', from: '2026-03-01', to: '2026-03-03', scope: 'agency', codes: false, language: 'en' });
  });

  it('keeps spreadsheet formulas out of the CSV', async () => {
    await contact({ channel: 'sms', status: 'new', received: '2026-03-10T08:00:00Z', region: '=HYPERLINK("http://x")' });
    const res = await get(sup, `/hotline/dashboard/export?format=csv&from=2026-03-10&to=2026-03-10&region=${encodeURIComponent('=HYPERLINK("http://x")')}`);
    expect(res.statusCode).toBe(200);
    const rows = parseCsv(res.rawPayload.subarray(3).toString('utf8'));
    expect(rows.find((r) => r[1] === 'Region')?.[2]).toBe('\'=HYPERLINK("http://x")');
    expect(rows.find((r) => r[1] === 'Contacts')?.[2]).toBe('1');
    for (const r of rows) for (const cell of r) expect(cell, cell).not.toMatch(/^[=+@\t\r]/);
    // (Tabs and line breaks around a region are trimmed away before they get this far: see export.test.ts.)
    for (const region of ['+1', '-1+2', '@SUM(A1)', ' =1+1']) {
      const q = await get(sup, `/hotline/dashboard/export?format=csv&from=2026-03-10&to=2026-03-10&region=${encodeURIComponent(region)}`);
      expect(parseCsv(q.rawPayload.subarray(3).toString('utf8')).find((r) => r[1] === 'Region')?.[2], region).toBe(`'${region.trim()}`);
    }
  });

  it('downloads the same table as XLSX that reads back', async () => {
    const res = await get(coordinator, '/hotline/dashboard/export?format=xlsx&from=2026-03-01&to=2026-03-03&region=Baku');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="hotline-dashboard-2026-03-01-to-2026-03-03.xlsx"');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Dashboard')!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(['Section', 'Figure', 'Value']);
    const value = (section: string, figure: string) => rows.find((r) => r[0] === section && r[1] === figure)?.[2];
    // Baku, every agency: c1, c2, c6, c10 and the other agency's c9.
    expect(value('Range', 'Region')).toBe('Baku');
    expect(value('Range', 'Agencies')).toBe('Contacts of every agency');
    expect(value('Contacts', 'Contacts')).toBe(5);
    expect(value('Contacts', 'Abandoned')).toBe(2);
    expect(value('By channel', 'Call')).toBe(4);
    expect(value('By channel', 'Walk-in')).toBe(1);
    expect(value('Time to answer', 'Median (s)')).toBe(20);
    expect(value('Escalations', 'Not acknowledged')).toBe(1);
    expect(value('By day', '2026-03-02')).toBe(3);
  });

  it('labels headers, sections, figures and code values in the language asked for, from the web app\'s own texts', async () => {
    const res = await get(sup, '/hotline/dashboard/export?format=csv&from=2026-03-01&to=2026-03-03&lang=ru');
    expect(res.statusCode).toBe(200);
    const rows = parseCsv(res.rawPayload.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual([ru.hotlineDashboard.table.section, ru.hotlineDashboard.table.figure, ru.hotlineDashboard.table.value]);
    const value = (section: string, figure: string) => rows.find((r) => r[0] === section && r[1] === figure)?.[2];
    const tr = ru.hotlineDashboard.table;
    expect(value(tr.range, ru.hotlineDashboard.region)).toBe(ru.hotlineDashboard.allRegions);
    expect(value(tr.byChannel, ru.hotlineDashboard.channel.call)).toBe('4');
    expect(value(tr.outcomes, ru.hotlineDashboard.outcome.new_case)).toBe('1');
    expect(value(tr.timeToAnswer, `${tr.median} (${tr.unitSeconds})`)).toBe('20');
    expect(value(tr.contacts, `${ru.hotlineDashboard.cards.answerRate} (%)`)).toBe('83.3');
    // No code is left: every channel, contact type and outcome has its label.
    for (const r of rows.slice(1)) expect(r[1], r.join(',')).not.toMatch(/^[a-z]+(_[a-z]+)+$/);
  });

  it('in the user\'s own language when none is asked for', async () => {
    const azUser = await user(['supervisor'], hotline);
    await t.db.updateTable('users').set({ language: 'az' }).where('id', '=', azUser.id).execute();
    const s = azUser;
    const res = await get(s, '/hotline/dashboard/export?format=xlsx&from=2026-03-01&to=2026-03-03');
    expect(res.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet(az.hotlineDashboard.nav)!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([az.hotlineDashboard.table.section, az.hotlineDashboard.table.figure, az.hotlineDashboard.table.value]);
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows.find((r) => r[0] === az.hotlineDashboard.table.byChannel && r[1] === az.hotlineDashboard.channel.call)?.[2]).toBe(4);
  });

  it('with codes=1, writes keys and codes for programs; a bad lang or codes is refused naming the field', async () => {
    const res = await get(sup, '/hotline/dashboard/export?format=csv&from=2026-03-01&to=2026-03-03&codes=1&lang=ru');
    expect(res.statusCode).toBe(200);
    const rows = parseCsv(res.rawPayload.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual(['section', 'figure', 'value']);
    const value = (section: string, figure: string) => rows.find((r) => r[0] === section && r[1] === figure)?.[2];
    expect(value('range', 'agencies')).toBe('agency');
    expect(value('range', 'region')).toBe('all');
    expect(value('byChannel', 'call')).toBe('4');
    expect(value('outcomes', 'new_case')).toBe('1');
    expect(value('timeToAnswer', 'median')).toBe('20');
    expect(value('contacts', 'answerRate')).toBe('83.3');
    expect(value('byDay', '2026-03-02')).toBe('4');
    for (const [q, field] of [['lang=de', 'lang'], ['codes=yes', 'codes']] as const) {
      const bad = await get(sup, `/hotline/dashboard/export?format=csv&from=2026-03-01&to=2026-03-03&${q}`);
      expect(bad.statusCode, q).toBe(400);
      expect(bad.json().error.fields, q).toHaveProperty(field);
    }
  });
});
