import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    });
  }
});

async function listed(u: U): Promise<Set<string>> {
  const out = new Set<string>();
  let cursor: string | null = null;
  do {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/cases?limit=7${cursor ? `&cursor=${cursor}` : ''}`, headers: { cookie: u.cookie } });
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
});
