import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { PROVIDER_SORTS, type ProviderSort } from '../../../shared/schemas/providers.ts';
import { followPages } from '../../../../test/helpers/pages.ts';

/**
 * The providers directory's orders (`sort`, issue 15), page by page through the cursor, and its 400s:
 * an unknown order names `sort`, a cursor made for another order names `cursor`.
 */

let t: TestApp;
let staff: Session;
let agencyId: string;
type Row = { id: string; name: string; capacityFree: number | null; createdAt: Date };
let rows: Row[];

beforeAll(async () => {
  t = await createTestApp();
  agencyId = (await makeAgency(t.db, { type: 'shelter' })).id;
  staff = await signIn(t.app, (await makeUser(t.db, { roles: ['case_worker'] })).email);
  // Names, free places and creation in different orders; two with unknown capacity, two with 3 free.
  const made: [string, number | null][] = [['Sorted shelter Lankaran', 3], ['Sorted clinic Baku', null], ['Sorted hotline', 0], ['Sorted legal aid', 12], ['Sorted centre Ganja', 3], ['Sorted school', null]];
  for (const [i, [name, free]] of made.entries()) {
    await t.db.insertInto('providers').values({
      agencyId, name, serviceTypes: ['shelter'], capacityTotal: free === null ? null : 20, capacityFree: free,
      createdAt: new Date(Date.UTC(2025, 0, 1 + ((i * 4) % 7))),
    }).execute();
  }
  rows = await t.db.selectFrom('providers').select(['id', 'name', 'capacityFree', 'createdAt']).where('agencyId', '=', agencyId).execute();
});
afterAll(() => t.close());

function expected(sort: ProviderSort): string[] {
  const key = sort.replace(/^-/, '');
  const value = (r: Row): string | number => (key === 'name' ? r.name : key === 'free' ? (r.capacityFree ?? -1) : r.createdAt.toISOString());
  const sorted = [...rows].sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return (sort.startsWith('-') ? sorted.reverse() : sorted).map((r) => r.id);
}

const get = (query: string) => t.app.inject({ method: 'GET', url: `/api/v1/providers?${query}`, headers: { cookie: staff.cookie } });

describe('GET /providers?sort=', () => {
  it.each(PROVIDER_SORTS)('lists the directory in the order %s across pages', async (sort) => {
    const { ids, pages } = await followPages((cursor) => get(`agencyId=${agencyId}&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
    expect(pages).toBe(3);
    expect(ids).toEqual(expected(sort));
  });

  it('keeps the filters in another order', async () => {
    const res = await get(`agencyId=${agencyId}&sort=-free&minFree=1`);
    expect(res.statusCode).toBe(200);
    expect((res.json() as { items: { name: string }[] }).items.map((i) => i.name)).toEqual(['Sorted legal aid', ...expected('-free').map((id) => rows.find((r) => r.id === id)!).filter((r) => r.capacityFree === 3).map((r) => r.name)]);
  });

  it('refuses an unknown order with 400 naming sort', async () => {
    for (const bad of ['region', 'capacity', '--name', '']) {
      const res = await get(`sort=${encodeURIComponent(bad)}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.fields).toHaveProperty('sort');
    }
  });

  it('refuses a cursor made for another order, or with a value that does not fit it, with 400 naming cursor', async () => {
    const cursor = (await get(`agencyId=${agencyId}&sort=free&limit=2`)).json().nextCursor as string;
    expect(cursor).toBeTruthy();
    expect((await get(`agencyId=${agencyId}&sort=free&limit=2&cursor=${cursor}`)).statusCode).toBe(200);
    for (const other of ['-free', 'name', '-created']) {
      const res = await get(`agencyId=${agencyId}&sort=${other}&limit=2&cursor=${cursor}`);
      expect(res.statusCode, other).toBe(400);
      expect(res.json().error.fields).toHaveProperty('cursor');
    }
    const forged = Buffer.from(JSON.stringify(['free', 'lots', rows[0]!.id])).toString('base64url');
    const res = await get(`sort=free&cursor=${forged}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toHaveProperty('cursor');
  });
});
