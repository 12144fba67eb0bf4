import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cloneTestDatabase } from '../../../test/helpers/db.ts';
import { makeAgency, makeUser, TEST_SECRET_KEY } from '../../../test/helpers/app.ts';
import { deriveKeys } from '../crypto/keys.ts';
import { bindRecordKeys, openField } from '../crypto/record-keys.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { verifyAuditChain } from '../audit/audit.ts';
import type { Permission } from '../../shared/roles.ts';
import { BREAK_GLASS_HOURS, breakGlass } from './break-glass.ts';
import { decide, visibleFilter, type ResourceDef } from './policy.ts';
import type { Principal } from './principal.ts';
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
const REASON = 'Victim in hospital, shelter staff unreachable';

let db: Db;
let drop: () => Promise<void>;
let recordId: string;
let supervisor: Principal;
let colleague: Principal;

const principal = (u: { id: string; agencyId: string }, permissions: Permission[]): Principal => ({
  userId: u.id,
  agencyId: u.agencyId,
  email: 'x@example.org',
  roles: [],
  permissions: new Set(permissions),
  via: 'session',
  sessionId: null,
  tokenId: null,
});

async function caught(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

const counts = async () => ({
  grants: Number((await sql<{ n: string }>`SELECT count(*) AS n FROM access_grants`.execute(db)).rows[0]!.n),
  entries: Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log`.execute(db)).rows[0]!.n),
});

const visible = async (p: Principal, action: 'read' | 'update') =>
  (
    await sql<{
      id: string;
    }>`SELECT id FROM test_records WHERE id = ${recordId} AND ${visibleFilter(p, action, RECORDS)}`.execute(
      db,
    )
  ).rows.length === 1;

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
  const owner = await makeAgency(db);
  recordId = crypto.randomUUID();
  await sql`INSERT INTO test_records (id, owner_agency_id) VALUES (${recordId}, ${owner.id})`.execute(db);
  const agency = await makeAgency(db);
  supervisor = principal(await makeUser(db, { agencyId: agency.id }), [
    'break_glass',
    'case:read:agency',
    'case:update:agency',
  ]);
  colleague = principal(await makeUser(db, { agencyId: agency.id }), [
    'case:read:granted',
    'case:read:agency',
  ]);
});

describe('breakGlass', () => {
  it('refuses without the break_glass permission, writing nothing', async () => {
    const before = await counts();
    const e = await caught(breakGlass(db, colleague, RECORDS, recordId, REASON));
    expect(e.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it.each(['', '   ', 'urgent', '  urgent!!  '])(
    'refuses the reason %j as too short, naming the field',
    async (reason) => {
      const before = await counts();
      const e = await caught(breakGlass(db, supervisor, RECORDS, recordId, reason));
      expect(e.status).toBe(400);
      expect(Object.keys(e.fields ?? {})).toEqual(['reason']);
      expect(await counts()).toEqual(before);
    },
  );

  it.each([
    ['an unknown record', () => crypto.randomUUID()],
    ['a malformed id', () => 'not-a-uuid'],
  ])('answers 404 for %s and leaves nothing behind', async (_what, id) => {
    const before = await counts();
    const e = await caught(breakGlass(db, supervisor, RECORDS, id(), REASON));
    expect(e.status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it('opens every section to this user for a read, never an update, and to no one else', async () => {
    expect(decide(supervisor, 'read', RECORDS, (await loadRecordFacts(db, RECORDS, recordId))!).allowed).toBe(
      false,
    );
    expect(await visible(supervisor, 'read')).toBe(false);

    const { grantId, expiresAt } = await breakGlass(db, supervisor, RECORDS, recordId, `  ${REASON}  `);

    const grant = await db
      .selectFrom('accessGrants')
      .selectAll()
      .where('id', '=', grantId)
      .executeTakeFirstOrThrow();
    expect(grant).toMatchObject({
      kind: 'break_glass',
      granteeUserId: supervisor.userId,
      granteeAgencyId: null,
      grantedBy: supervisor.userId,
      reason: null,
      recordType: 'case',
      recordId,
      revokedAt: null,
    });
    // The reason is kept on the grant sealed, bound to the grant (docs/nrm.md, "Identity at rest").
    expect(grant.reasonEnc!.toString('latin1')).not.toContain(REASON);
    expect(openField('access_grants', 'reason', grantId, grant.reasonEnc)).toBe(REASON);
    expect(() => openField('access_grants', 'reason', recordId, grant.reasonEnc)).toThrow();
    expect(grant.sections).toEqual(RECORDS.sections);
    expect(grant.expiresAt).toEqual(expiresAt);
    // Start and end come from the database clock; allow for the milliseconds JS drops.
    expect(
      Math.abs(expiresAt.getTime() - grant.createdAt.getTime() - BREAK_GLASS_HOURS * 3600_000),
    ).toBeLessThanOrEqual(1);

    const facts = (await loadRecordFacts(db, RECORDS, recordId))!;
    const read = decide(supervisor, 'read', RECORDS, facts);
    expect(read).toEqual({ allowed: true, via: 'user_grant', sections: new Set(RECORDS.sections) });
    expect(decide(supervisor, 'update', RECORDS, facts).allowed).toBe(false);
    expect(decide(colleague, 'read', RECORDS, facts).allowed).toBe(false);
    expect(await visible(supervisor, 'read')).toBe(true);
    expect(await visible(supervisor, 'update')).toBe(false);
    expect(await visible(colleague, 'read')).toBe(false);

    // ... and only for a few hours.
    const later = new Date(expiresAt.getTime() + 1);
    expect(decide(supervisor, 'read', RECORDS, facts, later).allowed).toBe(false);
    expect(
      (
        await sql`SELECT id FROM test_records WHERE id = ${recordId} AND ${visibleFilter(supervisor, 'read', RECORDS, later)}`.execute(
          db,
        )
      ).rows,
    ).toHaveLength(0);
  });

  it('writes a flagged access.break_glass entry with the reason as purpose', async () => {
    const { grantId, expiresAt } = await breakGlass(db, supervisor, RECORDS, recordId, REASON, 'req-42');
    const entry = await db
      .selectFrom('auditLog')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      action: 'access.break_glass',
      flagged: true,
      // The log says a reason was given; the reason itself is kept on the grant.
      purpose: 'reason_given',
      recordType: 'case',
      recordId,
      actorUserId: supervisor.userId,
      actorAgencyId: supervisor.agencyId,
      via: 'session',
      requestId: 'req-42',
      changes: { grantId, expiresAt: expiresAt.toISOString() },
    });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('writes the grant and its entry in one transaction: no entry, no grant', async () => {
    await sql`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit unavailable'; END $$`.execute(
      db,
    );
    await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()`.execute(
      db,
    );
    try {
      const before = await counts();
      await expect(breakGlass(db, supervisor, RECORDS, recordId, REASON)).rejects.toThrow(
        /audit unavailable/,
      );
      expect(await counts()).toEqual(before);
      expect(await visible(supervisor, 'read')).toBe(false);
    } finally {
      await sql`DROP TRIGGER refuse_audit ON audit_log`.execute(db);
      await sql`DROP FUNCTION refuse_audit()`.execute(db);
    }
  });
});
