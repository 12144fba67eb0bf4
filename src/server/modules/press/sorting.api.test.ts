import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { INCIDENT_SORTS, type IncidentSort } from '../../../shared/schemas/press.ts';
import { followPages } from '../../../../test/helpers/pages.ts';

/**
 * The press incidents staff list's orders (`sort`, issue 15), page by page through the cursor; staff
 * without the incident permission still see none; an unknown order is 400 naming `sort`,
 * a cursor made for another order 400 naming `cursor`.
 */

let t: TestApp;
let monitor: Session;
let outsider: Session;
type Row = { id: string; title: string; occurredOn: string; createdAt: Date };
let rows: Row[];
const year = 1911;

beforeAll(async () => {
  t = await createTestApp();
  const m = await makeUser(t.db, { roles: ['press_monitor'] });
  monitor = await signIn(t.app, m.email);
  outsider = await signIn(t.app, (await makeUser(t.db, { roles: ['case_worker'] })).email);
  // Titles, dates and entry in different orders; two on the same day (the id breaks the tie).
  // One title long (the cursor of a title order carries it): a long value must page on as a short one.
  const made: [string, string][] = [[`Sorted: raid on a newsroom ${'and its archive '.repeat(15)}`.trim(), '1911-05-03'], ['Sorted: arrest of an editor', '1911-01-20'], ['Sorted: threats by telephone', '1911-05-03'], ['Sorted: beating at a protest', '1911-12-01'], ['Sorted: camera seized', '1911-02-14']];
  for (const [i, [title, on]] of made.entries()) {
    await t.db.insertInto('pressIncidents').values({ title, occurredOn: on, occurredPrecision: 'day', ownerAgencyId: m.agencyId, createdBy: m.id, createdAt: new Date(Date.UTC(2024, 5, 1 + ((i * 3) % 5))) }).execute();
  }
  rows = await t.db.selectFrom('pressIncidents').select(['id', 'title', 'occurredOn', 'createdAt']).where('occurredYear', '=', year).execute();
  expect(rows).toHaveLength(5);
});
afterAll(() => t.close());

function expected(sort: IncidentSort): string[] {
  const key = sort.replace(/^-/, '');
  const value = (r: Row) => (key === 'title' ? r.title : key === 'occurred' ? r.occurredOn : r.createdAt.toISOString());
  const sorted = [...rows].sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return (sort.startsWith('-') ? sorted.reverse() : sorted).map((r) => r.id);
}

const get = (s: Session, query: string) => t.app.inject({ method: 'GET', url: `/api/v1/press/incidents?${query}`, headers: { cookie: s.cookie } });

describe('GET /press/incidents?sort=', () => {
  it.each(INCIDENT_SORTS)('lists the incidents in the order %s across pages', async (sort) => {
    const { ids, pages } = await followPages((cursor) => get(monitor, `year=${year}&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
    expect(pages).toBe(3);
    expect(ids).toEqual(expected(sort));
  });

  it('gives out cursors that do not show the title they continue from (a title can name a journalist; URLs are logged)', async () => {
    const res = await get(monitor, `year=${year}&sort=title&limit=1`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: { id: string }[]; nextCursor: string };
    const first = rows.find((r) => r.id === body.items[0]!.id)!;
    const decoded = Buffer.from(body.nextCursor, 'base64url').toString('latin1');
    expect(decoded).not.toContain(first.title.slice(0, 8));
    expect(decoded).not.toContain(first.id);
  });

  it('shows staff without the incident permission none of the incidents, in any order', async () => {
    for (const sort of INCIDENT_SORTS) {
      const res = await get(outsider, `year=${year}&sort=${sort}`);
      expect(res.statusCode).toBe(200);
      expect((res.json() as { items: unknown[] }).items).toEqual([]);
    }
  });

  it('refuses an unknown order with 400 naming sort', async () => {
    for (const bad of ['city', 'impunity', 'title,occurred', '']) {
      const res = await get(monitor, `sort=${encodeURIComponent(bad)}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.fields).toHaveProperty('sort');
    }
  });

  it('refuses a cursor made for another order, or with a value that does not fit it, with 400 naming cursor', async () => {
    const cursor = (await get(monitor, `year=${year}&sort=occurred&limit=2`)).json().nextCursor as string;
    expect(cursor).toBeTruthy();
    for (const other of ['-occurred', 'title', 'created']) {
      const res = await get(monitor, `year=${year}&sort=${other}&limit=2&cursor=${cursor}`);
      expect(res.statusCode, other).toBe(400);
      expect(res.json().error.fields).toHaveProperty('cursor');
    }
    const forged = Buffer.from(JSON.stringify(['occurred', 'yesterday', rows[0]!.id])).toString('base64url');
    const res = await get(monitor, `sort=occurred&cursor=${forged}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toHaveProperty('cursor');
  });
});
