import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { grantAccess } from '../../access/grants.ts';
import { SYSTEM_ACTOR } from '../../audit/audit.ts';
import type { Role } from '../../../shared/roles.ts';
import { CASE_SORTS, type CaseSort } from '../../../shared/schemas/cases.ts';
import { CASES } from './policy.ts';
import { followPages } from '../../../../test/helpers/pages.ts';

/**
 * The case list's orders (`sort`, issue 15): every order page by page through its cursor, for each way
 * into the list (the agency's cases and the ones granted to it through `case_listing`, the user's own
 * from the cases table), the access rule unchanged (another agency sees none), and the 400s: an
 * unknown order names `sort`, a cursor made for another order names `cursor`.
 */

let t: TestApp;
type U = Session & { id: string };
let owner: U;
let colleague: U;
let workerB: U;
let outsider: U;
type Row = { id: string; createdAt: Date; openedAt: Date; caseNumber: string };
let rows: Row[];
let granted: Set<string>;

const user = async (roles: Role[], agencyId: string): Promise<U> => {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
};

beforeAll(async () => {
  t = await createTestApp();
  const A = (await makeAgency(t.db)).id;
  const B = (await makeAgency(t.db)).id;
  const C = (await makeAgency(t.db)).id;
  owner = await user(['case_worker'], A);
  colleague = await user(['case_worker'], A);
  workerB = await user(['case_worker'], B);
  outsider = await user(['case_worker'], C);
  // Seven cases whose three orders all differ: opening times and numbers shuffled against the order
  // of entry, two of them opened at the same instant (the id breaks the tie).
  const opened = ['2025-03-01T08:00:00Z', '2024-11-20T10:00:00Z', '2025-06-15T12:00:00Z', '2024-11-20T10:00:00Z', '2023-01-05T09:00:00Z', '2025-01-01T00:00:00Z', '2024-02-29T23:59:59.123Z'];
  const year = 1900 + Math.floor(Math.random() * 90);
  const numbers = [5, 2, 7, 1, 6, 3, 4].map((n) => `NRM-${year}-${String(n).padStart(6, '0')}`);
  for (let i = 0; i < opened.length; i++) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: owner.headers, payload: { region: 'Baku' } });
    expect(res.statusCode).toBe(201);
    await t.db.updateTable('cases').set({ openedAt: new Date(opened[i]!), caseNumber: numbers[i]! }).where('id', '=', res.json().id as string).execute();
  }
  rows = await t.db.selectFrom('cases').select(['id', 'createdAt', 'openedAt', 'caseNumber']).where('ownerAgencyId', '=', A).execute();
  expect(rows).toHaveLength(7);
  // B holds grants on three of them: its list comes from its rows in case_listing.
  granted = new Set(rows.slice(1, 4).map((r) => r.id));
  await t.db.transaction().execute(async (tx) => {
    for (const id of granted) await grantAccess(tx, SYSTEM_ACTOR, CASES, { recordId: id, grantee: { agencyId: B }, sections: ['summary'], kind: 'share' });
  });
});
afterAll(() => t.close());

/** The rows in `sort`'s order, as the API promises it: the column, then the id, both the same way. */
function expected(sort: CaseSort, of: Row[]): string[] {
  const key = sort.replace(/^-/, '') as 'created' | 'opened' | 'number';
  const value = (r: Row) => (key === 'number' ? r.caseNumber : (key === 'created' ? r.createdAt : r.openedAt).toISOString());
  const sorted = [...of].sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return (sort.startsWith('-') ? sorted.reverse() : sorted).map((r) => r.id);
}

const get = (u: U, query: string) => t.app.inject({ method: 'GET', url: `/api/v1/cases?${query}`, headers: { cookie: u.cookie } });

/** Every page of the list in `sort`'s order, `limit` at a time, following the cursor. */
async function allPages(u: U, sort: string, extra = '', limit = 3) {
  return followPages((cursor) => get(u, `sort=${sort}&limit=${limit}${extra}${cursor ? `&cursor=${cursor}` : ''}`));
}

describe('GET /cases?sort=', () => {
  it.each(CASE_SORTS)('lists the agency\'s cases in the order %s across pages', async (sort) => {
    const got = await allPages(colleague, sort);
    expect(got.pages).toBe(3);
    expect(got.ids).toEqual(expected(sort, rows));
  });

  it.each(CASE_SORTS)('lists the case worker\'s own cases (mine) in the order %s across pages', async (sort) => {
    expect((await allPages(owner, sort, '&mine=true')).ids).toEqual(expected(sort, rows));
    expect((await allPages(owner, sort)).ids).toEqual(expected(sort, rows));
  });

  it.each(CASE_SORTS)('lists to another agency only the cases granted to it, in the order %s', async (sort) => {
    const got = await allPages(workerB, sort, '', 2);
    expect(got.pages).toBe(2);
    expect(got.ids).toEqual(expected(sort, rows.filter((r) => granted.has(r.id))));
  });

  it.each(CASE_SORTS)('shows an agency with no grant none of the cases in the order %s', async (sort) => {
    const res = await get(outsider, `sort=${sort}&limit=50`);
    expect(res.statusCode).toBe(200);
    const ids = (res.json() as { items: { id: string }[] }).items.map((i) => i.id);
    expect(ids.filter((id) => rows.some((r) => r.id === id))).toEqual([]);
  });

  it('keeps filters in another order: the status filter with sort=number', async () => {
    const closed = rows[4]!.id;
    await t.db.updateTable('cases').set({ status: 'follow_up' }).where('id', '=', closed).execute();
    const got = await allPages(colleague, 'number', '&status=follow_up', 1);
    expect(got.ids).toEqual([closed]);
    await t.db.updateTable('cases').set({ status: 'active' }).where('id', '=', closed).execute();
  });

  it('defaults to the newest entered first, as before', async () => {
    const res = await get(colleague, 'limit=50');
    expect(res.statusCode).toBe(200);
    expect((res.json() as { items: { id: string }[] }).items.map((i) => i.id)).toEqual(expected('-created', rows));
  });

  it('refuses an unknown order with 400 naming sort', async () => {
    for (const bad of ['name', '-name', 'status', 'opened,number', '']) {
      const res = await get(colleague, `sort=${encodeURIComponent(bad)}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.fields).toHaveProperty('sort');
    }
  });

  it('refuses a cursor made for another order with 400 naming cursor', async () => {
    const first = await get(colleague, 'sort=number&limit=2');
    const cursor = first.json().nextCursor as string;
    expect(cursor).toBeTruthy();
    expect((await get(colleague, `sort=number&limit=2&cursor=${cursor}`)).statusCode).toBe(200);
    for (const other of ['-number', 'opened', '-created']) {
      const res = await get(colleague, `sort=${other}&limit=2&cursor=${cursor}`);
      expect(res.statusCode, other).toBe(400);
      expect(res.json().error.fields).toHaveProperty('cursor');
    }
    // No sort given is the default order, for which this cursor was not made either.
    expect((await get(colleague, `limit=2&cursor=${cursor}`)).statusCode).toBe(400);
  });

  it('refuses a cursor whose value does not fit its order with 400 naming cursor', async () => {
    const forged = Buffer.from(JSON.stringify(['opened', 'NRM-2026-000001', rows[0]!.id])).toString('base64url');
    const res = await get(colleague, `sort=opened&cursor=${forged}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toHaveProperty('cursor');
  });

  it('still reads a cursor of the earlier form (created_at, id) in the default order', async () => {
    const order = expected('-created', rows);
    const second = rows.find((r) => r.id === order[1])!;
    const legacy = Buffer.from(JSON.stringify([second.createdAt.toISOString(), second.id])).toString('base64url');
    const res = await get(colleague, `limit=50&cursor=${legacy}`);
    expect(res.statusCode).toBe(200);
    expect((res.json() as { items: { id: string }[] }).items.map((i) => i.id)).toEqual(order.slice(2));
  });
});
