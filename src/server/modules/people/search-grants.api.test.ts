import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { createTestApp, makeAgency, makeUser, type TestApp } from '../../../../test/helpers/app.ts';
import { decide } from '../../access/policy.ts';
import { loadRecordFacts } from '../../access/repository.ts';
import type { Principal } from '../../access/principal.ts';
import { loadUserWithAccess } from '../../auth/principal-repository.ts';
import { SYSTEM_ACTOR } from '../../audit/audit.ts';
import type { Role } from '../../../shared/roles.ts';
import { PEOPLE } from './policy.ts';
import { insertPerson, rankPeople } from './service.ts';

/** person_grant_keys (migration 0086) under a revoke racing a new grant to the same agency: the grant triggers lock the person row, so the row stays. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function principal(roles: Role[], agencyId: string): Promise<Principal> {
  const u = await makeUser(t.db, { roles, agencyId });
  const w = (await loadUserWithAccess(t.db, u.id))!;
  return { userId: u.id, agencyId, email: u.email, roles: w.roles, permissions: new Set(w.permissions), via: 'session', sessionId: null, tokenId: null };
}

describe('person_grant_keys under concurrent grant writers', () => {
  it('keeps the grantee row when one grant is revoked while another to the same agency is written', async () => {
    const [a, b] = [await makeAgency(t.db), await makeAgency(t.db)];
    const creator = await principal(['case_worker'], a.id);
    const viewer = await principal(['case_worker'], b.id);
    const person = await t.db.transaction().execute((tx) => insertPerson(tx, creator, SYSTEM_ACTOR, { name: { givenName: 'Hüseyn', familyName: 'Məmmədov' }, sex: 'male' }));
    const ins = `INSERT INTO access_grants (record_type, record_id, grantee_agency_id, sections, kind) VALUES ('person', $1, $2, ARRAY['identity'], 'referral') RETURNING id`;
    const { rows } = await sql<{ id: string }>`INSERT INTO access_grants (record_type, record_id, grantee_agency_id, sections, kind) VALUES ('person', ${person.id}, ${b.id}, ARRAY['identity'], 'referral') RETURNING id`.execute(t.db);
    const c1 = new pg.Client({ connectionString: t.url });
    const c2 = new pg.Client({ connectionString: t.url });
    await c1.connect();
    await c2.connect();
    try {
      await c1.query('BEGIN');
      await c2.query('BEGIN');
      await c2.query(ins, [person.id, b.id]);
      const revoke = c1.query('UPDATE access_grants SET revoked_at = now() WHERE id = $1', [rows[0]!.id]);
      await new Promise((r) => setTimeout(r, 300));
      await c2.query('COMMIT');
      await revoke;
      await c1.query('COMMIT');
    } finally {
      await c1.end();
      await c2.end();
    }
    expect(decide(viewer, 'read', PEOPLE, (await loadRecordFacts(t.db, PEOPLE, person.id))!).allowed).toBe(true);
    expect((await rankPeople(t.db, viewer, 'Məmmədov Hüseyn', 20)).map((h) => h.person.id)).toContain(person.id);
  });
});
