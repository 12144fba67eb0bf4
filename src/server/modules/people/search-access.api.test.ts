import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, makeAgency, makeUser, type TestApp } from '../../../../test/helpers/app.ts';
import { decide } from '../../access/policy.ts';
import { loadRecordFacts } from '../../access/repository.ts';
import type { Principal } from '../../access/principal.ts';
import { loadUserWithAccess } from '../../auth/principal-repository.ts';
import { SYSTEM_ACTOR } from '../../audit/audit.ts';
import type { Role } from '../../../shared/roles.ts';
import { PEOPLE } from './policy.ts';
import { insertPerson, rankPeople, toNewName } from './service.ts';
import { insertNames, refreshNameKeys } from './repository.ts';

let t: TestApp;

async function principal(roles: Role[], agencyId: string): Promise<Principal> {
  const u = await makeUser(t.db, { roles, agencyId });
  const w = (await loadUserWithAccess(t.db, u.id))!;
  return { userId: u.id, agencyId, email: u.email, roles: w.roles, permissions: new Set(w.permissions), via: 'session', sessionId: null, tokenId: null };
}

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/**
 * The search splits its look-up by the way a row can be visible; whatever the split, it must return
 * exactly the people `decide` lets the user read. Generated: people in several agencies, created by
 * several users, with agency and user grants that are active, revoked, expired or not yet begun.
 */
describe('people search agrees with the policy engine', () => {
  it('on generated people, grants and users', async () => {
    const agencies = await Promise.all([0, 1, 2, 3].map(() => makeAgency(t.db)));
    const creators = await Promise.all(agencies.map((a) => principal(['case_worker'], a.id)));
    const spellings = ['Hüseyn Məmmədov', 'Гусейн Мамедов', 'Huseyn Mammadov', 'Huseyn Mamedov'];
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const creator = creators[i % creators.length]!;
      const [given, family] = spellings[i % spellings.length]!.split(' ');
      const person = await t.db.transaction().execute((tx) => insertPerson(tx, creator, SYSTEM_ACTOR, { name: { givenName: given, familyName: family }, sex: 'male' }));
      ids.push(person.id);
    }
    // A user who moved agency still owns what they created (`own`).
    await t.db.updateTable('users').set({ agencyId: agencies[1]!.id }).where('id', '=', creators[0]!.userId).execute();
    const grant = (i: number, grantee: { agencyId?: string; userId?: string }, extra: string) =>
      sql`INSERT INTO access_grants (record_type, record_id, grantee_agency_id, grantee_user_id, sections, kind, created_at, expires_at, revoked_at)
        VALUES ('person', ${ids[i]!}, ${grantee.agencyId ?? null}, ${grantee.userId ?? null}, ARRAY['identity'], ${grantee.userId ? 'break_glass' : 'referral'}, ${sql.raw(extra)})`.execute(t.db);
    const target = agencies[2]!.id;
    const viewer = await principal(['case_worker'], target);
    const investigator = await principal(['investigator'], target);
    for (let i = 0; i < 40; i += 3) await grant(i, { agencyId: target }, "now() - interval '1 day', NULL, NULL");
    await grant(1, { agencyId: target }, "now() - interval '2 days', now() - interval '1 day', NULL");
    await grant(5, { agencyId: target }, "now() - interval '1 day', NULL, now() - interval '1 hour'");
    await grant(7, { agencyId: target }, "now() + interval '1 day', NULL, NULL");
    await grant(11, { userId: viewer.userId }, "now() - interval '1 hour', now() + interval '1 hour', NULL");
    await grant(13, { userId: investigator.userId }, "now() - interval '1 hour', now() + interval '1 hour', NULL");
    const movedCreator = { ...creators[0]!, agencyId: agencies[1]!.id };
    const analyst = await principal(['analyst'], target);

    const check = async (q: string, among: string[]) => {
      for (const p of [viewer, investigator, analyst, movedCreator, ...creators.slice(1)]) {
        const expected: string[] = [];
        for (const id of among) {
          const facts = (await loadRecordFacts(t.db, PEOPLE, id))!;
          if (decide(p, 'read', PEOPLE, facts).allowed) expected.push(id);
        }
        const found = (await rankPeople(t.db, p, q, 100)).map((h) => h.person.id);
        expect(found.sort(), `${q}: ${p.roles.join()} of agency ${p.agencyId}`).toEqual(expected.sort());
      }
    };
    await check('Мамедов Гусейн', ids);

    // Later changes the grants' key index (person_grant_keys) must follow: grants revoked, a granted
    // person renamed (new keys: found by the new name, no longer by the old), a grant deleted.
    await t.db.updateTable('accessGrants').set({ revokedAt: new Date() }).where('recordId', 'in', [ids[0]!, ids[3]!]).where('granteeAgencyId', '=', target).execute();
    await t.db.deleteFrom('accessGrants').where('recordId', '=', ids[6]!).where('granteeAgencyId', '=', target).execute();
    const renamed = ids[9]!;
    await t.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('personNames').where('personId', '=', renamed).execute();
      await insertNames(tx, renamed, null, [toNewName({ givenName: 'Elvin', familyName: 'Qasımov' }, 'primary')]);
      await refreshNameKeys(tx, renamed);
    });
    await check('Мамедов Гусейн', ids.filter((id) => id !== renamed));
    await check('Касымов Эльвин', [renamed]);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (
        (SELECT * FROM person_grant_keys EXCEPT SELECT * FROM person_grant_keys_rows(ARRAY(SELECT id FROM people)))
        UNION ALL
        (SELECT * FROM person_grant_keys_rows(ARRAY(SELECT id FROM people)) EXCEPT SELECT * FROM person_grant_keys)
      ) d`.execute(t.db);
    expect(rows[0]!.n).toBe(0);
  });
});
