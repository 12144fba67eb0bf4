import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { USER_SORTS, type UserSort } from '../../../shared/schemas/admin.ts';
import { followPages } from '../../../../test/helpers/pages.ts';

/**
 * The users list's orders (`sort`, issue 15), page by page through the cursor, and its 400s: an unknown
 * order names `sort`, a cursor made for another order names `cursor`. Only administrators list users.
 */

let t: TestApp;
let admin: Session;
let worker: Session;
let agencyId: string;
type Row = { id: string; name: string; createdAt: Date; lastLoginAt: Date | null };
let rows: Row[];

beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, (await makeUser(t.db, { roles: ['administrator'] })).email);
  agencyId = (await makeAgency(t.db)).id;
  // Names, creation and last sign-in in three different orders; two never signed in, two at the same instant.
  const people: [string, string | null][] = [
    ['Sorted Leyla', '2026-03-01T10:00:00Z'],
    ['Sorted Anar', null],
    ['Sorted Rauf', '2025-12-24T08:30:00Z'],
    ['Sorted Gunel', '2026-03-01T10:00:00Z'],
    ['Sorted Elvin', null],
    ['Sorted Vusal', '2026-01-15T12:00:00Z'],
  ];
  for (const [i, [name, last]] of people.entries()) {
    const u = await makeUser(t.db, { roles: ['case_worker'], agencyId });
    await t.db.updateTable('users').set({ name, lastLoginAt: last ? new Date(last) : null, createdAt: new Date(Date.UTC(2024, 0, 1 + ((i * 5) % 7))) }).where('id', '=', u.id).execute();
  }
  rows = await t.db.selectFrom('users').select(['id', 'name', 'createdAt', 'lastLoginAt']).where('agencyId', '=', agencyId).execute();
  const w = await makeUser(t.db, { roles: ['case_worker'] });
  worker = await signIn(t.app, w.email);
});
afterAll(() => t.close());

function expected(sort: UserSort): string[] {
  const key = sort.replace(/^-/, '');
  const value = (r: Row) => (key === 'name' ? r.name : key === 'lastLogin' ? (r.lastLoginAt?.toISOString() ?? '') : r.createdAt.toISOString());
  const sorted = [...rows].sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return (sort.startsWith('-') ? sorted.reverse() : sorted).map((r) => r.id);
}

const get = (s: Session, query: string) => t.app.inject({ method: 'GET', url: `/api/v1/users?${query}`, headers: { cookie: s.cookie } });

describe('GET /users?sort=', () => {
  it.each(USER_SORTS)('lists the users in the order %s across pages', async (sort) => {
    const { ids, pages } = await followPages((cursor) => get(admin, `agencyId=${agencyId}&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
    expect(pages).toBe(3);
    expect(ids).toEqual(expected(sort));
  });

  it('refuses an unknown order with 400 naming sort, and the list to anyone but an administrator', async () => {
    for (const bad of ['email', 'agency', '-roles', '']) {
      const res = await get(admin, `sort=${encodeURIComponent(bad)}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.fields).toHaveProperty('sort');
    }
    expect((await get(worker, 'sort=name')).statusCode).toBe(403);
  });

  it('refuses a cursor made for another order with 400 naming cursor', async () => {
    const cursor = (await get(admin, `agencyId=${agencyId}&sort=lastLogin&limit=2`)).json().nextCursor as string;
    expect(cursor).toBeTruthy();
    expect((await get(admin, `agencyId=${agencyId}&sort=lastLogin&limit=2&cursor=${cursor}`)).statusCode).toBe(200);
    for (const other of ['-lastLogin', 'name', 'created']) {
      const res = await get(admin, `agencyId=${agencyId}&sort=${other}&limit=2&cursor=${cursor}`);
      expect(res.statusCode, other).toBe(400);
      expect(res.json().error.fields).toHaveProperty('cursor');
    }
  });
});
