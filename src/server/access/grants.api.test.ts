import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cloneTestDatabase } from '../../../test/helpers/db.ts';
import { makeAgency, makeUser, TEST_SECRET_KEY } from '../../../test/helpers/app.ts';
import { deriveKeys } from '../crypto/keys.ts';
import { bindRecordKeys, openField } from '../crypto/record-keys.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { verifyAuditChain } from '../audit/audit.ts';
import { grantAccess, revokeGrant, type GrantRequest } from './grants.ts';
import { decide, visibleFilter, type ResourceDef } from './policy.ts';
import { actorOf, type Principal } from './principal.ts';
import { loadRecordFacts } from './repository.ts';

const RECORDS: ResourceDef = {
  recordType: 'case',
  table: 'testRecords',
  idColumn: 'testRecords.id',
  ownerUserColumn: 'testRecords.ownerUserId',
  ownerAgencyColumn: 'testRecords.ownerAgencyId',
  sections: ['summary', 'identity', 'health'],
  fieldTags: {},
};

let db: Db;
let drop: () => Promise<void>;
let recordId: string;
let owner: Principal;
let shelterWorker: Principal;

const principal = (
  u: { id: string; agencyId: string },
  permissions: Principal['permissions'],
): Principal => ({
  userId: u.id,
  agencyId: u.agencyId,
  email: 'x@example.org',
  roles: [],
  permissions,
  via: 'session',
  sessionId: null,
  tokenId: null,
});

const lastEntry = () =>
  db.selectFrom('auditLog').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
const entries = async () =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log`.execute(db)).rows[0]!.n);
const grantCount = async () =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM access_grants`.execute(db)).rows[0]!.n);
const visible = async (p: Principal) =>
  (
    await sql`SELECT id FROM test_records WHERE id = ${recordId} AND ${visibleFilter(p, 'read', RECORDS)}`.execute(
      db,
    )
  ).rows.length === 1;

const grant = (req: Partial<GrantRequest> = {}) =>
  db
    .transaction()
    .execute((tx) =>
      grantAccess(tx, actorOf(owner), RECORDS, {
        recordId,
        grantee: { agencyId: shelterWorker.agencyId },
        sections: ['summary', 'health'],
        kind: 'referral',
        ...req,
      }),
    );

beforeAll(async () => {
  // No app here: the reasons grants keep are sealed under the tests' master key, bound as the app binds it.
  bindRecordKeys(deriveKeys(TEST_SECRET_KEY));
  ({ db, drop } = await cloneTestDatabase());
  await sql`CREATE TABLE test_records (id uuid PRIMARY KEY, owner_user_id uuid NULL, owner_agency_id uuid NOT NULL)`.execute(
    db,
  );
});
afterAll(() => drop());

beforeEach(async () => {
  const ngo = await makeAgency(db);
  owner = principal(
    await makeUser(db, { agencyId: ngo.id }),
    new Set(['case:read:agency', 'case:update:agency']),
  );
  shelterWorker = principal(
    await makeUser(db, { agencyId: (await makeAgency(db, { type: 'shelter' })).id }),
    new Set(['case:read:granted']),
  );
  recordId = crypto.randomUUID();
  await sql`INSERT INTO test_records (id, owner_agency_id, owner_user_id) VALUES (${recordId}, ${ngo.id}, ${owner.userId})`.execute(
    db,
  );
});

describe('grantAccess', () => {
  it('opens only the named sections to the grantee agency, and audits the grant', async () => {
    expect(await visible(shelterWorker)).toBe(false);
    const { grantId } = await grant({ reason: 'Referral to shelter' });

    const d = decide(shelterWorker, 'read', RECORDS, (await loadRecordFacts(db, RECORDS, recordId))!);
    expect(d).toEqual({ allowed: true, via: 'granted', sections: new Set(['summary', 'health']) });
    expect(
      decide(shelterWorker, 'update', RECORDS, (await loadRecordFacts(db, RECORDS, recordId))!).allowed,
    ).toBe(false);
    expect(await visible(shelterWorker)).toBe(true);

    // The reason is kept on the grant, sealed and bound to it (docs/nrm.md, "Identity at rest").
    const stored = await db.selectFrom('accessGrants').select(['reason', 'reasonEnc']).where('id', '=', grantId).executeTakeFirstOrThrow();
    expect(stored.reason).toBeNull();
    expect(openField('access_grants', 'reason', grantId, stored.reasonEnc)).toBe('Referral to shelter');

    expect(await lastEntry()).toMatchObject({
      action: 'access.grant',
      actorUserId: owner.userId,
      recordType: 'case',
      recordId,
      purpose: 'reason_given',
      flagged: false,
      changes: {
        grantId,
        kind: 'referral',
        granteeAgencyId: shelterWorker.agencyId,
        granteeUserId: null,
        sections: ['summary', 'health'],
        expiresAt: null,
      },
    });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('ends the grant after the hours given', async () => {
    const { grantId } = await grant({ hours: 2 });
    const g = await db
      .selectFrom('accessGrants')
      .selectAll()
      .where('id', '=', grantId)
      .executeTakeFirstOrThrow();
    expect(Math.abs(g.expiresAt!.getTime() - g.createdAt.getTime() - 2 * 3600_000)).toBeLessThanOrEqual(1);
  });

  it.each([
    [{ sections: [] }, 'sections'],
    [{ sections: ['summary', 'bank_details'] }, 'sections'],
    [{ hours: 0 }, 'hours'],
    [{ hours: -1 }, 'hours'],
  ] as const)('refuses %j naming %s, writing nothing', async (req, field) => {
    const [g, e] = [await grantCount(), await entries()];
    const err = await grant(req as Partial<GrantRequest>).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    expect(Object.keys((err as AppError).fields ?? {})).toEqual([field]);
    expect([await grantCount(), await entries()]).toEqual([g, e]);
  });

  it('answers 404 for a record that does not exist', async () => {
    const err = await grant({ recordId: crypto.randomUUID() }).catch((x: unknown) => x);
    expect((err as AppError).status).toBe(404);
  });
});

describe('revokeGrant', () => {
  it('closes the record to the grantee in both forms, audits once, and is idempotent', async () => {
    const { grantId } = await grant();
    expect(await visible(shelterWorker)).toBe(true);

    const first = await db
      .transaction()
      .execute((tx) => revokeGrant(tx, actorOf(owner), grantId, 'Client moved'));
    expect(await visible(shelterWorker)).toBe(false);
    expect(
      decide(shelterWorker, 'read', RECORDS, (await loadRecordFacts(db, RECORDS, recordId))!).allowed,
    ).toBe(false);
    expect(await lastEntry()).toMatchObject({
      action: 'access.revoke',
      recordId,
      purpose: 'reason_given',
      changes: { grantId },
    });

    const n = await entries();
    const again = await db.transaction().execute((tx) => revokeGrant(tx, actorOf(owner), grantId));
    expect(again.revokedAt).toEqual(first.revokedAt);
    expect(await entries()).toBe(n);
  });

  it.each([crypto.randomUUID(), 'nope'])('answers 404 for the unknown grant %s', async (id) => {
    const err = await db
      .transaction()
      .execute((tx) => revokeGrant(tx, actorOf(owner), id))
      .catch((x: unknown) => x);
    expect((err as AppError).status).toBe(404);
  });
});
