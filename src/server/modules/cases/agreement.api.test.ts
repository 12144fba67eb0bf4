import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { grantAccess, revokeGrant } from '../../access/grants.ts';
import { SYSTEM_ACTOR } from '../../audit/audit.ts';
import type { Role } from '../../../shared/roles.ts';
import { CASE_SECTIONS } from '../../../shared/nrm.ts';
import { CASES } from './policy.ts';

/**
 * The case list (SQL filter, with the access-ended rule) and the case page (per-record check) must
 * agree for every user on generated data: a case is in a user's list exactly when its page opens.
 */

let t: TestApp;
afterAll(() => t.close());

/** mulberry32, seeded: the same world every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { chance: (p: number) => next() < p, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

type U = Session & { id: string; agencyId: string; roles: Role[] };
const users: U[] = [];
const cases: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const r = prng(20260601);
  const agencies: string[] = [];
  for (let i = 0; i < 4; i++) agencies.push((await makeAgency(t.db, { type: i === 3 ? 'police' : 'ngo' })).id);
  const roleSets: Role[][] = [['case_worker'], ['supervisor'], ['operator'], ['identification_officer'], ['coordinator'], ['auditor'], ['investigator']];
  for (const agencyId of agencies) {
    for (const roles of roleSets) {
      if (!r.chance(0.6) && roles[0] !== 'case_worker') continue;
      const u = await makeUser(t.db, { roles, agencyId });
      users.push({ ...(await signIn(t.app, u.email)), id: u.id, agencyId, roles });
    }
  }
  const creators = users.filter((u) => u.roles[0] === 'case_worker' || u.roles[0] === 'supervisor');
  for (let i = 0; i < 40; i++) {
    const by = r.pick(creators);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: by.headers, payload: { region: r.pick(['Baku', 'Ganja']) } });
    const id = res.json().id as string;
    cases.push(id);
    await t.db.transaction().execute(async (tx) => {
      for (const agencyId of agencies) {
        if (agencyId === by.agencyId || !r.chance(0.3)) continue;
        const sections = CASE_SECTIONS.filter(() => r.chance(0.4));
        const g = await grantAccess(tx, SYSTEM_ACTOR, CASES, { recordId: id, grantee: { agencyId }, sections: sections.length ? sections : ['summary'], kind: 'share' });
        if (r.chance(0.25)) await revokeGrant(tx, SYSTEM_ACTOR, g.grantId);
      }
      if (r.chance(0.1)) await tx.updateTable('cases').set({ accessEndedAt: new Date(), accessEndAuthority: 'court', accessEndOrderedOn: '2026-01-01' }).where('id', '=', id).execute();
      // A grant to one user (as break-glass makes), an expired one and one that starts tomorrow: the access
      // index (case_listing) keeps unrevoked grants whatever their times, the exact filter decides.
      if (r.chance(0.15)) await grantAccess(tx, SYSTEM_ACTOR, CASES, { recordId: id, grantee: { userId: r.pick(users).id }, sections: ['summary'], kind: 'share', hours: 1 });
      if (r.chance(0.15)) {
        const other = r.pick(agencies);
        const day = 24 * 3600 * 1000;
        const [createdAt, expiresAt] = r.chance(0.5) ? [new Date(Date.now() - 2 * day), new Date(Date.now() - day)] : [new Date(Date.now() + day), null];
        await tx.insertInto('accessGrants').values({ recordType: 'case', recordId: id, granteeAgencyId: other, sections: ['summary'], kind: 'share', createdAt, expiresAt }).execute();
      }
    });
  }
  // Later changes, each of which the access index must follow: transfers to another agency (with and
  // without a grant left to the sender), status and region changes, revocations of older grants.
  for (const id of cases) {
    if (r.chance(0.2)) {
      const to = r.pick(agencies);
      await t.db.updateTable('cases').set({ ownerAgencyId: to, ownerUserId: null }).where('id', '=', id).execute();
    }
    if (r.chance(0.3)) await t.db.updateTable('cases').set({ status: r.pick(['follow_up', 'closed'] as const), region: r.pick(['Baku', 'Ganja', 'Sumgait']) }).where('id', '=', id).execute();
    if (r.chance(0.3)) {
      await t.db
        .updateTable('cases')
        .set({ victimStatus: r.pick(['presumed', 'identified'] as const), exploitationForms: [r.pick(['forced_labour', 'sexual_exploitation'])], openedAt: new Date(Date.now() - 86_400_000 * (r.chance(0.5) ? 40 : 400)) })
        .where('id', '=', id)
        .execute();
    }
    if (r.chance(0.1)) await t.db.updateTable('cases').set({ caseNumber: sql<string>`case_number || '-R'` }).where('id', '=', id).execute();
    if (r.chance(0.2)) await t.db.updateTable('accessGrants').set({ revokedAt: new Date() }).where('recordId', '=', id).where('kind', '=', 'share').where('revokedAt', 'is', null).execute();
    if (r.chance(0.1)) await t.db.deleteFrom('accessGrants').where('recordId', '=', id).where('granteeAgencyId', 'is not', null).execute();
  }
});

async function listed(u: U, filters = ''): Promise<Set<string>> {
  const out = new Set<string>();
  let cursor: string | null = null;
  do {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/cases?limit=7${filters}${cursor ? `&cursor=${cursor}` : ''}`, headers: { cookie: u.cookie } });
    if (res.statusCode !== 200) throw new Error(res.body);
    const body = res.json() as { items: { id: string }[]; nextCursor: string | null };
    for (const i of body.items) out.add(i.id);
    cursor = body.nextCursor;
  } while (cursor);
  return out;
}

describe('the case list and the case page agree', () => {
  it('for every user and every case of a generated world', async () => {
    let opened = 0;
    for (const u of users) {
      const inList = await listed(u);
      for (const id of cases) {
        const page = await t.app.inject({ method: 'GET', url: `/api/v1/cases/${id}`, headers: { cookie: u.cookie } });
        expect([200, 404], `${u.roles[0]} ${id}`).toContain(page.statusCode);
        if (page.statusCode === 200) opened++;
        // Auditors open ended cases by link but hold no case permission to list anything.
        const listable = page.statusCode === 200 && !(u.roles[0] === 'auditor');
        expect(inList.has(id), `${u.roles[0]} of ${u.agencyId} and ${id}`).toBe(listable);
      }
    }
    expect(opened).toBeGreaterThan(20);
    expect(opened).toBeLessThan(users.length * cases.length);
  });

  it('also under filters, page by page', async () => {
    const rows = await t.db.selectFrom('cases').select(['id', 'status', 'region', 'ownerUserId']).where('id', 'in', cases).execute();
    let found = 0;
    for (const u of users.filter((x) => x.roles[0] !== 'auditor')) {
      const everything = await listed(u);
      const want = new Set(rows.filter((c) => everything.has(c.id) && c.status === 'active' && c.region === 'Ganja').map((c) => c.id));
      expect(await listed(u, '&status=active&region=Ganja'), `${u.roles[0]} of ${u.agencyId}`).toEqual(want);
      const mine = new Set(rows.filter((c) => everything.has(c.id) && c.ownerUserId === u.id).map((c) => c.id));
      expect(await listed(u, '&mine=true'), `mine: ${u.roles[0]} of ${u.agencyId}`).toEqual(mine);
      found += want.size + mine.size;
    }
    expect(found).toBeGreaterThan(0);
  });

  it('keeps the access index exactly what the cases and grants say', async () => {
    const { rows: diff } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (
        (SELECT * FROM case_listing EXCEPT SELECT * FROM case_listing_rows(ARRAY(SELECT id FROM cases)))
        UNION ALL
        (SELECT * FROM case_listing_rows(ARRAY(SELECT id FROM cases)) EXCEPT SELECT * FROM case_listing)
      ) d`.execute(t.db);
    expect(diff[0]!.n).toBe(0);
    const { rows: size } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM case_listing`.execute(t.db);
    expect(size[0]!.n).toBeGreaterThan(cases.length); // owners and grantees
  });
});
