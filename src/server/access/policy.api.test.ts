import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTestDatabase } from '../../../test/helpers/db.ts';
import type { Db } from '../db/database.ts';
import { RECORD_TYPES, SCOPES, type Permission, type RecordAction } from '../../shared/roles.ts';
import { decide, scopesFor, visibleFilter, type Decision, type RecordFacts, type ResourceDef } from './policy.ts';
import type { Principal } from './principal.ts';
import { loadRecordFacts } from './repository.ts';

/**
 * The per-record check (`decide`) and the SQL filter (`visibleFilter`) are two forms of one rule.
 * These tests build a world of agencies, users, records and grants in a real database and demand
 * that, at one fixed `now`, the filter returns exactly the records `decide` allows.
 */

const NOW = new Date('2025-06-01T12:00:00.000Z');

const RECORDS: ResourceDef = {
  recordType: 'case',
  table: 'testRecords',
  idColumn: 'testRecords.id',
  ownerUserColumn: 'testRecords.ownerUserId',
  ownerAgencyColumn: 'testRecords.ownerAgencyId',
  sections: ['summary', 'identity', 'health', 'legal'],
  fieldTags: {},
  // Some records are under an order ending access (the cases module's rule, on this test table).
  accessEnded: sql<boolean>`${sql.ref('testRecords.ended')}`,
};

/** mulberry32: small, seeded, good enough to spread cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    subset: <T>(xs: readonly T[], p: number): T[] => xs.filter(() => next() < p),
  };
}

function principal(userId: string, agencyId: string, permissions: Iterable<Permission>): Principal {
  return {
    userId,
    agencyId,
    email: `${userId}@example.org`,
    roles: [],
    permissions: new Set(permissions),
    via: 'session',
    sessionId: null,
    tokenId: null,
  };
}

let db: Db;
let drop: () => Promise<void>;

async function makeAgencies(n: number): Promise<string[]> {
  const rows = await db
    .insertInto('agencies')
    .values(Array.from({ length: n }, () => ({ name: `Agency ${crypto.randomUUID()}`, type: 'ngo' })))
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

async function makeUsers(agencyIds: readonly string[], n: number, rnd: ReturnType<typeof prng>) {
  const rows = await db
    .insertInto('users')
    .values(
      Array.from({ length: n }, (_, i) => ({
        email: `u${i}.${crypto.randomUUID()}@example.org`,
        name: `User ${i}`,
        agencyId: rnd.pick(agencyIds),
      })),
    )
    .returning(['id', 'agencyId'])
    .execute();
  return rows;
}

async function insertRecord(id: string, ownerAgencyId: string, ownerUserId: string | null, ended = false) {
  await sql`INSERT INTO test_records (id, owner_agency_id, owner_user_id, ended) VALUES (${id}, ${ownerAgencyId}, ${ownerUserId}, ${ended})`.execute(
    db,
  );
}

/** A timestamp `us` microseconds from NOW, computed in PostgreSQL so sub-millisecond parts survive. */
const fromNow = (us: number | null) =>
  us === null
    ? sql`NULL`
    : sql`${NOW.toISOString()}::timestamptz + (${String(us)} || ' microseconds')::interval`;

type GrantSpec = {
  recordType: string;
  recordId: string;
  granteeAgencyId: string | null;
  granteeUserId: string | null;
  sections: string[];
  createdUs: number;
  expiresUs: number | null;
  revokedUs: number | null;
};

async function insertGrant(g: GrantSpec) {
  await sql`INSERT INTO access_grants (record_type, record_id, grantee_agency_id, grantee_user_id, sections, kind, created_at, expires_at, revoked_at)
    VALUES (${g.recordType}, ${g.recordId}, ${g.granteeAgencyId}, ${g.granteeUserId}, ${g.sections}, ${g.granteeUserId ? 'break_glass' : 'share'},
            ${fromNow(g.createdUs)}, ${fromNow(g.expiresUs)}, ${fromNow(g.revokedUs)})`.execute(db);
}

async function visibleIds(filter: RawBuilder<boolean>): Promise<Set<string>> {
  const { rows } = await sql<{
    id: string;
  }>`SELECT id FROM ${sql.table('testRecords')} WHERE ${filter}`.execute(db);
  return new Set(rows.map((r) => r.id));
}

beforeAll(async () => {
  ({ db, drop } = await cloneTestDatabase());
  await sql`CREATE TABLE test_records (id uuid PRIMARY KEY, owner_user_id uuid NULL, owner_agency_id uuid NOT NULL, ended boolean NOT NULL DEFAULT false)`.execute(
    db,
  );
});
afterAll(() => drop());

describe('visibleFilter agrees with decide', () => {
  type World = { principals: Principal[]; facts: Map<string, RecordFacts> };
  let world: World;
  type Filter = (p: Principal, action: RecordAction, res: ResourceDef, now: Date) => RawBuilder<boolean>;

  /** Every (principal, action, record) where the filter and decide part ways. */
  async function disagreements(filter: Filter) {
    const out: {
      user: string;
      perms: string[];
      action: RecordAction;
      record: string;
      decide: boolean;
      sql: boolean;
    }[] = [];
    for (const p of world.principals) {
      for (const action of ['read', 'update'] as const) {
        const inSql = await visibleIds(filter(p, action, RECORDS, NOW));
        for (const [id, facts] of world.facts) {
          const allowed = decide(p, action, RECORDS, facts, NOW).allowed;
          if (allowed !== inSql.has(id))
            out.push({
              user: p.userId,
              perms: [...p.permissions],
              action,
              record: id,
              decide: allowed,
              sql: inSql.has(id),
            });
        }
      }
    }
    return out;
  }

  beforeAll(async () => {
    const rnd = prng(20250601);
    const agencies = await makeAgencies(6);
    const users = await makeUsers(agencies, 30, rnd);

    const recordIds: string[] = [];
    for (let i = 0; i < 250; i++) {
      const id = crypto.randomUUID();
      const ownerAgencyId = rnd.pick(agencies);
      const colleagues = users.filter((u) => u.agencyId === ownerAgencyId);
      const ownerUserId = rnd.chance(0.3)
        ? null
        : rnd.chance(0.6) && colleagues.length > 0
          ? rnd.pick(colleagues).id
          : rnd.pick(users).id;
      await insertRecord(id, ownerAgencyId, ownerUserId, rnd.chance(0.15));
      recordIds.push(id);
    }

    // Offsets in microseconds around NOW, thick at the edges where off-by-one and precision bugs live.
    const edges = [
      -86_400_000_000, -3_600_000_000, -1001, -1000, -999, -500, -1, 0, 1, 500, 999, 1000, 1001,
      3_600_000_000, 86_400_000_000,
    ];
    const sections = RECORDS.sections;
    for (let i = 0; i < 600; i++) {
      const toAgency = rnd.chance(0.55);
      await insertGrant({
        // Some grants are on another record type with the same id: they must open nothing here.
        recordType: rnd.chance(0.1) ? rnd.pick(RECORD_TYPES.filter((t) => t !== 'case')) : 'case',
        recordId: rnd.chance(0.03) ? crypto.randomUUID() : rnd.pick(recordIds),
        granteeAgencyId: toAgency ? rnd.pick(agencies) : null,
        granteeUserId: toAgency ? null : rnd.pick(users).id,
        sections: rnd.subset(sections, 0.5),
        createdUs: rnd.chance(0.6) ? -86_400_000_000 : rnd.pick(edges),
        expiresUs: rnd.chance(0.4) ? null : rnd.pick(edges),
        revokedUs: rnd.chance(0.2) ? rnd.pick(edges) : null,
      });
    }

    const facts = new Map<string, RecordFacts>();
    for (const id of recordIds) facts.set(id, (await loadRecordFacts(db, RECORDS, id))!);

    const recordPerms = (action: RecordAction): Permission[] =>
      SCOPES.filter((s) => rnd.chance(s === 'all' ? 0.04 : 0.35)).map((s) => `case:${action}:${s}` as const);
    const noise: Permission[] = [
      'person:read:all',
      'referral:update:agency',
      'case:create:all',
      'break_glass',
      'sensitive:identity',
      'cases:read_restricted',
      'audit:read',
    ];
    const principals: Principal[] = [];
    for (const u of users) {
      for (let k = 0; k < 10; k++)
        principals.push(
          principal(u.id, u.agencyId, [
            ...recordPerms('read'),
            ...recordPerms('update'),
            ...rnd.subset(noise, 0.3),
          ]),
        );
    }
    world = { principals, facts };
  });

  it('returns exactly the records decide allows, for every principal and action', async () => {
    expect(world.principals.length * world.facts.size).toBeGreaterThanOrEqual(300 * 250);
    expect(await disagreements((p, a, res, now) => visibleFilter(p, a, res, now))).toEqual([]);
  });

  it('returns the same with a probe per row (the form for pages and search candidates)', async () => {
    expect(await disagreements((p, a, res, now) => visibleFilter(p, a, res, now, { probe: true }))).toEqual([]);
  });

  it('returns exactly the records whose decision opens a section, with `section`', async () => {
    for (const section of RECORDS.sections) {
      const out: string[] = [];
      for (const p of world.principals)
        for (const action of ['read', 'update'] as const) {
          const inSql = await visibleIds(visibleFilter(p, action, RECORDS, NOW, { section }));
          for (const [id, facts] of world.facts) {
            const d = decide(p, action, RECORDS, facts, NOW);
            if ((d.allowed && d.sections.has(section)) !== inSql.has(id)) out.push(`${p.userId} ${action} ${id}`);
          }
        }
      expect(out, section).toEqual([]);
    }
  });

  it('covers records an order ended access to, each way in and out', () => {
    const ways = new Map<string, number>();
    for (const p of world.principals)
      for (const facts of world.facts.values()) {
        if (!facts.accessEnded) continue;
        const d = decide(p, 'read', RECORDS, facts, NOW);
        const key = d.allowed ? (facts.ownerAgencyId === p.agencyId ? 'own agency' : 'auditor') : 'refused';
        ways.set(key, (ways.get(key) ?? 0) + 1);
        if (d.allowed) expect(p.permissions.has('cases:read_restricted')).toBe(true);
        expect(decide(p, 'update', RECORDS, facts, NOW).allowed).toBe(false);
      }
    for (const key of ['own agency', 'auditor', 'refused']) expect(ways.get(key) ?? 0, key).toBeGreaterThan(5);
  });

  it('catches a filter that forgets orders ending access', async () => {
    const found = await disagreements((p, a, res, now) => visibleFilter(p, a, { ...res, accessEnded: undefined }, now));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => !d.decide && d.sql)).toBe(true);
  });

  it('catches a filter that lets "own" reach beyond the user\'s agency', async () => {
    // The rule before moved users were taken into account: a record's own user, in any agency.
    const found = await disagreements((p, a, res, now) => {
      const own = [...scopesFor(p, 'case', a)].some((s) => s === 'own' || s === 'agency');
      return sql<boolean>`(${visibleFilter(p, a, res, now)} OR (${own} AND NOT test_records.ended AND test_records.owner_user_id = ${p.userId}))`;
    });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => !d.decide && d.sql)).toBe(true);
  });

  it('covers every way in and every way out', () => {
    const ways = new Map<string, number>();
    for (const p of world.principals)
      for (const action of ['read', 'update'] as const)
        for (const facts of world.facts.values()) {
          const d: Decision = decide(p, action, RECORDS, facts, NOW);
          const key = `${action}:${d.allowed ? d.via : 'refused'}`;
          ways.set(key, (ways.get(key) ?? 0) + 1);
        }
    for (const key of [
      'read:all',
      'read:agency',
      'read:own',
      'read:granted',
      'read:user_grant',
      'read:refused',
      'update:agency',
      'update:own',
      'update:granted',
      'update:refused',
    ])
      expect(ways.get(key) ?? 0, key).toBeGreaterThan(20);
    expect(ways.get('update:user_grant')).toBeUndefined();
  });

  it('catches a filter that is wrong by one millisecond', async () => {
    const found = await disagreements((p, a, res, now) =>
      visibleFilter(p, a, res, new Date(now.getTime() + 1)),
    );
    expect(found.length).toBeGreaterThan(0);
  });

  it('catches a filter that lets a read stand in for an update', async () => {
    const found = await disagreements((p, _a, res, now) => visibleFilter(p, 'read', res, now));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.action === 'update')).toBe(true);
  });

  it('catches a filter that forgets revocations', async () => {
    // The rule plus revoked agency grants treated as live: shows that revoked grants in the world matter.
    const found = await disagreements(
      (p, a, res, now) =>
        sql<boolean>`(${visibleFilter(p, a, res, now)} OR EXISTS (SELECT 1 FROM access_grants r
        WHERE r.record_type = 'case' AND r.record_id = test_records.id AND r.revoked_at IS NOT NULL
          AND (r.grantee_agency_id = ${p.agencyId} AND ${a === 'read' ? sql`${p.permissions.has('case:read:granted')}` : sql`${p.permissions.has('case:update:granted')}`})))`,
    );
    expect(found.length).toBeGreaterThan(0);
  });
});

describe('visibleFilter at the edges', () => {
  let agency: string;
  let other: string;
  let user: { id: string; agencyId: string };
  beforeAll(async () => {
    [agency, other] = (await makeAgencies(2)) as [string, string];
    [user] = (await makeUsers([agency], 1, prng(1))) as [{ id: string; agencyId: string }];
  });

  async function agree(
    p: Principal,
    action: RecordAction,
    id: string,
    res = RECORDS,
    from = sql`test_records`,
  ) {
    const facts = (await loadRecordFacts(db, res, id))!;
    const allowed = decide(p, action, res, facts, NOW).allowed;
    const { rows } = await sql<{
      id: string;
    }>`SELECT ${sql.ref(res.idColumn)} AS id FROM ${from} WHERE ${sql.ref(res.idColumn)} = ${id} AND ${visibleFilter(p, action, res, NOW)}`.execute(
      db,
    );
    return { decide: allowed, sql: rows.length === 1 };
  }

  // Grant times are stored at millisecond precision (timestamptz(3)), so a time given in
  // microseconds is rounded once, on the way in, and both forms judge the same stored value.
  it('judges grant times given in microseconds the same way in both forms', async () => {
    const p = principal(user.id, agency, ['case:read:granted']);
    const startsWithinNow = crypto.randomUUID();
    await insertRecord(startsWithinNow, other, null);
    await insertGrant({
      recordType: 'case',
      recordId: startsWithinNow,
      granteeAgencyId: agency,
      granteeUserId: null,
      sections: ['summary'],
      createdUs: 400,
      expiresUs: null,
      revokedUs: null,
    });
    expect(await agree(p, 'read', startsWithinNow)).toEqual({ decide: true, sql: true });

    const endsWithinNow = crypto.randomUUID();
    await insertRecord(endsWithinNow, other, null);
    await insertGrant({
      recordType: 'case',
      recordId: endsWithinNow,
      granteeAgencyId: agency,
      granteeUserId: null,
      sections: ['summary'],
      createdUs: -1_000_000,
      expiresUs: 400,
      revokedUs: null,
    });
    expect(await agree(p, 'read', endsWithinNow)).toEqual({ decide: false, sql: false });
  });

  it('works when the caller aliases its table as the engine might alias the grants', async () => {
    const aliased: ResourceDef = {
      ...RECORDS,
      idColumn: 'g.id',
      ownerUserColumn: 'g.ownerUserId',
      ownerAgencyColumn: 'g.ownerAgencyId',
      accessEnded: sql<boolean>`${sql.ref('g.ended')}`,
    };
    const id = crypto.randomUUID();
    await insertRecord(id, other, null);
    await insertGrant({
      recordType: 'case',
      recordId: id,
      granteeAgencyId: agency,
      granteeUserId: null,
      sections: ['summary'],
      createdUs: -1_000_000,
      expiresUs: null,
      revokedUs: null,
    });
    const p = principal(user.id, agency, ['case:read:granted']);
    expect(await agree(p, 'read', id, aliased, sql`test_records g`)).toEqual({ decide: true, sql: true });
  });

  it('does not let a grant on another record type with the same id open the record', async () => {
    const id = crypto.randomUUID();
    await insertRecord(id, other, null);
    await insertGrant({
      recordType: 'person',
      recordId: id,
      granteeAgencyId: agency,
      granteeUserId: null,
      sections: ['summary'],
      createdUs: -1_000_000,
      expiresUs: null,
      revokedUs: null,
    });
    await insertGrant({
      recordType: 'person',
      recordId: id,
      granteeAgencyId: null,
      granteeUserId: user.id,
      sections: ['summary'],
      createdUs: -1_000_000,
      expiresUs: null,
      revokedUs: null,
    });
    expect(await agree(principal(user.id, agency, ['case:read:granted']), 'read', id)).toEqual({
      decide: false,
      sql: false,
    });
  });

  it('uses the database clock when no time is given', async () => {
    const id = crypto.randomUUID();
    await insertRecord(id, other, null);
    await sql`INSERT INTO access_grants (record_type, record_id, grantee_agency_id, sections, kind, expires_at)
      VALUES ('case', ${id}, ${agency}, '{summary}', 'share', now() + interval '1 minute')`.execute(db);
    const p = principal(user.id, agency, ['case:read:granted']);
    const q = () =>
      sql<{
        id: string;
      }>`SELECT id FROM test_records WHERE id = ${id} AND ${visibleFilter(p, 'read', RECORDS)}`.execute(db);
    expect((await q()).rows).toHaveLength(1);
    await sql`UPDATE access_grants SET expires_at = now() - interval '1 second' WHERE record_id = ${id}`.execute(
      db,
    );
    expect((await q()).rows).toHaveLength(0);
  });
});

describe('loadRecordFacts', () => {
  it('loads the owners and every grant of the record type, and nothing for a missing or malformed id', async () => {
    const [agency] = (await makeAgencies(1)) as [string];
    const id = crypto.randomUUID();
    await insertRecord(id, agency, null);
    await insertGrant({
      recordType: 'case',
      recordId: id,
      granteeAgencyId: agency,
      granteeUserId: null,
      sections: ['legal'],
      createdUs: 1000,
      expiresUs: 2_000_000,
      revokedUs: 3_000_000,
    });
    await insertGrant({
      recordType: 'person',
      recordId: id,
      granteeAgencyId: agency,
      granteeUserId: null,
      sections: ['x'],
      createdUs: 0,
      expiresUs: null,
      revokedUs: null,
    });
    const facts = await loadRecordFacts(db, RECORDS, id);
    expect(facts).toEqual({
      ownerUserId: null,
      ownerAgencyId: agency,
      accessEnded: false,
      grants: [
        {
          granteeAgencyId: agency,
          granteeUserId: null,
          sections: ['legal'],
          createdAt: new Date(NOW.getTime() + 1),
          expiresAt: new Date(NOW.getTime() + 2000),
          revokedAt: new Date(NOW.getTime() + 3000),
        },
      ],
    });
    expect(await loadRecordFacts(db, RECORDS, crypto.randomUUID())).toBeUndefined();
    expect(await loadRecordFacts(db, RECORDS, 'not-a-uuid')).toBeUndefined();
    expect(await loadRecordFacts(db, RECORDS, "' OR true --")).toBeUndefined();
  });
});
