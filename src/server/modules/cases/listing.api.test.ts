import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { grantAccess } from '../../access/grants.ts';
import { SYSTEM_ACTOR } from '../../audit/audit.ts';
import type { Role } from '../../../shared/roles.ts';
import { CASES } from './policy.ts';

/**
 * The case list through its access index (`case_listing`, migration 0085): `mine` for a role that
 * reads its own case through a grant; the index under concurrent writers (the grant triggers lock the
 * case row, so each writer sees the other's commit); every filter, page by page. Each test states what
 * the policy engine allows and checks that the list agrees.
 */

let t: TestApp;
let A: string;
let B: string;
type U = Session & { id: string };
let owner: U;
let workerB: U;
let officerB: U;

const user = async (roles: Role[], agencyId: string): Promise<U> => {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
};

beforeAll(async () => {
  t = await createTestApp();
  A = (await makeAgency(t.db)).id;
  B = (await makeAgency(t.db)).id;
  owner = await user(['case_worker'], A);
  workerB = await user(['case_worker'], B);
  officerB = await user(['identification_officer'], B);
});
afterAll(() => t.close());

const newCase = async () => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: owner.headers, payload: { region: 'Baku' } });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
};
const listed = async (u: U, filters = '') => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/cases?limit=100${filters}`, headers: { cookie: u.cookie } });
  expect(res.statusCode).toBe(200);
  return (res.json() as { items: { id: string }[] }).items.map((i) => i.id);
};
const opens = async (u: U, id: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${id}`, headers: { cookie: u.cookie } })).statusCode;
const agencyGrant = (tx: Parameters<typeof grantAccess>[0], id: string, agencyId: string) =>
  grantAccess(tx, SYSTEM_ACTOR, CASES, { recordId: id, grantee: { agencyId }, sections: ['summary'], kind: 'share' });

describe('mine', () => {
  it('lists the case worker\'s own case to a role that reads it through a grant (identification officer)', async () => {
    // The officer is the case worker (as after accepting a transfer) and B holds a grant: decide allows (via granted).
    const id = await newCase();
    await t.db.transaction().execute((tx) => agencyGrant(tx, id, B));
    await t.db.updateTable('cases').set({ ownerUserId: officerB.id }).where('id', '=', id).execute();
    expect(await opens(officerB, id)).toBe(200);
    expect(await listed(officerB)).toContain(id);
    expect(await listed(officerB, '&mine=true')).toContain(id);
  });
});

describe('case_listing under concurrent writers that do not lock the case row', () => {
  const clients = async () => {
    const c1 = new pg.Client({ connectionString: t.url });
    const c2 = new pg.Client({ connectionString: t.url });
    await c1.connect();
    await c2.connect();
    return { c1, c2, end: async () => { await c1.end(); await c2.end(); } };
  };
  // A statement that may wait for the other transaction's lock (as it must, once the triggers lock the
  // case): started, given time to block, and awaited only after the other transaction commits.
  const pause = () => new Promise((r) => setTimeout(r, 300));
  const insertGrantSql = `INSERT INTO access_grants (record_type, record_id, grantee_agency_id, sections, kind) VALUES ('case', $1, $2, ARRAY['summary'], 'share') RETURNING id`;

  it('keeps the agency row when one grant is revoked while another to the same agency is written', async () => {
    const id = await newCase();
    const { rows } = await t.db.transaction().execute(async (tx) => ({ rows: [await agencyGrant(tx, id, B)] }));
    const g1 = rows[0]!.grantId;
    const { c1, c2, end } = await clients();
    try {
      await c1.query('BEGIN');
      await c2.query('BEGIN');
      await c2.query(insertGrantSql, [id, B]); // its trigger: (case, B) exists -> DO NOTHING (no row lock)
      const revoke = c1.query(`UPDATE access_grants SET revoked_at = now() WHERE id = $1`, [g1]); // refresh: g2 not visible -> DELETE (case, B)
      await pause();
      await c2.query('COMMIT');
      await revoke;
      await c1.query('COMMIT');
    } finally {
      await end();
    }
    expect(await opens(workerB, id)).toBe(200); // the new grant is active
    const { rows: l } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM case_listing WHERE case_id = ${id} AND agency_id = ${B}`.execute(t.db);
    expect(l[0]!.n, 'case_listing row for the agency holding an active grant').toBe(1);
    expect(await listed(workerB)).toContain(id);
  });

  it('does not list a case whose access an order ended, when a grant was written while the order was', async () => {
    const id = await newCase();
    const { c1, c2, end } = await clients();
    try {
      await c1.query('BEGIN');
      await c1.query(`UPDATE cases SET access_ended_at = now(), access_end_authority = 'court', access_end_ordered_on = '2026-01-01' WHERE id = $1`, [id]);
      await c2.query('BEGIN');
      const insert = c2.query(insertGrantSql, [id, B]); // its trigger copies the case as committed: access_ended = false
      await pause();
      await c1.query('COMMIT');
      await insert;
      await c2.query('COMMIT');
    } finally {
      await end();
    }
    expect(await opens(workerB, id)).toBe(404); // the order ended access: the page refuses
    expect(await listed(workerB)).not.toContain(id);
  });

  it('keeps the old owner\'s row when a grant to it is written while the case is transferred away', async () => {
    const id = await newCase();
    const { c1, c2, end } = await clients();
    try {
      await c1.query('BEGIN');
      await c2.query('BEGIN');
      await c2.query(insertGrantSql, [id, A]); // (case, A) is the owner's row -> DO NOTHING
      const transfer = c1.query(`UPDATE cases SET owner_agency_id = $2, owner_user_id = NULL WHERE id = $1`, [id, B]); // refresh: no grant to A visible -> DELETE (case, A)
      await pause();
      await c2.query('COMMIT');
      await transfer;
      await c1.query('COMMIT');
    } finally {
      await end();
    }
    expect(await opens(owner, id)).toBe(200); // A holds an active grant
    expect(await listed(owner)).toContain(id);
  });
});

describe('filters through the access index (every filter, both agencies, page by page)', () => {
  it('give what the unfiltered list holds and the case rows say', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 16; i++) {
      const id = await newCase();
      ids.push(id);
      await t.db.transaction().execute(async (tx) => {
        if (i % 2 === 0) await agencyGrant(tx, id, B);
        await tx
          .updateTable('cases')
          .set({
            victimStatus: (['potential', 'presumed', 'identified', 'not_identified'] as const)[i % 4],
            exploitationForms: i % 3 === 0 ? ['forced_labour'] : ['sexual_exploitation'],
            openedAt: new Date(Date.UTC(2025, i % 12, 1)),
          })
          .where('id', '=', id)
          .execute();
      });
    }
    const rows = await t.db.selectFrom('cases').select(['id', 'victimStatus', 'exploitationForms', 'openedAt', 'createdAt', 'caseNumber', 'ownerAgencyId']).where('id', 'in', ids).execute();
    const mid = [...rows].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[8]!.createdAt.toISOString();
    const filters: [string, (r: (typeof rows)[number]) => boolean][] = [
      ['&victimStatus=presumed,identified', (r) => ['presumed', 'identified'].includes(r.victimStatus)],
      ['&exploitation=forced_labour', (r) => r.exploitationForms.includes('forced_labour')],
      ['&openedFrom=2025-04-01T00:00:00Z&openedTo=2025-09-01T00:00:00Z', (r) => r.openedAt >= new Date('2025-04-01T00:00:00Z') && r.openedAt < new Date('2025-09-01T00:00:00Z')],
      [`&from=${encodeURIComponent(mid)}`, (r) => r.createdAt >= new Date(mid)],
      [`&number=${rows[3]!.caseNumber}`, (r) => r.caseNumber.startsWith(rows[3]!.caseNumber)],
      [`&ownerAgencyId=${A}`, (r) => r.ownerAgencyId === A],
    ];
    for (const u of [owner, workerB]) {
      const every = new Set(await listed(u));
      for (const [f, keep] of filters) {
        const want = rows.filter((r) => every.has(r.id) && keep(r)).map((r) => r.id).sort();
        const got: string[] = [];
        let cursor: string | null = null;
        do {
          const res = await t.app.inject({ method: 'GET', url: `/api/v1/cases?limit=2${f}${cursor ? `&cursor=${cursor}` : ''}`, headers: { cookie: u.cookie } });
          expect(res.statusCode, res.body).toBe(200);
          const body = res.json() as { items: { id: string }[]; nextCursor: string | null };
          got.push(...body.items.map((i) => i.id).filter((id) => ids.includes(id)));
          cursor = body.nextCursor;
        } while (cursor);
        expect(got.sort(), f).toEqual(want);
        if (u === owner) expect(want.length, f).toBeGreaterThan(0);
      }
    }
  });
});
